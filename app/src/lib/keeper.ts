// The keeper API: the market board, quotes for a spec, a job's status, decision records by root,
// token rates, and the activity feed as Server-Sent Events.
import type { ActivityEvent } from 'agent-keeper/activity';
import type { MarketBoard } from 'agent-keeper/market-board';
import type { Comparison, JobReport } from 'agent-keeper/toolkit-types';
import { fetchJson, ServiceError } from './http.ts';

export type { ActivityEvent, Comparison, JobReport, MarketBoard };

/** `review`: compare as a job with that review window (seconds) would be routed now, through the
 *  on-chain offers that could carry it. */
export type TokenRate = { id: string; usd: number; observedAt: number; source: string; warning?: string };

export type QuoteSpec = { gpu: string; count: number; hours: number; maxPrice?: number; region?: string; exclude?: string[]; review?: number };

export class Keeper {
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }

  market(): Promise<MarketBoard> {
    return fetchJson('the keeper', `${this.url}/market`);
  }

  quotes(spec: QuoteSpec, limit = 5): Promise<Comparison> {
    const params = new URLSearchParams({ gpu: spec.gpu, count: String(spec.count), hours: String(spec.hours), limit: String(limit) });
    if (spec.maxPrice) params.set('maxPrice', String(spec.maxPrice));
    if (spec.region) params.set('region', spec.region);
    if (spec.exclude?.length) params.set('exclude', spec.exclude.join(','));
    if (spec.review !== undefined) params.set('review', String(spec.review));
    return fetchJson('the keeper', `${this.url}/quotes?${params}`);
  }

  /** A token's USD rate now, as the keeper converts Token offers. */
  tokenRate(id: string): Promise<TokenRate> {
    return fetchJson('the keeper', `${this.url}/token-rate?${new URLSearchParams({ id })}`);
  }

  job(id: string): Promise<JobReport> {
    return fetchJson('the keeper', `${this.url}/jobs/${id}`);
  }

  /** The record's exact bytes: verification hashes these, never a re-serialization. */
  async decisionBytes(root: string): Promise<Uint8Array> {
    let response: Response;
    try {
      response = await fetch(`${this.url}/decisions/${root}`);
    } catch {
      throw new ServiceError(`the keeper is unreachable at ${new URL(this.url).origin}`);
    }
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { error?: string };
      throw new ServiceError(`the keeper: ${body.error ?? `HTTP ${response.status}`}`, response.status);
    }
    return new Uint8Array(await response.arrayBuffer());
  }

  /** Follows the feed (one job's, or everything); returns a function that stops it. */
  follow(onEvent: (event: ActivityEvent) => void, options: { jobId?: string; onError?: (message: string) => void } = {}): () => void {
    const path = options.jobId ? `/jobs/${options.jobId}/activity` : '/activity';
    const source = new EventSource(`${this.url}${path}`);
    source.addEventListener('activity', (message) => onEvent(JSON.parse((message as MessageEvent<string>).data) as ActivityEvent));
    source.onerror = () => options.onError?.(`lost the keeper's activity feed at ${this.url}; reconnecting`);
    return () => source.close();
  }
}
