// One scan of the external sources serves every job decided within its freshness: NECTO_SCAN_TTL_S
// (30 s) live, the whole snapshot in snapshot mode, so a burst of requests costs one scan. Necto's
// own sellers are read afresh for every decision: they are the chain's state, not a remote price.
// Concurrent callers of a stale cache share the one scan that refreshes it.
import type { TokenRateFeed, TokenRateResult } from '../prices/coingecko.ts';
import { scan, tokenRateFeed } from '../scan.ts';
import type { ScanConfig, ScanResult, SourceStatus } from '../scan.ts';
import { startSnapshotServer } from '../snapshot/server.ts';
import type { Source } from '../sources/source.ts';
import type { ScanView } from '../route-job.ts';

type SnapshotServer = Awaited<ReturnType<typeof startSnapshotServer>>;
type Cached = { result: ScanResult; scannedAt: number };

export type ScanCacheOptions = {
  sources: readonly Source[];
  config: ScanConfig;
  /** Seconds a live scan is reused for. */
  ttlSec: number;
  /** Each external source as it answers, when a scan actually runs. */
  onSourceDone?: (status: SourceStatus) => void;
  /** After each external scan, or each reuse of one. */
  onScan?: (event: { reused: boolean; ageSeconds: number; result: ScanResult }) => void;
  /** Unix seconds. */
  clock?: () => number;
};

export class ScanCache {
  readonly #options: ScanCacheOptions;
  readonly #external: readonly Source[];
  readonly #chainSources: readonly Source[];
  readonly #clock: () => number;
  #server: Promise<SnapshotServer> | undefined;
  #cached: Cached | undefined;
  #refreshing: Promise<Cached> | undefined;
  #rates: Promise<TokenRateFeed> | undefined;

  constructor(options: ScanCacheOptions) {
    this.#options = options;
    this.#external = options.sources.filter((s) => s.id !== 'necto');
    this.#chainSources = options.sources.filter((s) => s.id === 'necto');
    this.#clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
  }

  /** The quotes for a decision now: the cached external scan (refreshed when stale) plus the
   *  Necto sellers read from the chain at `rpcUrl`. */
  async view(rpcUrl: string): Promise<ScanView> {
    const external = await this.#externalScan();
    const ageSeconds = Math.max(0, this.#clock() - external.scannedAt);
    const chain = await this.#scan(this.#chainSources, { NECTO_RPC_URL: rpcUrl });
    const result: ScanResult = {
      mode: external.result.mode,
      now: external.result.now,
      quotes: [...external.result.quotes, ...chain.quotes],
      rejected: [...external.result.rejected, ...chain.rejected],
      sources: [...external.result.sources, ...chain.sources],
    };
    return { result, scannedAt: external.scannedAt, ageSeconds };
  }

  /** A token's USD rate now, from the CoinGecko feed the scans convert token prices with (its
   *  recorded answer in snapshot mode). */
  async tokenRate(tokenId: string): Promise<TokenRateResult> {
    this.#rates ??= this.#rateFeed();
    return (await this.#rates).rate(tokenId);
  }

  /** The last external scan's source statuses (for /health), without scanning. */
  lastSources(): { scannedAt: number; sources: SourceStatus[] } | undefined {
    return this.#cached && { scannedAt: this.#cached.scannedAt, sources: this.#cached.result.sources };
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await (await server).close();
  }

  async #externalScan(): Promise<Cached> {
    const cached = this.#cached;
    if (cached && this.#fresh(cached)) {
      this.#options.onScan?.({ reused: true, ageSeconds: this.#clock() - cached.scannedAt, result: cached.result });
      return cached;
    }
    this.#refreshing ??= (async () => {
      try {
        const scannedAt = this.#clock();
        const result = await this.#scan(this.#external, {}, this.#options.onSourceDone);
        this.#cached = { result, scannedAt };
        this.#options.onScan?.({ reused: false, ageSeconds: 0, result });
        return this.#cached;
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  #fresh(cached: Cached): boolean {
    if (this.#options.config.mode === 'snapshot') return true;
    return this.#clock() - cached.scannedAt < this.#options.ttlSec;
  }

  async #rateFeed(): Promise<TokenRateFeed> {
    const { config } = this.#options;
    if (config.mode !== 'snapshot') return tokenRateFeed(config, undefined, this.#clock);
    const server = await (this.#server ??= startSnapshotServer());
    return tokenRateFeed(config, server, () => server.recordedAt);
  }

  async #scan(sources: readonly Source[], env: NodeJS.ProcessEnv, onSourceDone?: (s: SourceStatus) => void): Promise<ScanResult> {
    const config = { ...this.#options.config, env: { ...this.#options.config.env, ...env } };
    if (config.mode !== 'snapshot') return scan(sources, config, { ...(onSourceDone && { onSourceDone }) });
    this.#server ??= startSnapshotServer();
    const server = await this.#server;
    return scan(sources, config, {
      snapshot: { url: server.url, recordedAt: server.recordedAt },
      ...(onSourceDone && { onSourceDone }),
    });
  }
}
