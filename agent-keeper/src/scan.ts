// Scans every source in parallel, each within its timeout, and gathers quotes, rejections and a
// status per source. A failing, slow or malformed source is reported, never thrown: one bad
// source never stops or delays the others.
import { DEFAULT_AKASH_BLOCK_TIME_SEC, MAX_USD_PER_GPU_HOUR, MICRO } from './normalize.ts';
import { createTokenRateFeed } from './prices/coingecko.ts';
import type { TokenRateFeed } from './prices/coingecko.ts';
import type { Quote, Rejection } from './quote.ts';
import { SourceError } from './sources/source.ts';
import type { ProviderMode, Source, SourceResult } from './sources/source.ts';

export const COINGECKO_LIVE_URL = 'https://api.coingecko.com';
/** How snapshot quotes and sources show the snapshot server: snapshot://akash/v1/gpu-prices. */
export const SNAPSHOT_ORIGIN = 'snapshot:/';

export type ScanConfig = {
  mode: ProviderMode;
  /** Per-source time limit. */
  timeoutMs: number;
  akashBlockTimeSec: number;
  env: NodeJS.ProcessEnv;
};

/** A bad environment value: the message names the variable and what it expects. */
export class ConfigError extends Error {}

export function readScanConfig(env: NodeJS.ProcessEnv = process.env): ScanConfig {
  const mode = env.NECTO_PROVIDERS || 'snapshot';
  if (mode !== 'snapshot' && mode !== 'live') {
    throw new ConfigError(`NECTO_PROVIDERS must be "snapshot" or "live" (got "${mode}")`);
  }
  return {
    mode,
    timeoutMs: positiveNumber(env, 'NECTO_SOURCE_TIMEOUT_MS', 3000),
    akashBlockTimeSec: positiveNumber(env, 'AKASH_BLOCK_TIME_SEC', DEFAULT_AKASH_BLOCK_TIME_SEC),
    env,
  };
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number (got "${raw}")`);
  return value;
}

export type SourceStatus = {
  id: string;
  label: string;
  url: string;
  status: 'ok' | 'failed' | 'skipped';
  /** Why the source failed or was skipped. */
  reason?: string;
  quotes: number;
  rejected: number;
  ms: number;
};

export type ScanResult = {
  mode: ProviderMode;
  /** Unix seconds the quotes are as of: the snapshot's recording time in snapshot mode. */
  now: number;
  quotes: Quote[];
  rejected: Rejection[];
  sources: SourceStatus[];
};

export type ScanOptions = {
  /** Required in snapshot mode: where the snapshot server listens and when it was recorded. */
  snapshot?: { url: string; recordedAt: number };
  /** Called as each source finishes, in completion order (progress output). */
  onSourceDone?: (status: SourceStatus) => void;
};

/** The CoinGecko feed token prices convert at: its recorded answers in snapshot mode. */
export function tokenRateFeed(config: ScanConfig, snapshot: ScanOptions['snapshot'], now: () => number): TokenRateFeed {
  const baseUrl = config.env.NECTO_COINGECKO_URL || (config.mode === 'snapshot' && snapshot ? `${snapshot.url}/coingecko` : COINGECKO_LIVE_URL);
  return createTokenRateFeed({ baseUrl, apiKey: config.env.COINGECKO_API_KEY, now });
}

export async function scan(sources: readonly Source[], config: ScanConfig, options: ScanOptions = {}): Promise<ScanResult> {
  const { snapshot } = options;
  if (config.mode === 'snapshot' && !snapshot) throw new Error('snapshot mode needs a snapshot server');
  const now = snapshot && config.mode === 'snapshot' ? snapshot.recordedAt : Math.floor(Date.now() / 1000);
  const baseUrlOf = (id: string, urlEnv: string, liveUrl: string) =>
    config.env[urlEnv] || (config.mode === 'snapshot' && snapshot ? `${snapshot.url}/${id}` : liveUrl);
  const rates = tokenRateFeed(config, snapshot, () => now);

  const results = await Promise.all(
    sources.map(async (source) => {
      const url = baseUrlOf(source.id, source.urlEnv, source.liveBaseUrl);
      // Snapshot quotes name where they were recorded, not the server's port of the day, so the
      // same snapshot always gives the same quotes.
      const shownUrl = (value: string) => (snapshot ? value.replace(snapshot.url, SNAPSHOT_ORIGIN) : value);
      const started = performance.now();
      const apiKey = source.keyEnv?.map((name) => config.env[name]).find(Boolean);
      const done = (status: SourceStatus['status'], result: SourceResult, reason?: string) => {
        const report: SourceStatus = {
          id: source.id,
          label: source.label,
          url: shownUrl(url),
          status,
          ...(reason !== undefined && { reason }),
          quotes: result.quotes.length,
          rejected: result.rejected.length,
          ms: Math.round(performance.now() - started),
        };
        options.onSourceDone?.(report);
        return { report, result };
      };
      if (config.mode === 'live' && source.keyEnv && !apiKey) {
        return done('skipped', EMPTY, `${source.keyEnv.join(' or ')} not set`);
      }
      try {
        const result = checked(
          source.id,
          shownUrl,
          await withTimeout(config.timeoutMs, (signal) =>
            source.fetchQuotes({
              mode: config.mode,
              baseUrl: url,
              ...(apiKey !== undefined && { apiKey }),
              signal,
              now,
              tokenRate: (tokenId) => rates.rate(tokenId, signal),
              akashBlockTimeSec: config.akashBlockTimeSec,
            }),
          ),
        );
        return done('ok', result);
      } catch (error) {
        const reason = error instanceof SourceError ? error.message : `internal error: ${(error as Error).message}`;
        return done('failed', EMPTY, reason);
      }
    }),
  );

  return {
    mode: config.mode,
    now,
    quotes: results.flatMap((r) => r.result.quotes),
    rejected: results.flatMap((r) => r.result.rejected),
    sources: results.map((r) => r.report),
  };
}

const EMPTY: SourceResult = { quotes: [], rejected: [] };

/** Runs `task` with an abort signal and gives up at the deadline even if the task ignores it. */
async function withTimeout<T>(ms: number, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new SourceError(`no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([task(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The last line of defence: a quote an adapter let through with a bad price becomes a rejection. */
function checked(source: string, shownUrl: (url: string) => string, result: SourceResult): SourceResult {
  const quotes: Quote[] = [];
  const rejected = [...result.rejected];
  for (const quote of result.quotes) {
    const price = quote.effectiveMicroUsdPerGpuHour;
    const problem = !Number.isSafeInteger(price) || price <= 0
      ? `effective price ${price} is not a positive integer`
      : price > MAX_USD_PER_GPU_HOUR * MICRO
        ? `effective price ${price} micro-USD is absurd`
        : !(quote.unitGpus > 0) || !(quote.availableGpus >= 0)
          ? `GPU counts are invalid (${quote.unitGpus}, ${quote.availableGpus})`
          : undefined;
    if (problem) rejected.push({ source, offerId: quote.offerId, vendorGpuName: quote.vendorGpuName, reason: problem });
    else quotes.push({ ...quote, sourceUrl: shownUrl(quote.sourceUrl) });
  }
  return { quotes, rejected };
}
