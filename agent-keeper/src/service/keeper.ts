// The keeper service: notices every requested job and has the keeper agent route it; watches
// routed jobs until they start, so the agent fails them over, moves them to a markedly cheaper
// offer, or expires them; and narrates all of it to the activity log. Restart-safe: on start it
// sweeps every job on the market, so nothing requested while it was down is missed, and every
// action re-reads the chain before it sends, so two keepers never route one job twice.
import type { Event } from '@google/adk';
import { KeeperAgent, createKeeperRunner, keeperAgentTools } from '../agent/keeper-agent.ts';
import type { ToolStep, WorkOrder } from '../agent/keeper-agent.ts';
import type { Fulfilment } from '../agent/toolkit.ts';
import type { Market } from '../chain/market.ts';
import { MarketWatcher, webSocketUrlFor } from '../chain/watch.ts';
import type { MarketEvent } from '../chain/watch.ts';
import { rpcErrorMessage } from '../chain/offers.ts';
import type { DecisionStore } from '../decision/store.ts';
import type { RouteDeps } from '../route-job.ts';
import type { ScanConfig } from '../scan.ts';
import type { Source } from '../sources/source.ts';
import { ActivityLog } from './activity.ts';
import type { ActivityKind } from './activity.ts';
import type { KeeperSettings } from './keeper-config.ts';
import { sellerTrackRecords } from '../seller-track-records.ts';
import { ScanCache } from './scan-cache.ts';
import { marketBoard } from './market-board.ts';
import type { MarketBoard } from './market-board.ts';
import { createKeeperToolkit, sourceLine } from './toolkit.ts';
import type { KeeperActions } from './toolkit.ts';

export type KeeperDeps = {
  market: Market;
  store: DecisionStore;
  sources: readonly Source[];
  config: ScanConfig;
  settings: KeeperSettings;
  activity?: ActivityLog;
  /** How often the head is polled without a WebSocket, ms; the market's NECTO_POLL_MS by default. */
  pollMs?: number;
  prepareQuotes?: RouteDeps['prepareQuotes'];
  /** A gateway that runs the jobs routed to its network itself (Akash through its Console). */
  gateway?: AutomatedGateway;
};

/** What the keeper needs of a gateway that runs jobs on its own; it hands back the ones it cannot run. */
export type AutomatedGateway = {
  readonly networks: ReadonlySet<string>;
  start(): Promise<void>;
  stop(): void;
  fulfilment(jobId: string): Fulfilment | undefined;
};

/** GET /token-rate's answer: the rate, when CoinGecko observed it, and where it comes from. */
export type TokenRateAnswer = { id: string; usd: number; observedAt: number; source: string; warning?: string } | { error: string };

/** A job waiting for a route: when the keeper first saw it, and when it tries next. */
type Waiting = { firstSeen: number; nextAttempt: number; attempts: number };
/** A routed job being watched: when it is next checked. */
type Watched = { nextCheck: number };

/** The contract call each acting tool posts (route_job posts markUnroutable when no offer fits). */
const CALL_OF_TOOL: Record<string, string> = { route_job: 'route', reroute_job: 'reroute', expire_job: 'expire' };
/** How an action's outcome shows in the feed; held and the rest are decisions. */
const KIND_OF_OUTCOME: Record<string, ActivityKind> = {
  routed: 'routed',
  unroutable: 'unroutable',
  rerouted: 'rerouted',
  skipped: 'skipped',
  refused: 'error',
};

const MAX_CONCURRENT_ORDERS = 64;
const SWEEP_CONCURRENCY = 16;

export class KeeperService {
  readonly activity: ActivityLog;
  readonly toolkit: KeeperActions;
  readonly scans: ScanCache;
  readonly #deps: KeeperDeps;
  readonly #run: ReturnType<typeof createKeeperRunner>;
  readonly #waiting = new Map<string, Waiting>();
  readonly #watched = new Map<string, Watched>();
  readonly #notes = new Map<string, string>();
  readonly #inFlight = new Set<string>();
  /** Jobs the gateway of their routed offer cannot run, and why: checked (failed over) at once. */
  readonly #gatewayFailures = new Map<string, { offerId: number; reason: string }>();
  #watcher: MarketWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #chain: { ok: boolean; head?: bigint; error?: string } = { ok: false };
  #started = false;
  #stopped = false;
  #idle: Array<() => void> = [];

  constructor(deps: KeeperDeps) {
    this.#deps = deps;
    this.activity = deps.activity ?? new ActivityLog();
    this.scans = new ScanCache({
      sources: deps.sources,
      config: deps.config,
      ttlSec: deps.settings.scanTtlSec,
      onSourceDone: (s) => this.activity.emit({ kind: 'source', message: sourceLine(s), data: { ...s } }),
      onScan: ({ reused, result }) => {
        if (!reused) this.activity.emit({ kind: 'scan', message: `Scanned ${result.sources.length} sources: ${result.quotes.length} quotes (${result.mode})` });
      },
    });
    this.toolkit = createKeeperToolkit({
      market: deps.market,
      store: deps.store,
      sources: deps.sources,
      config: deps.config,
      settings: deps.settings,
      scans: this.scans,
      activity: this.activity,
      keeperNote: (id) => this.note(id),
      firstSeen: (id) => this.#waiting.get(id)?.firstSeen ?? Date.now(),
      prepareQuotes: deps.prepareQuotes ?? sellerTrackRecords(deps.market),
      gatewayFailure: (id, offerId) => {
        const failure = this.#gatewayFailures.get(id);
        return failure?.offerId === offerId ? failure.reason : undefined;
      },
      ...(deps.gateway && { automatedFulfilment: (id: string) => deps.gateway!.fulfilment(id), automatedNetworks: deps.gateway.networks }),
    });
    this.#run = createKeeperRunner(new KeeperAgent(keeperAgentTools(this.toolkit)));
  }

  get #pollMs(): number {
    return this.#deps.pollMs ?? this.#deps.market.pollMs;
  }

  /** Sweeps the market (every job not yet routed is routed; routed ones are watched), then
   *  follows new blocks. Resolves once the sweep's jobs are queued. */
  async start(): Promise<void> {
    const { market } = this.#deps;
    this.#emit('service', `Keeper ${market.keeper} on chain ${market.chainId}, market ${market.address}; records to ${this.#deps.store.describe()}`);
    const head = await market.client.getBlockNumber({ cacheTime: 0 });
    this.#chain = { ok: true, head };
    await this.#sweep();
    this.#watcher = new MarketWatcher(
      {
        client: market.client,
        address: market.address,
        afterBlock: head,
        pollMs: this.#pollMs,
        webSocketUrl: webSocketUrlFor(market.rpcUrl, this.#deps.config.env),
      },
      {
        onEvents: (events, toBlock) => this.#onEvents(events, toBlock),
        onError: (message, retryInMs) => {
          if (this.#chain.ok) this.#emit('error', `Lost the chain at ${market.rpcUrl}: ${message}; retrying with backoff (next in ${retryInMs} ms)`);
          this.#chain = { ok: false, error: message };
        },
        onRecovered: (at) => {
          this.#chain = { ok: true, head: at };
          this.#emit('service', `Chain back at block ${at}; catching up from block ${(this.#watcher?.cursor ?? 0n) + 1n}`);
          this.#pump();
        },
      },
    );
    await this.#watcher.start();
    this.#emit('service', `Watching the market by ${this.#watcher.transport === 'websocket' ? 'WebSocket new-head subscription' : `polling every ${this.#pollMs} ms`}`);
    this.#started = true;
    this.#timer = setInterval(() => this.#pump(), 1000);
    this.#pump();
    await this.#deps.gateway?.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#deps.gateway?.stop();
    await this.#watcher?.stop();
    await this.scans.close();
  }

  /** Every quote of the current scan (the cached external one, Necto's sellers read now). */
  async market(): Promise<MarketBoard> {
    const view = await this.scans.view(this.#deps.market.rpcUrl);
    return marketBoard(view, this.#deps.sources, Math.floor(Date.now() / 1000));
  }

  /** A token's USD rate as the keeper converts token offers with it now. */
  async tokenRate(tokenId: string): Promise<TokenRateAnswer> {
    const rate = await this.scans.tokenRate(tokenId);
    if ('error' in rate) return rate;
    return { id: rate.tokenId, usd: rate.usd, observedAt: rate.updatedAt, source: this.#deps.config.mode === 'snapshot' ? 'CoinGecko (snapshot)' : 'CoinGecko', ...(rate.warning && { warning: rate.warning }) };
  }

  /** Requested jobs not yet routed or given up on, and whether the chain answers. */
  health() {
    return {
      ready: this.#started,
      chain: { ...this.#chain, head: this.#chain.head?.toString(), transport: this.#watcher?.transport },
      /** Requested jobs not tried yet, or being tried for the first time. */
      backlog: [...this.#waiting.values()].filter((w) => w.attempts === 0 || (w.attempts === 1 && w.nextAttempt === 0)).length,
      /** Jobs with no eligible offer yet, retried until their grace ends. */
      held: [...this.#waiting.values()].filter((w) => w.nextAttempt > 0).length,
      inFlight: this.#inFlight.size,
      watching: this.#watched.size,
      scan: this.scans.lastSources(),
    };
  }

  /** The gateway of the job's routed offer cannot run it: fail it over now (if it opted in). */
  handBack(jobId: bigint, offerId: number, reason: string): void {
    const id = jobId.toString();
    this.#gatewayFailures.set(id, { offerId, reason });
    this.#notes.set(id, `its gateway cannot run it (${reason}): failing it over`);
    this.#watch(id, 0);
    this.#pump();
  }

  /** What the keeper is doing about a job, in words. */
  note(jobId: string): string {
    if (this.#inFlight.has(jobId)) return `working on it: ${this.#notes.get(jobId) ?? 'routing'}`;
    return this.#notes.get(jobId) ?? 'nothing: the keeper has not seen this job waiting for a route';
  }

  /** Resolves when no order is queued or running (tests, the benchmark). */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #sweep(): Promise<void> {
    const { market } = this.#deps;
    const count = Number(await market.jobCount());
    const ids = Array.from({ length: count }, (_, i) => BigInt(i + 1));
    let queued = 0;
    for (let i = 0; i < ids.length; i += SWEEP_CONCURRENCY) {
      const jobs = await Promise.all(ids.slice(i, i + SWEEP_CONCURRENCY).map((id) => market.readJob(id)));
      for (const job of jobs) {
        const id = job.jobId.toString();
        if (job.status === 'Requested') {
          this.#queue(id);
          queued++;
        } else if (job.status === 'Routed') this.#watch(id, 0);
      }
    }
    this.#emit('service', `Swept ${count} jobs: ${queued} waiting for a route, ${this.#watched.size} routed and watched`);
  }

  #onEvents(events: MarketEvent[], toBlock: bigint): void {
    this.#chain = { ok: true, head: toBlock };
    for (const event of events) {
      const id = String(event.args.jobId ?? '');
      if (!id) continue;
      switch (event.eventName) {
        case 'JobRequested':
          this.#emit('job', `Job ${id} requested in block ${event.blockNumber}`, id, { blockNumber: event.blockNumber.toString() });
          this.#queue(id);
          break;
        case 'JobRouted':
        case 'JobRerouted':
          this.#waiting.delete(id);
          this.#watch(id, Date.now() + this.#deps.settings.rerouteCheckSec * 1000);
          break;
        case 'JobStarted':
        case 'JobCancelled':
        case 'JobExpired':
        case 'JobMarkedUnroutable':
        case 'JobCompleted':
          this.#waiting.delete(id);
          this.#watched.delete(id);
          this.#notes.set(id, `nothing more: the job is ${event.eventName.replace(/^Job/, '').replace('MarkedUnroutable', 'unroutable').toLowerCase()}`);
          break;
      }
    }
    this.#pump();
  }

  #queue(id: string): void {
    if (this.#waiting.has(id)) return;
    this.#waiting.set(id, { firstSeen: Date.now(), nextAttempt: 0, attempts: 0 });
    this.#notes.set(id, 'queued for routing');
  }

  #watch(id: string, nextCheck: number): void {
    this.#watched.set(id, { nextCheck });
    this.#notes.set(id, 'routed: watching until it starts (failover, cheaper offers, expiry)');
  }

  /** Starts every order that is due, up to the concurrency limit. */
  #pump(): void {
    if (this.#stopped || !this.#chain.ok) return this.#settleIdle();
    const now = Date.now();
    for (const [id, waiting] of this.#waiting) {
      if (this.#inFlight.size >= MAX_CONCURRENT_ORDERS) break;
      if (waiting.nextAttempt <= now && !this.#inFlight.has(id)) void this.#execute(id, { route: id });
    }
    for (const [id, watched] of this.#watched) {
      if (this.#inFlight.size >= MAX_CONCURRENT_ORDERS) break;
      if (watched.nextCheck <= now && !this.#inFlight.has(id)) void this.#execute(id, { check: id });
    }
    this.#settleIdle();
  }

  async #execute(id: string, order: WorkOrder): Promise<void> {
    this.#inFlight.add(id);
    const waiting = this.#waiting.get(id);
    if (waiting) waiting.attempts++;
    try {
      const steps = await this.#run(order, (event) => this.#narrate(id, event));
      this.#afterOrder(id, order, steps);
    } catch (error) {
      // The runner itself failed (the tools never throw): try again later.
      this.#emit('error', `Job ${id}: ${rpcErrorMessage(error)}; retrying`, id);
      this.#later(id, order, this.#backoff(id));
    } finally {
      this.#inFlight.delete(id);
      this.#pump();
    }
  }

  #afterOrder(id: string, order: WorkOrder, steps: ToolStep[]): void {
    const last = steps.at(-1)?.result;
    if (!last) return this.#later(id, order, this.#backoff(id));
    if (last.status === 'error') {
      this.#notes.set(id, `retrying after an error: ${last.reason}`);
      return this.#later(id, order, this.#backoff(id));
    }
    const outcome = String(last.outcome ?? last.action ?? '');
    const summary = String(last.summary ?? last.reason ?? '');
    if ('route' in order) {
      if (outcome === 'held' || outcome === 'refused') {
        this.#notes.set(id, summary);
        // A refusal means the chain moved under the decision: decide again soon, on fresh state.
        return this.#later(id, order, outcome === 'refused' ? 1 : undefined);
      }
      this.#waiting.delete(id);
      this.#notes.set(id, summary);
      if (outcome === 'routed') this.#watch(id, Date.now() + this.#deps.settings.rerouteCheckSec * 1000);
      return;
    }
    // A check: look again after the check interval (a deadline to come is checked at the deadline).
    if (outcome === 'rerouted' || outcome === 'none' || outcome === 'skipped' || outcome === 'refused') {
      const watched = this.#watched.get(id);
      if (watched) watched.nextCheck = Date.now() + this.#deps.settings.rerouteCheckSec * 1000;
      if (outcome !== 'none') this.#notes.set(id, summary);
    } else if (outcome === 'expired') {
      this.#watched.delete(id);
      this.#notes.set(id, summary);
    }
  }

  /** After an error: 1 s, then doubling with each attempt, up to NECTO_RETRY_S. */
  #backoff(id: string): number {
    const attempts = this.#waiting.get(id)?.attempts ?? 1;
    return 2 ** Math.min(attempts - 1, 10);
  }

  #later(id: string, order: WorkOrder, seconds = this.#deps.settings.retrySec): void {
    const at = Date.now() + Math.min(seconds, this.#deps.settings.retrySec) * 1000;
    if ('route' in order) {
      const waiting = this.#waiting.get(id);
      if (waiting) waiting.nextAttempt = at;
    } else {
      const watched = this.#watched.get(id);
      if (watched) watched.nextCheck = at;
    }
  }

  /** The agent's calls and results as activity: what it does, and what came of it. */
  #narrate(id: string, event: Event): void {
    for (const part of event.content?.parts ?? []) {
      if (part.functionCall?.name === 'route_job') this.#emit('job', `Routing job ${id}`, id);
      if (part.functionCall?.name === 'reroute_job') this.#emit('job', `Rerouting job ${id}`, id);
      const response = part.functionResponse?.response as Record<string, unknown> | undefined;
      if (!response) continue;
      const name = part.functionResponse?.name;
      if (response.status === 'error') {
        this.#emit('error', `${name} for job ${id} failed: ${String(response.reason)}`, id);
        continue;
      }
      if (name === 'check_reroute') {
        if (response.action !== 'none') this.#emit('job', `Job ${id}: ${String(response.action)}: ${String(response.reason)}`, id);
        continue;
      }
      const outcome = String(response.outcome);
      if (response.txHash) {
        const call = name === 'route_job' && outcome === 'unroutable' ? 'markUnroutable' : CALL_OF_TOOL[name ?? ''];
        this.#emit('tx', `Posted ${call} ${String(response.txHash)} in block ${String(response.blockNumber)}`, id, {
          txHash: response.txHash,
          blockNumber: response.blockNumber,
          root: response.root,
        });
      }
      const kind = KIND_OF_OUTCOME[outcome] ?? 'decision';
      this.#emit(kind, String(response.summary), id, { outcome, ...(response.root ? { root: response.root } : {}) });
    }
  }

  #emit(kind: ActivityKind, message: string, jobId?: string, data?: Record<string, unknown>): void {
    this.activity.emit({ kind, message, ...(jobId && { jobId }), ...(data && { data }) });
  }

  #isIdle(): boolean {
    const now = Date.now();
    const due = [...this.#waiting.values()].some((w) => w.nextAttempt <= now);
    return this.#inFlight.size === 0 && !due;
  }

  #settleIdle(): void {
    if (!this.#isIdle()) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }
}
