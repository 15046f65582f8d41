// The hard constraints of a routing request. A quote must pass all of them to be ranked; an
// excluded quote keeps the reason of the first one it fails, in this fixed order:
//
//   1. gpu-model      the canonical model the job asked for
//   2. vram           memory per GPU at least the request's minimum
//   3. whole-gpus     whole GPUs only: a fractional share (0.25 of a GPU) never serves
//   4. availability   not sold out
//   5. gpu-count      enough GPUs free for the job
//   6. instance-size  per-GPU offers, or an instance of exactly the job's size
//   7. region         country or area in the allow-list (an unknown region never matches one)
//   8. pricing-model  not one the buyer excluded
//   9. provider       in the team's allow-list
//  10. price          a positive integer price, at most the request's maximum
//  11. quote-age      observed recently enough (and at most a minute after `now`: clock skew)
//  12. token-rate     the token rate used is fresh (and present on token-priced quotes)
//  13. onchain-offer  routing an on-chain job: an on-chain offer can carry the quote
//  14. track-record   a Necto seller is not suspended nor at its probation limit, and its
//                     recorded reliability is the one its figures give (engine/reliability.ts)
//
// What the offer is comes first, then whether it can take the job now, where and how it is sold,
// what it costs and how fresh the data is: the first reason is the most telling one. The seller's
// track record comes last: a seller at its probation limit is only waiting for a job to end.
import { formatPrice } from '../normalize.ts';
import { formatRegion, isArea } from '../regions.ts';
import type { Quote, Region, TokenRate } from '../quote.ts';
import { trackRecordProblem } from './reliability.ts';
import type { RoutingRequest } from './request.ts';

export const CONSTRAINTS = [
  'gpu-model',
  'vram',
  'whole-gpus',
  'availability',
  'gpu-count',
  'instance-size',
  'region',
  'pricing-model',
  'provider',
  'price',
  'quote-age',
  'token-rate',
  'onchain-offer',
  'track-record',
] as const;

export type ConstraintName = (typeof CONSTRAINTS)[number];

/** The first constraint a quote fails, with a reason a buyer can read. */
export type Violation = { constraint: ConstraintName; reason: string };

/** How far a source's clock may run ahead of the keeper's before its timestamps are distrusted. */
export const MAX_CLOCK_SKEW_SEC = 60;

/**
 * The constraints of one request at one instant (`now`, unix seconds), prepared once and applied
 * to every quote of a scan. Returns the quote's first violation, or undefined when it passes all.
 * The checks run in CONSTRAINTS order, each field of the quote read once.
 */
export function constraintChecker(request: RoutingRequest, now: number): (quote: Quote) => Violation | undefined {
  const { gpuModel, minVramGb, gpuCount, maxMicroUsdPerGpuHour: maxPrice, maxQuoteAgeSec, maxTokenRateAgeSec } = request;
  const inRegions = regionFilter(request.regions);
  const excludedPricingModels = new Set<string>(request.excludedPricingModels);
  const allowedProviders = request.allowedProviders && new Set(request.allowedProviders);
  const fail = violations(request, now);
  const isFresh = (timestamp: number, limitSec: number) => {
    const age = now - timestamp;
    return age <= limitSec && -age <= MAX_CLOCK_SKEW_SEC;
  };

  return (quote) => {
    if (quote.gpuModel !== gpuModel) return fail.gpuModel(quote.gpuModel);
    const vramGb = quote.vramGb;
    if (!(vramGb >= minVramGb)) return fail.vram(vramGb);
    const unitGpus = quote.unitGpus;
    if (!(unitGpus >= 1)) return fail.wholeGpus(unitGpus);
    const availableGpus = quote.availableGpus;
    if (!(availableGpus > 0)) return fail.availability(availableGpus);
    if (availableGpus < gpuCount) return fail.gpuCount(availableGpus);
    if (unitGpus !== 1 && unitGpus !== gpuCount) return fail.instanceSize(unitGpus);
    if (inRegions !== undefined && !inRegions(quote.region)) return fail.region(quote.region);
    const pricingModel = quote.pricingModel;
    if (excludedPricingModels.has(pricingModel)) return fail.pricingModel(pricingModel);
    if (allowedProviders !== undefined && !allowedProviders.has(quote.provider)) return fail.provider(quote.provider);
    const price = quote.effectiveMicroUsdPerGpuHour;
    if (!isValidPrice(price) || (maxPrice !== undefined && price > maxPrice)) return fail.price(price);
    if (!isFresh(quote.observedAt, maxQuoteAgeSec)) return fail.quoteAge(quote.observedAt);
    const rate = quote.tokenRate;
    if (rate === undefined ? pricingModel === 'token' : !isFresh(rate.updatedAt, maxTokenRateAgeSec)) {
      return fail.tokenRate(rate);
    }
    if (request.requireOnchainOffer && !(quote.onchain && 'offerId' in quote.onchain)) {
      return fail.onchainOffer(quote.onchain?.unavailable ?? 'no on-chain offer can carry it');
    }
    const record = quote.trackRecord;
    if (record !== undefined) {
      const problem = trackRecordProblem(quote.provider, record);
      if (problem !== undefined) return fail.trackRecord(problem);
    }
    return undefined;
  };
}

/** Whether a region is in the allow-list; undefined when the request allows anywhere. */
function regionFilter(regions: readonly string[]): ((region: Region | undefined) => boolean) | undefined {
  if (regions.length === 0) return undefined;
  const areas = new Set<string>(regions.filter(isArea));
  const countries = new Set(regions.filter((region) => !isArea(region)));
  return (region) =>
    (region?.country !== undefined && countries.has(region.country)) || (region?.area !== undefined && areas.has(region.area));
}

function isValidPrice(microUsd: number): boolean {
  return Number.isSafeInteger(microUsd) && microUsd > 0;
}

/** The reason of each constraint, from the offending value. */
function violations(request: RoutingRequest, now: number) {
  const { gpuModel, minVramGb, gpuCount, maxMicroUsdPerGpuHour: maxPrice, maxQuoteAgeSec, maxTokenRateAgeSec } = request;
  const allowedRegions = request.regions.join(', ');
  const regionViolations = violationsBy('region', (where: string) => `region ${where} not in ${allowedRegions}`);
  const age = (timestamp: number, limitSec: number, what: string) => {
    const seconds = now - timestamp;
    if (!Number.isFinite(seconds)) return `${what} has no valid time (${timestamp})`;
    if (seconds > 0) return `${what} is ${formatDuration(seconds)} old (limit ${formatDuration(limitSec)})`;
    return `${what} is dated ${formatDuration(-seconds)} after the decision time`;
  };
  return {
    gpuModel: violationsBy('gpu-model', (model: string) => `GPU model ${model}, job needs ${gpuModel}`),
    vram: violationsBy('vram', (vramGb: number) => `VRAM ${vramGb} GB < ${minVramGb} GB`),
    wholeGpus: violationsBy('whole-gpus', (unitGpus: number) =>
      unitGpus > 0 ? `fractional GPU share (${unitGpus})` : `no GPUs in the offer's unit (${unitGpus})`,
    ),
    availability: violationsBy('availability', (available: number) =>
      available === 0 ? 'sold out' : `availability is not a GPU count (${available})`,
    ),
    gpuCount: violationsBy('gpu-count', (available: number) => `offers ${gpus(available)}, job needs ${gpuCount}`),
    instanceSize: violationsBy(
      'instance-size',
      (unitGpus: number) => `instance has ${gpus(unitGpus)}, job needs ${gpuCount} (whole instances only)`,
    ),
    region: (region: Region | undefined) =>
      regionViolations(region?.country === undefined && region?.area === undefined ? 'unknown,' : formatRegion(region ?? {})),
    pricingModel: violationsBy('pricing-model', (model: string) => `pricing model ${model} excluded`),
    provider: violationsBy('provider', (provider: string) => `provider ${provider} not in the allow-list`),
    price: violationsBy('price', (price: number) =>
      isValidPrice(price)
        ? `${formatPrice(price)}/GPU-h above max ${formatPrice(maxPrice ?? 0)}`
        : `price is not a positive integer micro-USD (${price})`,
    ),
    quoteAge: violationsBy('quote-age', (observedAt: number) => age(observedAt, maxQuoteAgeSec, 'quote')),
    tokenRate: violationsBy('token-rate', (rate: TokenRate | undefined) =>
      rate === undefined
        ? 'token-priced quote has no recorded token rate'
        : age(rate.updatedAt, maxTokenRateAgeSec, `token rate for ${rate.tokenId}`),
    ),
    onchainOffer: violationsBy('onchain-offer', (reason: string) => reason),
    trackRecord: violationsBy('track-record', (reason: string) => reason),
  };
}

/**
 * Violations of one constraint, built once per distinct value (a model, a unit size, a region...):
 * a scan of 100,000 quotes repeats the same few reasons thousands of times.
 */
function violationsBy<K>(constraint: ConstraintName, reasonOf: (key: K) => string): (key: K) => Violation {
  const cache = new Map<K, Violation>();
  return (key) => {
    let violation = cache.get(key);
    if (violation === undefined) {
      violation = Object.freeze({ constraint, reason: reasonOf(key) });
      cache.set(key, violation);
    }
    return violation;
  };
}

function gpus(count: number): string {
  return count === 1 ? '1 GPU' : `${count} GPUs`;
}


/** A duration in whole units, rounded up: "45 s", "20 min", "15 min 1 s", "2 h 5 min". */
export function formatDuration(seconds: number): string {
  const total = Math.ceil(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  const parts = [hours && `${hours} h`, minutes && `${minutes} min`, rest && `${rest} s`].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : '0 s';
}
