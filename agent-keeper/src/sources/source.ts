// The contract every provider adapter implements, and what the scanner gives it.
import type { Quote, Rejection, TokenRate } from '../quote.ts';

export type ProviderMode = 'snapshot' | 'live';

/** What one adapter needs for one scan. */
export type SourceContext = {
  mode: ProviderMode;
  /** Where to send requests: the live endpoint, an env override, or the snapshot server. */
  baseUrl: string;
  /** The API key from the source's env variable, when it has one. */
  apiKey?: string;
  /** Aborted when the source's timeout passes or the scan is cancelled. */
  signal: AbortSignal;
  /** Unix seconds. In snapshot mode, the time the snapshot was recorded. */
  now: number;
  /** The USD rate of a CoinGecko id, or the reason there is none (missing id, feed down). */
  tokenRate(tokenId: string): Promise<TokenRate | { error: string }>;
  /** Akash block time in seconds (AKASH_BLOCK_TIME_SEC). */
  akashBlockTimeSec: number;
};

export type SourceResult = {
  quotes: Quote[];
  /** Offers the source listed that could not become quotes, each with its reason. */
  rejected: Rejection[];
};

export type Source = {
  /** Short id used in quotes and on-chain source tags: "akash", "runpod", "aws-spot", ... */
  id: string;
  /** Display name: "Akash", "AWS EC2 Spot". */
  label: string;
  /** The live base URL. */
  liveBaseUrl: string;
  /** The env variable overriding the base URL, e.g. NECTO_AKASH_URL. */
  urlEnv: string;
  /** Env variables of which one must hold an API key; without it the source is skipped. */
  keyEnv?: readonly string[];
  /** 'unreported' when the source publishes prices but no capacity (a spot price, a rate table):
   *  its quotes' availableGpus is a placeholder, and the market shows availability as unknown. */
  capacity?: 'reported' | 'unreported';
  fetchQuotes(context: SourceContext): Promise<SourceResult>;
};

/** A whole source failed (HTTP error, timeout, malformed JSON, schema mismatch). */
export class SourceError extends Error {}
