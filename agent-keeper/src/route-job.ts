// The atomic keeper action: route one requested job. Read it from the chain, quote every source,
// decide, build and store the decision record, re-check the job, then post `route` (or
// `markUnroutable`) with the record's root. A record that could not be stored is never referenced
// on-chain; a job that is no longer waiting for a route is reported, never routed twice.
import type { Hex } from 'viem';
import { withCarriers } from './chain/carriers.ts';
import type { Market, OnchainJob, OnchainProvider } from './chain/market.ts';
import { canonicalBytes } from './decision/canonical.ts';
import { buildRecord } from './decision/record.ts';
import type { DecisionRecord, RecordedJob } from './decision/record.ts';
import type { DecisionStore } from './decision/store.ts';
import { decide } from './engine/index.ts';
import type { RoutingRequestInput } from './engine/index.ts';
import type { PricingModel } from './quote.ts';
import { scanSources } from './quote-service.ts';
import type { ScanConfig, SourceStatus } from './scan.ts';
import type { Source } from './sources/source.ts';

export type RouteOutcome =
  | { status: 'routed'; jobId: bigint; root: Hex; txHash: Hex; record: DecisionRecord }
  | { status: 'unroutable'; jobId: bigint; root: Hex; txHash: Hex; record: DecisionRecord }
  | { status: 'not-waiting'; jobId: bigint; job: OnchainJob; storedRoot?: Hex };

export type RouteDeps = {
  market: Market;
  store: DecisionStore;
  sources: readonly Source[];
  config: ScanConfig;
  onSourceDone?: (status: SourceStatus) => void;
  /** Unix seconds; the record's createdAt. */
  clock?: () => number;
};

/** The on-chain pricing models the engine knows by name (Dynamic is checked on-chain offers). */
const ENGINE_PRICING: Partial<Record<string, PricingModel>> = {
  Fixed: 'fixed',
  Token: 'token',
  Spot: 'spot',
  Auction: 'auction',
};

export async function routeJob(jobId: bigint, deps: RouteDeps): Promise<RouteOutcome> {
  const { market, store } = deps;
  const job = await market.readJob(jobId);
  if (job.status !== 'Requested') return { status: 'not-waiting', jobId, job };

  const providers = await market.readProviders();
  const teamJob = job.mode === 'Tracked' && job.teamId !== 0;
  const [whitelist, submitterActive] = teamJob
    ? await Promise.all([market.teamWhitelist(job.teamId, providers), market.teamSubmitterActive(job.teamId, job.controller)])
    : [undefined, true];
  const request = requestOf(job, whitelist && allowedProviders(whitelist, providers));

  // The job's own chain is where its Necto sellers are read, in either provider mode.
  const config: ScanConfig = { ...deps.config, env: { ...deps.config.env, NECTO_RPC_URL: market.rpcUrl } };
  const result = await scanSources(deps.sources, config, {
    ...(deps.onSourceDone && { onSourceDone: deps.onSourceDone }),
  });
  // The offers and the time as close to the route transaction as the decision allows.
  const [offers, now] = await Promise.all([market.readOffers(), market.routeTime()]);
  const carried = withCarriers(result.quotes, job, { offers, providers, now, startWindow: market.startWindow });
  // A revoked member's job can be carried by no offer: it is marked unroutable, refunding its team.
  const revoked = `the submitter ${job.controller.toLowerCase()} is no longer a User or Admin of team ${job.teamId}`;
  const quotes = submitterActive ? carried : carried.map((quote) => ({ ...quote, onchain: { unavailable: revoked } }));
  const decision = decide(request, quotes, result.now);
  const record = buildRecord({
    scan: result,
    decision,
    createdAt: deps.clock?.() ?? Math.floor(Date.now() / 1000),
    job: recordedJob(job, market),
  });
  const root = (await store.put(canonicalBytes(record))) as Hex;

  const latest = await market.readJob(jobId);
  if (latest.status !== 'Requested') return { status: 'not-waiting', jobId, job: latest, storedRoot: root };

  const chosen = decision.chosen;
  if (chosen?.onchain && 'offerId' in chosen.onchain) {
    const txHash = await market.route(jobId, chosen.onchain.offerId, chosen.effectiveMicroUsdPerGpuHour, root);
    return { status: 'routed', jobId, root, txHash, record };
  }
  const txHash = await market.markUnroutable(jobId, root);
  return { status: 'unroutable', jobId, root, txHash, record };
}

/** The engine request a job implies: the on-chain spec as hard constraints. */
export function requestOf(job: OnchainJob, allowed?: string[]): RoutingRequestInput {
  return {
    gpuModel: job.gpuModel,
    gpuCount: job.gpuCount,
    hours: job.hoursRequested,
    minVramGb: job.minVramGb || undefined,
    maxMicroUsdPerGpuHour: job.maxPricePerGpuHour,
    // On-chain, a country implies its area; either one constrains the region.
    regions: job.country ? [job.country] : job.area ? [job.area] : [],
    excludedPricingModels: job.excludedPricing.flatMap((p) => ENGINE_PRICING[p] ?? []),
    ...(allowed && { allowedProviders: allowed }),
    requireOnchainOffer: true,
  };
}

/** Whitelisted provider ids as quotes name providers: a gateway by its network, a seller by id. */
function allowedProviders(ids: number[], providers: readonly OnchainProvider[]): string[] {
  return ids.map((id) => providers.find((p) => p.providerId === id)?.sourceTag ?? `necto:${id}`);
}

function recordedJob(job: OnchainJob, market: Market): RecordedJob {
  return {
    chainId: market.chainId,
    contract: market.address.toLowerCase(),
    jobId: job.jobId.toString(),
    mode: job.mode,
    ...(job.mode === 'Tracked' && { buyer: job.controller.toLowerCase() }),
    ...(job.mode === 'Tracked' && job.teamId !== 0 && { teamId: job.teamId }),
    rerouteOptIn: job.rerouteOptIn,
    excludedPricing: job.excludedPricing,
  };
}
