// The Akash Console API's managed-wallet deployment flow, as the Akash gateway calls it: create a
// deployment from an SDL, read its open bids, take a lease (which also sends the manifest), read
// the deployment and its leases, close it. Shapes and behaviour: shared/provider-formats/
// akash-console-deploy.md (every success body is `{data: ...}`, request bodies too except
// POST /v1/leases; dseq is a numeric string; a wallet still provisioning answers 409).
import { z } from 'zod';

export const AKASH_CONSOLE_URL = 'https://console-api.akash.network';
/** The platform's default deposit, in US dollars (Console ignores or requires it per account). */
export const DEFAULT_DEPOSIT_USD = 0.5;
const PROVISIONING_RETRIES = 15;
const PROVISIONING_MAX_DELAY_MS = 10_000;

/** A failed Console call: its HTTP status and the server's own words. */
export class ConsoleError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(message: string, status: number, code?: string) {
    super(message);
    this.name = 'ConsoleError';
    this.status = status;
    this.code = code;
  }
}

const Coin = z.object({ denom: z.string(), amount: z.string() });
const BidId = z.object({ owner: z.string(), dseq: z.coerce.string(), gseq: z.number().int(), oseq: z.number().int(), provider: z.string(), bseq: z.number().int().optional() });
const LEASE_STATES = ['active', 'insufficient_funds', 'closed', 'reclaiming'] as const;
const ServiceStatus = z.object({ name: z.string().optional(), available: z.number().optional(), total: z.number().optional(), ready_replicas: z.number().optional(), uris: z.array(z.string()).nullish() }).passthrough();
const Lease = z.object({
  id: BidId,
  state: z.enum(LEASE_STATES),
  price: Coin,
  created_at: z.coerce.string().optional(),
  closed_on: z.coerce.string().optional(),
  reason: z.string().nullish(),
  status: z.object({ services: z.record(z.string(), ServiceStatus).nullish() }).passthrough().nullish(),
});
const DeploymentBody = z.object({
  deployment: z.object({ id: z.object({ owner: z.string(), dseq: z.coerce.string() }), state: z.enum(['active', 'closed']) }).passthrough(),
  leases: z.array(Lease),
  escrow_account: z.unknown().optional(),
});
// Console names the id `id`; the chain's older v1beta4 bids (and recordings of them) say `bid_id`.
const Bid = z.object({
  bid: z.preprocess(
    (bid) => (bid && typeof bid === 'object' && !('id' in bid) && 'bid_id' in bid ? { ...bid, id: (bid as { bid_id: unknown }).bid_id } : bid),
    z.object({ id: BidId, state: z.enum(['open', 'active', 'lost', 'closed']), price: Coin, resources_offer: z.array(z.unknown()).optional() }).passthrough(),
  ),
});
const Created = z.object({ dseq: z.coerce.string(), manifest: z.string() }).passthrough();
const ErrorBody = z.object({ error: z.string().optional(), message: z.string().optional(), code: z.string().optional() }).passthrough();

export type ConsoleBidId = z.infer<typeof BidId>;
export type ConsoleLease = z.infer<typeof Lease>;
export type ConsoleDeployment = z.infer<typeof DeploymentBody>;
/** An open bid: who bids, for which group and order, at what price (uact per block, decimal). */
export type OpenBid = { id: ConsoleBidId; price: { denom: string; amount: string } };

export type ConsoleOptions = {
  baseUrl?: string;
  apiKey: string;
  /** Per request. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
};

export class AkashConsole {
  readonly baseUrl: string;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: ConsoleOptions) {
    this.baseUrl = (options.baseUrl ?? AKASH_CONSOLE_URL).replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 90_000;
    this.#sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Creates the deployment (synchronous on-chain); keep `manifest`: only this answer carries it. */
  async createDeployment(sdl: string, depositUsd = DEFAULT_DEPOSIT_USD): Promise<{ dseq: string; manifest: string }> {
    const body = await this.#call('POST', '/v1/deployments', { data: { sdl, deposit: depositUsd } });
    const { dseq, manifest } = this.#parse(Created, dataOf(body), 'the created deployment');
    return { dseq, manifest };
  }

  async deployment(dseq: string): Promise<ConsoleDeployment> {
    return this.#parse(DeploymentBody, dataOf(await this.#call('GET', `/v1/deployments/${dseq}`)), `deployment ${dseq}`);
  }

  /** The bids still open on the deployment's orders (Console returns bids in every state). */
  async openBids(dseq: string): Promise<OpenBid[]> {
    const body = dataOf(await this.#call('GET', `/v1/bids?dseq=${encodeURIComponent(dseq)}`));
    const bids = this.#parse(z.array(Bid), body, `the bids on deployment ${dseq}`);
    return bids.filter((b) => b.bid.state === 'open').map((b) => ({ id: b.bid.id, price: b.bid.price }));
  }

  /** Takes the lease on these bids (one per placement group) and sends the manifest to their providers. */
  async createLease(manifest: string, bids: readonly ConsoleBidId[]): Promise<ConsoleDeployment> {
    const leases = bids.map(({ dseq, gseq, oseq, provider }) => ({ dseq, gseq, oseq, provider }));
    return this.#parse(DeploymentBody, dataOf(await this.#call('POST', '/v1/leases', { manifest, leases })), 'the lease');
  }

  /** Closes the deployment (idempotent); the unspent escrow returns to the managed wallet. */
  async close(dseq: string): Promise<void> {
    await this.#call('DELETE', `/v1/deployments/${dseq}`);
  }

  async #call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const { status, json } = await this.#send(method, path, body);
      if (status >= 200 && status < 300) return json;
      const error = ErrorBody.safeParse(json);
      const reason = error.success ? (error.data.message ?? error.data.error) : undefined;
      const code = error.success ? error.data.code : undefined;
      if (status === 409 && code === 'wallet_provisioning' && attempt < PROVISIONING_RETRIES) {
        await this.#sleep(Math.min(PROVISIONING_MAX_DELAY_MS, 500 * 2 ** attempt));
        continue;
      }
      throw new ConsoleError(`Akash Console ${method} ${path}: HTTP ${status}${reason ? ` ${reason}` : ''}${status === 401 ? ' (check AKASH_CONSOLE_API_KEY)' : ''}`, status, code);
    }
  }

  async #send(method: string, path: string, body: unknown): Promise<{ status: number; json: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { accept: 'application/json', 'x-api-key': this.#apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new ConsoleError(`Akash Console ${method} ${path}: no answer from ${this.baseUrl} (${(error as Error).message})`, 0);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ConsoleError(`Akash Console ${method} ${path}: HTTP ${response.status} with a body that is not JSON`, response.status);
    }
    return { status: response.status, json };
  }

  #parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    throw new ConsoleError(`Akash Console: ${what} does not match the API's shape at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`, 200);
  }
}

function dataOf(body: unknown): unknown {
  return body && typeof body === 'object' && 'data' in body ? (body as { data: unknown }).data : undefined;
}

/** The cheapest open bid per placement group within the ceiling (uact per block), or why there is none. */
export function cheapestBids(bids: readonly OpenBid[], maxUactPerBlock: bigint): { ok: true; bids: OpenBid[] } | { ok: false; reason: string } {
  if (!bids.length) return { ok: false, reason: 'no provider has bid' };
  const usable = bids.filter((b) => b.price.denom === 'uact' && uactCeil(b.price.amount) <= maxUactPerBlock);
  if (!usable.length) {
    const lowest = bids.map((b) => uactCeil(b.price.amount)).sort((a, b) => (a < b ? -1 : 1))[0];
    return { ok: false, reason: `every bid is above the job's price: the lowest asks ${lowest} uact per block, the job pays at most ${maxUactPerBlock}` };
  }
  const byGroup = new Map<number, OpenBid>();
  for (const bid of usable) {
    const best = byGroup.get(bid.id.gseq);
    if (!best || Number(bid.price.amount) < Number(best.price.amount)) byGroup.set(bid.id.gseq, bid);
  }
  return { ok: true, bids: [...byGroup.values()] };
}

/** A decimal uact amount rounded up to whole uact ("1234.56" -> 1235). */
export function uactCeil(amount: string): bigint {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) + (/[1-9]/.test(fraction) ? 1n : 0n);
}
