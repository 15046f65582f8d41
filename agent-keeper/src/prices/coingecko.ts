// Token -> USD rates from CoinGecko's /api/v3/simple/price, for token-priced quotes. One batched
// request covers every id the keeper knows plus any id asked for; answers are cached for
// cacheTtlSec and carry CoinGecko's last_updated_at. The feed never judges staleness: the engine
// does, from updatedAt. When CoinGecko fails (429, 5xx, timeout, garbage) the last rate we had for
// an id is still returned, with its true updatedAt and a warning, so old rates age out honestly.
import type { TokenRate } from '../quote.ts';
import { causeOf, snippet } from '../sources/http.ts';

export const COINGECKO_LIVE_URL = 'https://api.coingecko.com';
export const COINGECKO_PATH = '/api/v3/simple/price';
/** AKT, RENDER, NOS, IO, USDC (shared/provider-formats section 6). */
export const KNOWN_TOKEN_IDS: readonly string[] = ['akash-network', 'render-token', 'nosana', 'io-net', 'usd-coin'];

/** A rate (possibly a last-known one, then with a warning saying why it was not refreshed) or why there is none. */
export type TokenRateResult = (TokenRate & { warning?: string }) | { error: string };

export type TokenRateFeed = {
  rate(tokenId: string, signal?: AbortSignal): Promise<TokenRateResult>;
};

export type TokenRateFeedOptions = {
  baseUrl: string;
  /** A demo key (header x-cg-demo-api-key), or a pro key on a pro-api host (x-cg-pro-api-key). */
  apiKey?: string;
  cacheTtlSec?: number;
  fetchImpl?: typeof fetch;
  /** Unix seconds. */
  now: () => number;
  /** One request's time limit, whatever the callers' signals say. */
  timeoutMs?: number;
  /** After a failed request, no new one for this long (HTTP 429 Retry-After, when given, wins). */
  retryAfterFailureSec?: number;
};

type Batch = {
  fetchedAt: number;
  ids: ReadonlySet<string>;
  rates: ReadonlyMap<string, TokenRate | { error: string }>;
};

type Failure = { reason: string; until: number };

export function createTokenRateFeed(options: TokenRateFeedOptions): TokenRateFeed {
  const { baseUrl, apiKey, now } = options;
  const cacheTtlSec = options.cacheTtlSec ?? 60;
  const timeoutMs = options.timeoutMs ?? 3000;
  const retryAfterFailureSec = options.retryAfterFailureSec ?? 10;
  const fetchImpl = options.fetchImpl ?? fetch;
  const wanted = new Set(KNOWN_TOKEN_IDS);
  const lastKnown = new Map<string, TokenRate>();
  let batch: Batch | undefined;
  let failure: Failure | undefined;
  let inFlight: { ids: ReadonlySet<string>; done: Promise<void> } | undefined;

  const shown = `${baseUrl.replace(/\/$/, '')}${COINGECKO_PATH}`;
  const keyHeader = apiKey
    ? { [/(^|\.)pro-api\./.test(hostOf(baseUrl)) ? 'x-cg-pro-api-key' : 'x-cg-demo-api-key']: apiKey }
    : {};

  async function refresh(ids: ReadonlySet<string>): Promise<void> {
    const query = `ids=${[...ids].sort().map(encodeURIComponent).join(',')}&vs_currencies=usd&include_last_updated_at=true`;
    try {
      const body = await getJson(`${shown}?${query}`);
      const rates = new Map<string, TokenRate | { error: string }>();
      for (const id of ids) {
        const rate = rateOf(id, body[id]);
        rates.set(id, rate);
        if (!('error' in rate)) lastKnown.set(id, rate);
      }
      batch = { fetchedAt: now(), ids, rates };
      failure = undefined;
    } catch (error) {
      const { reason, retryAfterSec } = error as FeedError;
      failure = { reason: reason ?? String(error), until: now() + (retryAfterSec ?? retryAfterFailureSec) };
    }
  }

  async function getJson(url: string): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        headers: { accept: 'application/json', ...keyHeader },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const name = (error as Error).name;
      throw feedError(
        name === 'TimeoutError' || name === 'AbortError'
          ? `no answer from ${shown} in ${timeoutMs} ms`
          : `cannot reach ${shown}: ${causeOf(error)}`,
      );
    }
    let text: string;
    try {
      text = await response.text();
    } catch {
      throw feedError(`no answer from ${shown} in ${timeoutMs} ms`);
    }
    if (response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw feedError(
        `CoinGecko rate limit (HTTP 429 from ${shown})`,
        Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 300) : undefined,
      );
    }
    if (!response.ok) throw feedError(`HTTP ${response.status} from ${shown}${snippet(text)}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw feedError(`malformed JSON from ${shown}${snippet(text)}`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw feedError(`CoinGecko simple/price is not an object keyed by coin id${snippet(text)}`);
    }
    // Errors sometimes come as a 200 with a status object instead of rates.
    const status = (body as { status?: { error_message?: unknown } }).status;
    if (typeof status?.error_message === 'string') throw feedError(`CoinGecko error: ${status.error_message}`);
    return body as Record<string, unknown>;
  }

  function fromCache(id: string): TokenRateResult | undefined {
    if (!batch || !batch.ids.has(id) || now() - batch.fetchedAt >= cacheTtlSec) return undefined;
    return batch.rates.get(id);
  }

  function afterFailure(id: string, reason: string): TokenRateResult {
    const known = lastKnown.get(id);
    return known
      ? { ...known, warning: `${reason}; last-known rate` }
      : { error: `no CoinGecko rate for ${id}: ${reason}` };
  }

  return {
    async rate(tokenId: string, signal?: AbortSignal): Promise<TokenRateResult> {
      const id = typeof tokenId === 'string' ? tokenId.trim().toLowerCase() : '';
      if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) return { error: `"${String(tokenId)}" is not a CoinGecko id` };
      wanted.add(id);
      const cached = fromCache(id);
      if (cached) return cached;
      // Concurrent callers share one request; an id the running request lacks starts another.
      let request = inFlight?.ids.has(id) ? inFlight : undefined;
      if (!request) {
        if (failure && now() < failure.until) return afterFailure(id, failure.reason);
        const ids: ReadonlySet<string> = new Set(wanted);
        const done: Promise<void> = refresh(ids).finally(() => {
          if (inFlight?.done === done) inFlight = undefined;
        });
        request = inFlight = { ids, done };
      }
      const waited = await untilDoneOrAborted(request.done, signal);
      if (waited === 'aborted') return afterFailure(id, 'no CoinGecko answer before the source timed out');
      return fromCache(id) ?? afterFailure(id, failure?.reason ?? 'CoinGecko gave no answer');
    },
  };
}

/** One id's entry: { usd, last_updated_at }. An id CoinGecko does not know is simply absent. */
function rateOf(id: string, entry: unknown): TokenRate | { error: string } {
  if (entry === undefined) return { error: `no CoinGecko rate for ${id}` };
  const { usd, last_updated_at: updatedAt } = (entry ?? {}) as { usd?: unknown; last_updated_at?: unknown };
  if (usd === undefined || usd === null) return { error: `no CoinGecko rate for ${id}` };
  if (typeof usd !== 'number' || !Number.isFinite(usd) || usd <= 0) {
    return { error: `CoinGecko rate for ${id} is not a positive number (${JSON.stringify(usd)})` };
  }
  if (typeof updatedAt !== 'number' || !Number.isInteger(updatedAt) || updatedAt <= 0) {
    return { error: `CoinGecko rate for ${id} has no last_updated_at, so its age is unknown` };
  }
  return { tokenId: id, usd, updatedAt };
}

type FeedError = Error & { reason: string; retryAfterSec?: number };

function feedError(reason: string, retryAfterSec?: number): FeedError {
  return Object.assign(new Error(reason), { reason, ...(retryAfterSec !== undefined && { retryAfterSec }) });
}

async function untilDoneOrAborted(done: Promise<void>, signal: AbortSignal | undefined): Promise<'done' | 'aborted'> {
  if (!signal) return done.then(() => 'done');
  if (signal.aborted) return 'aborted';
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([done.then(() => 'done' as const), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

