// Follows the market's events block by block. A WebSocket subscription to new heads (where the RPC
// offers one) wakes it the moment a block is mined; otherwise it polls the head every NECTO_POLL_MS.
// Either way it reads every block range once, in order, with getLogs, and only moves its cursor past
// a range it has handed over: when the RPC is down it retries with backoff and, once back, catches
// up from where it stopped, so no request is ever missed.
import { parseEventLogs } from 'viem';
import type { Address, Log, PublicClient } from 'viem';
import { nectoMarketAbi } from '@necto/contracts';
import { rpcErrorMessage } from './offers.ts';

/** The market events the keeper acts on, decoded. */
export type MarketEvent = { eventName: string; args: Record<string, unknown>; blockNumber: bigint; logIndex: number };

export type WatchHandlers = {
  /** New events, in chain order, for blocks (from, to]. */
  onEvents(events: MarketEvent[], toBlock: bigint): Promise<void> | void;
  /** The RPC failed; the watcher retries after `retryInMs`. */
  onError(message: string, retryInMs: number): void;
  /** The RPC answered again after failing. */
  onRecovered(head: bigint): void;
};

export type WatchOptions = {
  client: PublicClient;
  address: Address;
  /** The last block already handled: events start at the next one. */
  afterBlock: bigint;
  pollMs: number;
  /** ws:// or wss:// URL to subscribe to new heads; undefined: poll. */
  webSocketUrl?: string;
  /** Blocks per getLogs request (live RPCs cap ranges). */
  maxRange?: bigint;
};

const MAX_BACKOFF_MS = 8000;

export class MarketWatcher {
  readonly #options: WatchOptions;
  readonly #handlers: WatchHandlers;
  #cursor: bigint;
  #stopped = false;
  #wake: (() => void) | undefined;
  #unsubscribe: (() => void) | undefined;
  #done: Promise<void> | undefined;
  #transport: 'websocket' | 'polling' = 'polling';

  constructor(options: WatchOptions, handlers: WatchHandlers) {
    this.#options = options;
    this.#handlers = handlers;
    this.#cursor = options.afterBlock;
  }

  /** The last block whose events were handed over. */
  get cursor(): bigint {
    return this.#cursor;
  }

  get transport(): 'websocket' | 'polling' {
    return this.#transport;
  }

  async start(): Promise<void> {
    if (this.#options.webSocketUrl) await this.#subscribe(this.#options.webSocketUrl);
    this.#done = this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#wake?.();
    await this.#done;
  }

  /** Subscribes to new heads over a WebSocket of its own (closed on stop). Anything but a clean
   *  subscription leaves the watcher polling; a dropped socket is not reopened: polling carries on. */
  async #subscribe(url: string): Promise<void> {
    const socket = await new Promise<WebSocket | undefined>((resolve) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(url);
      } catch {
        return resolve(undefined);
      }
      const timer = setTimeout(() => fail(), 2000);
      const fail = () => {
        clearTimeout(timer);
        ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
        try {
          ws.close();
        } catch {
          // already closed
        }
        resolve(undefined);
      };
      ws.onerror = fail;
      ws.onclose = fail;
      ws.onopen = () => ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] }));
      ws.onmessage = (message) => {
        const reply = JSON.parse(String(message.data)) as { id?: number; result?: unknown; error?: unknown };
        if (reply.id !== 1) return;
        if (reply.error || typeof reply.result !== 'string') return fail();
        clearTimeout(timer);
        resolve(ws);
      };
    });
    if (!socket) return;
    this.#transport = 'websocket';
    socket.onmessage = () => this.#wake?.();
    socket.onerror = () => {};
    socket.onclose = () => {
      this.#transport = 'polling';
    };
    this.#unsubscribe = () => {
      socket.onclose = null;
      socket.close();
    };
  }

  async #loop(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      try {
        const head = await this.#options.client.getBlockNumber({ cacheTime: 0 });
        if (failures > 0) this.#handlers.onRecovered(head);
        failures = 0;
        while (this.#cursor < head && !this.#stopped) {
          const to = minBig(head, this.#cursor + (this.#options.maxRange ?? 5000n));
          const logs = await this.#options.client.getLogs({ address: this.#options.address, fromBlock: this.#cursor + 1n, toBlock: to });
          await this.#handlers.onEvents(decode(logs), to);
          this.#cursor = to;
        }
      } catch (error) {
        failures++;
        const wait = Math.min(MAX_BACKOFF_MS, 250 * 2 ** (failures - 1));
        this.#handlers.onError(rpcErrorMessage(error), wait);
        await this.#sleep(wait);
        continue;
      }
      await this.#sleep(this.#options.pollMs);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}

function decode(logs: Log[]): MarketEvent[] {
  return parseEventLogs({ abi: nectoMarketAbi, logs, strict: false }).map((log) => ({
    eventName: log.eventName as string,
    args: (log.args ?? {}) as Record<string, unknown>,
    blockNumber: log.blockNumber as bigint,
    logIndex: log.logIndex as number,
  }));
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** The WebSocket URL to try for an RPC: NECTO_WS_URL, else the same host over ws:// for a local
 *  http:// RPC (anvil serves both on one port). Remote http RPCs are polled unless NECTO_WS_URL says otherwise. */
export function webSocketUrlFor(rpcUrl: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.NECTO_WS_URL) return env.NECTO_WS_URL;
  if (/^wss?:\/\//.test(rpcUrl)) return rpcUrl;
  const url = new URL(rpcUrl);
  if (url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost')) {
    url.protocol = 'ws:';
    return url.toString();
  }
  return undefined;
}
