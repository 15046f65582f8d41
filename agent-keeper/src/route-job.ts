// The keeper's atomic actions on one job. routeJob: read the job, quote every source, decide,
// build and store the decision record, re-check the job, then post `route` (or `markUnroutable`)
// with the record's root. rerouteJob: the same for a Routed job that opted in, moving it to the
// next best offer when its provider has not started it in time (failover) or when an offer is
// markedly cheaper, with a record that names the previous root. A record that could not be stored
// is never referenced on-chain; a job that is no longer waiting is reported, never routed twice;
// a call the contract would refuse is diagnosed from the chain's state, never retried blindly.
import { zeroAddress, zeroHash } from 'viem';
import type { Hex } from 'viem';
import { withCarriers } from './chain/carriers.ts';
import { SendError } from './chain/market.ts';
import type { Market, Mined, OnchainJob, OnchainOffer, OnchainProvider, Sent } from './chain/market.ts';
import type { PendingReservations } from './chain/pending-reservations.ts';
import { canonicalBytes } from './decision/canonical.ts';
import { buildRecord } from './decision/record.ts';
import type { DecisionRecord, RecordedJob } from './decision/record.ts';
import type { DecisionStore } from './decision/store.ts';
import { decide } from './engine/index.ts';
import type { Decision, RoutingRequest, RoutingRequestInput } from './engine/index.ts';
import { formatPrice } from './normalize.ts';
import { isArea } from './regions.ts';
import { ONCHAIN_PRICING } from './chain/offers.ts';
import type { OnchainPricing } from './chain/offers.ts';
import type { PricingModel, Quote } from './quote.ts';
import { scanSources } from './quote-service.ts';
import type { ScanConfig, ScanResult, SourceStatus } from './scan.ts';
import type { Source } from './sources/source.ts';

/** The quotes a decision is made from, and how fresh they are. */
export type ScanView = {
  result: ScanResult;
  /** Unix seconds (wall clock) the external sources were scanned at. */
  scannedAt: number;
  /** How old that scan is now, seconds (0 for a scan made for this decision). */
  ageSeconds: number;
};

export type RouteDeps = {
  market: Market;
  store: DecisionStore;
  sources: readonly Source[];
  config: ScanConfig;
  onSourceDone?: (status: SourceStatus) => void;
  /** Where quotes come from: the keeper's shared scan; by default a fresh scan of every source. */
  scan?: (rpcUrl: string) => Promise<ScanView>;
  /** Runs the part from reading the offers to sending, one job at a time, so that each decision
   *  sees the GPUs the previous one reserved. By default, no coordination. */
  exclusive?: <T>(section: () => Promise<T>) => Promise<T>;
  pending?: PendingReservations;
  /** Called as the action moves on: the decision, the stored root, the sent transaction. */
  onStep?: (step: RouteStep) => void;
  /** Adjusts the carried quotes before the decision (the sellers' track records). */
  prepareQuotes?: (quotes: Quote[]) => Promise<Quote[]>;
  /** Unix seconds; the record's createdAt. */
  clock?: () => number;
};

export type RouteStep =
  | { step: 'decided'; jobId: bigint; decision: Decision; scan: ScanView }
  | { step: 'stored'; jobId: bigint; root: Hex }
  | { step: 'sent'; jobId: bigint; call: 'route' | 'reroute' | 'markUnroutable'; hash: Hex };

type Posted = { root: Hex; txHash: Hex; blockNumber: bigint; record: DecisionRecord };
/** The job no longer waits for this action: cancelled, routed elsewhere, started, ... */
export type NotWaiting = { status: 'not-waiting'; jobId: bigint; job: OnchainJob; storedRoot?: Hex; reason: string };
/** The contract refused the call although the job still waits: `reason` says why. */
export type Refused = { status: 'refused'; jobId: bigint; root: Hex; revert: string; reason: string };

export type RouteOutcome =
  | ({ status: 'routed'; jobId: bigint } & Posted)
  | ({ status: 'unroutable'; jobId: bigint } & Posted)
  /** No eligible offer, and the caller asked to hold the job: the record is stored, not posted. */
  | { status: 'no-offer'; jobId: bigint; root: Hex; record: DecisionRecord }
  | NotWaiting
  | Refused;

export type RerouteOutcome =
  | ({ status: 'rerouted'; jobId: bigint; cause: RerouteCause; fromOfferId: number } & Posted)
  | { status: 'no-alternative'; jobId: bigint; cause: RerouteCause; reason: string }
  | { status: 'would-reroute'; jobId: bigint; cause: RerouteCause; reason: string; candidate: Quote; decidedAt: number }
  | NotWaiting
  | Refused;

/** failover: not started by the start deadline; cheaper: an offer at least the configured share cheaper. */
export type RerouteCause = 'failover' | 'cheaper';

/** The on-chain pricing models the engine knows by name (Dynamic is checked on-chain offers). */
const ENGINE_PRICING: Partial<Record<string, PricingModel>> = {
  Fixed: 'fixed',
  Token: 'token',
  Spot: 'spot',
  Auction: 'auction',
};

export async function routeJob(
  jobId: bigint,
  deps: RouteDeps,
  options: { onNoOffer?: 'mark-unroutable' | 'hold' } = {},
): Promise<RouteOutcome> {
  const { market } = deps;
  const job = await market.readJob(jobId);
  if (job.status !== 'Requested') return notWaiting(job, market);

  const planned = await plan(job, deps, {});
  const exclusive = deps.exclusive ?? ((section) => section());
  const sent = await exclusive(async () => {
    const { decision, record } = await planned.decide();
    const root = await storeRecord(record, deps);
    const latest = await market.readJob(jobId);
    if (latest.status !== 'Requested') return notWaiting(latest, market, root);
    const chosen = decision.chosen;
    if (chosen?.onchain && 'offerId' in chosen.onchain) {
      const offerId = chosen.onchain.offerId;
      const tx = await post(deps, jobId, 'route', root, () =>
        market.route(jobId, offerId, chosen.effectiveMicroUsdPerGpuHour, root),
      );
      if ('hash' in tx) deps.pending?.hold(offerId, job.gpuCount, tx.mined);
      return { status: 'posting' as const, outcome: 'routed' as const, tx, record, root };
    }
    if (options.onNoOffer === 'hold') return { status: 'no-offer' as const, jobId, root, record };
    const tx = await post(deps, jobId, 'markUnroutable', root, () => market.markUnroutable(jobId, root));
    return { status: 'posting' as const, outcome: 'unroutable' as const, tx, record, root };
  });
  if (sent.status !== 'posting') return sent;
  return settle(jobId, sent.tx, market, sent.root, (mined) => ({
    status: sent.outcome,
    jobId,
    root: sent.root,
    txHash: mined.hash,
    blockNumber: mined.blockNumber,
    record: sent.record,
  }));
}

export type RerouteOptions = {
  /** Only reroute to an offer at least this share cheaper than the routed price (0.10 = 10%). */
  minSaving: number;
  /** Decide only: report the reroute that would be posted, store and send nothing. */
  dryRun?: boolean;
  /** The routed offer's gateway reported it cannot run the job, and why: it fails over now. */
  gatewayFailure?: string;
};

/**
 * Looks at a Routed job that opted in to rerouting: past its start deadline without a start, it
 * fails over to the best eligible offer of any other provider; before that, it moves to an offer
 * at least `minSaving` cheaper. Otherwise nothing is sent.
 */
export async function rerouteJob(jobId: bigint, deps: RouteDeps, options: RerouteOptions): Promise<RerouteOutcome> {
  const { market } = deps;
  const job = await market.readJob(jobId);
  if (job.status !== 'Routed') return notWaiting(job, market);
  if (!job.rerouteOptIn) return notWaiting(job, market, undefined, `job ${jobId} did not opt in to rerouting`);
  const now = await market.routeTime();
  const cause: RerouteCause = now > job.startDeadline || options.gatewayFailure ? 'failover' : 'cheaper';
  const failure = options.gatewayFailure ? `its gateway cannot run the job: ${options.gatewayFailure}` : 'did not start the job by its start deadline';

  const planned = await plan(job, deps, {
    exclude: (quote, { offers, providers }) => {
      const failing = offers.find((o) => o.offerId === job.offerId)?.providerId;
      if (cause === 'failover' && failing !== undefined && providerIdOf(quote, providers) === failing) {
        return `provider ${failing} ${failure}`;
      }
      if (quote.onchain && 'offerId' in quote.onchain && quote.onchain.offerId === job.offerId) {
        return `the job is routed to offer ${job.offerId} already`;
      }
      return undefined;
    },
    previousRoot: job.decisionRoot,
  });
  const exclusive = deps.exclusive ?? ((section) => section());
  const sent = await exclusive(async () => {
    const { decision, record } = await planned.decide();
    const chosen = decision.chosen;
    const target = chosen?.onchain && 'offerId' in chosen.onchain ? chosen.onchain.offerId : undefined;
    if (!chosen || target === undefined) {
      return { status: 'no-alternative' as const, jobId, cause, reason: record.noEligibleOffer ?? 'no eligible offer' };
    }
    const price = chosen.effectiveMicroUsdPerGpuHour;
    const offer = `${chosen.source} ${chosen.offerId} at ${formatPrice(price)}/GPU-h`;
    const saving = `${Math.round(options.minSaving * 100)}% below the routed ${formatPrice(job.pricePerGpuHour)}/GPU-h`;
    if (cause === 'cheaper' && price > job.pricePerGpuHour * (1 - options.minSaving)) {
      return { status: 'no-alternative' as const, jobId, cause, reason: `the best other offer, ${offer}, is not ${saving}` };
    }
    if (options.dryRun) {
      const reason =
        cause === 'failover' ? `${options.gatewayFailure ? `its gateway cannot run it (${options.gatewayFailure})` : 'not started by its start deadline'}: ${offer} is the best other offer` : `${offer} is at least ${saving}`;
      return { status: 'would-reroute' as const, jobId, cause, reason, candidate: chosen, decidedAt: decision.now };
    }
    const root = await storeRecord(record, deps);
    const latest = await market.readJob(jobId);
    if (latest.status !== 'Routed' || latest.decisionRoot !== job.decisionRoot) return notWaiting(latest, market, root);
    const tx = await post(deps, jobId, 'reroute', root, () => market.reroute(jobId, target, price, root));
    if ('hash' in tx) deps.pending?.hold(target, job.gpuCount, tx.mined);
    return { status: 'posting' as const, tx, record, root };
  });
  if (sent.status !== 'posting') return sent;
  return settle(jobId, sent.tx, market, sent.root, (mined) => ({
    status: 'rerouted',
    jobId,
    cause,
    fromOfferId: job.offerId,
    root: sent.root,
    txHash: mined.hash,
    blockNumber: mined.blockNumber,
    record: sent.record,
  }));
}

type PlanOptions = {
  /** Why a quote may not carry this job (beyond the contract's own checks), given the chain's view. */
  exclude?: (quote: Quote, view: { offers: readonly OnchainOffer[]; providers: readonly OnchainProvider[] }) => string | undefined;
  previousRoot?: Hex;
};

/** Everything that does not depend on the offers' latest state: the job's request, its team's
 *  rules and the scan. `decide` then reads the offers and decides. */
async function plan(job: OnchainJob, deps: RouteDeps, options: PlanOptions) {
  const { market } = deps;
  const providers = await market.readProviders();
  const teamJob = job.mode === 'Tracked' && job.teamId !== 0;
  const [whitelist, submitterActive] = teamJob
    ? await Promise.all([market.teamWhitelist(job.teamId, providers), market.teamSubmitterActive(job.teamId, job.controller)])
    : [undefined, true];
  const request = requestOf(job, whitelist && allowedProviders(whitelist, providers));
  const scan = await (deps.scan ?? freshScan(deps))(market.rpcUrl);

  return {
    async decide(): Promise<{ decision: Decision; record: DecisionRecord }> {
      // The offers and the time as close to the transaction as the decision allows.
      const [chainOffers, now] = await Promise.all([market.readOffers(), market.routeTime()]);
      const offers = deps.pending ? deps.pending.apply(chainOffers) : chainOffers;
      let quotes = withCarriers(scan.result.quotes, job, { offers, providers, now, startWindow: market.startWindow });
      // A revoked member's job can be carried by no offer: it is marked unroutable, refunding its team.
      if (!submitterActive) {
        const revoked = `the submitter ${job.controller.toLowerCase()} is no longer a User or Admin of team ${job.teamId}`;
        quotes = quotes.map((quote) => ({ ...quote, onchain: { unavailable: revoked } }));
      }
      const exclude = options.exclude;
      if (exclude) {
        quotes = quotes.map((quote) => {
          const why = exclude(quote, { offers, providers });
          return why ? { ...quote, onchain: { unavailable: why } } : quote;
        });
      }
      if (deps.prepareQuotes) quotes = await deps.prepareQuotes(quotes);
      const decision = decide(request, quotes, decisionTime(scan));
      deps.onStep?.({ step: 'decided', jobId: job.jobId, decision, scan });
      const record = buildRecord({
        scan: scan.result,
        decision,
        createdAt: deps.clock?.() ?? Math.floor(Date.now() / 1000),
        job: recordedJob(job, market),
        freshness: { scannedAt: scan.scannedAt, scanAgeSeconds: scan.ageSeconds },
        ...(options.previousRoot && { previousRoot: options.previousRoot }),
      });
      return { decision, record };
    },
  };
}

/** Snapshot quotes are decided as of their recording; live ones as of now, so a reused scan ages. */
export function decisionTime(scan: ScanView): number {
  return scan.result.mode === 'snapshot' ? scan.result.now : scan.result.now + scan.ageSeconds;
}

function freshScan(deps: RouteDeps) {
  return async (rpcUrl: string): Promise<ScanView> => {
    // The job's own chain is where its Necto sellers are read, in either provider mode.
    const config: ScanConfig = { ...deps.config, env: { ...deps.config.env, NECTO_RPC_URL: rpcUrl } };
    const scannedAt = Math.floor(Date.now() / 1000);
    const result = await scanSources(deps.sources, config, { ...(deps.onSourceDone && { onSourceDone: deps.onSourceDone }) });
    return { result, scannedAt, ageSeconds: 0 };
  };
}

async function storeRecord(record: DecisionRecord, deps: RouteDeps): Promise<Hex> {
  const root = (await deps.store.put(canonicalBytes(record))) as Hex;
  deps.onStep?.({ step: 'stored', jobId: BigInt(record.job?.jobId ?? 0), root });
  return root;
}

type Refusal = NotWaiting | Refused;

/** Sends one keeper call; a call the contract would refuse becomes a diagnosis, not an exception. */
async function post(
  deps: RouteDeps,
  jobId: bigint,
  call: 'route' | 'reroute' | 'markUnroutable',
  root: Hex,
  send: () => Promise<Sent>,
): Promise<Sent | Refusal> {
  try {
    const tx = await send();
    deps.onStep?.({ step: 'sent', jobId, call, hash: tx.hash });
    return tx;
  } catch (error) {
    if (!(error instanceof SendError) || !error.revert) throw error;
    return diagnose(jobId, deps.market, root, error.revert);
  }
}

/** Waits for the receipt; a transaction that reverted on-chain (another keeper's landed first in
 *  the same block) is diagnosed like a refused call. */
async function settle<T>(
  jobId: bigint,
  tx: Sent | Refusal,
  market: Market,
  root: Hex,
  done: (mined: Mined) => T,
): Promise<T | Refusal> {
  if (!('hash' in tx)) return tx;
  const mined = await tx.mined;
  if (mined.status === 'success') return done(mined);
  return diagnose(jobId, market, root, 'reverted on-chain');
}

/** Why the contract refused: most often the job moved on meanwhile (cancelled by its buyer,
 *  routed by another keeper); otherwise the chain changed under the decision (GPUs taken). */
async function diagnose(jobId: bigint, market: Market, root: Hex, revert: string): Promise<Refusal> {
  const job = await market.readJob(jobId);
  if (job.status !== 'Requested' && job.status !== 'Routed') return notWaiting(job, market, root);
  if (job.status === 'Routed' && job.decisionRoot !== root) return notWaiting(job, market, root);
  return {
    status: 'refused',
    jobId,
    root,
    revert,
    reason: `the contract refused it (${revert}) although job ${jobId} is still ${job.status}: the chain changed under the decision`,
  };
}

function notWaiting(
  job: OnchainJob,
  market: Market,
  storedRoot?: Hex,
  reason?: string,
): NotWaiting {
  return {
    status: 'not-waiting',
    jobId: job.jobId,
    job,
    ...(storedRoot && { storedRoot }),
    reason: reason ?? whyNotWaiting(job, market),
  };
}

function whyNotWaiting(job: OnchainJob, market: Market): string {
  const id = job.jobId;
  if (job.status === 'Cancelled') return `job ${id} was cancelled`;
  if (job.status === 'Routed') {
    return `job ${id} is already routed to offer ${job.offerId} at ${formatPrice(job.pricePerGpuHour)}/GPU-h (root ${job.decisionRoot}), by this or another keeper of ${market.address}`;
  }
  return `job ${id} is ${job.status}`;
}

function providerIdOf(quote: Quote, providers: readonly OnchainProvider[]): number | undefined {
  const seller = /^necto:(\d+)$/.exec(quote.provider);
  if (seller) return Number(seller[1]);
  return providers.find((p) => p.sourceTag === quote.source)?.providerId;
}

/** A job not yet requested, as the chain would hold it: what a comparison needs to know which
 *  on-chain offers could carry its quotes. One country and one area at most, as on-chain. */
export function prospectiveJob(request: RoutingRequest, reviewSeconds: number): OnchainJob {
  const country = request.regions.find((r) => !isArea(r));
  const area = request.regions.find((r) => isArea(r));
  const excluded = (p: OnchainPricing) => request.excludedPricingModels.some((model) => ENGINE_PRICING[p] === model);
  return {
    jobId: 0n, status: 'Requested', mode: 'Tracked', controller: zeroAddress, teamId: 0, rerouteOptIn: false,
    gpuModel: request.gpuModel, gpuCount: request.gpuCount, minVramGb: request.minVramGb, hoursRequested: request.hours,
    ...(country && { country }), ...(area && { area }),
    excludedPricing: ONCHAIN_PRICING.filter(excluded),
    reviewSeconds, maxPricePerGpuHour: request.maxMicroUsdPerGpuHour ?? 0, offerId: 0, pricePerGpuHour: 0, feeBps: 0,
    routedAt: 0, reviewEndsAt: 0, startDeadline: 0, startedAt: 0, completionDeadline: 0, usedSeconds: 0, decisionRoot: zeroHash,
  };
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
