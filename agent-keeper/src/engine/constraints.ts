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
//  11. quote-age      observed recently enough, and not in the future
//  12. token-rate     the token rate used is fresh (and present on token-priced quotes)
//
// What the offer is comes first, then whether it can take the job now, where and how it is sold,
// what it costs and how fresh the data is: the first reason is the most telling one.
import { formatRegion, isArea } from '../regions.ts';
import type { Quote, TokenRate } from '../quote.ts';
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
] as const;

export type ConstraintName = (typeof CONSTRAINTS)[number];

/** The first constraint a quote fails, with a reason a buyer can read. */
export type Violation = { constraint: ConstraintName; reason: string };

/** How far a source's clock may run ahead of the keeper's before its timestamps are distrusted. */
export const MAX_CLOCK_SKEW_SEC = 60;

type Check = (quote: Quote) => Violation | undefined;

/** The check of a constraint the request leaves open (no region list, no provider allow-list). */
const PASS: Check = () => undefined;

/**
 * The constraints of one request at one instant (`now`, unix seconds), prepared once and applied
 * to every quote of a scan. Returns the quote's first violation, or undefined when it passes all.
 */
export function constraintChecker(request: RoutingRequest, now: number): (quote: Quote) => Violation | undefined {
  const checks: Record<ConstraintName, Check> = {
    'gpu-model': gpuModelCheck(request),
    vram: vramCheck(request),
    'whole-gpus': wholeGpusCheck(),
    availability: availabilityCheck(),
    'gpu-count': gpuCountCheck(request),
    'instance-size': instanceSizeCheck(request),
    region: regionCheck(request),
    'pricing-model': pricingModelCheck(request),
    provider: providerCheck(request),
    price: priceCheck(request),
    'quote-age': quoteAgeCheck(request, now),
    'token-rate': tokenRateCheck(request, now),
  };
  const active = CONSTRAINTS.map((constraint) => checks[constraint]).filter((check) => check !== PASS);
  return (quote) => {
    for (let k = 0; k < active.length; k++) {
      const violation = (active[k] as Check)(quote);
      if (violation !== undefined) return violation;
    }
    return undefined;
  };
}

/**
 * Violations of one constraint, built once per distinct key (a model, a unit size, a region...):
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

function gpuModelCheck({ gpuModel }: RoutingRequest): Check {
  const fail = violationsBy('gpu-model', (model: string) => `GPU model ${model}, job needs ${gpuModel}`);
  return (q) => (q.gpuModel === gpuModel ? undefined : fail(q.gpuModel));
}

function vramCheck({ minVramGb }: RoutingRequest): Check {
  const fail = violationsBy('vram', (vramGb: number) => `VRAM ${vramGb} GB < ${minVramGb} GB`);
  return (q) => (q.vramGb >= minVramGb ? undefined : fail(q.vramGb));
}

function wholeGpusCheck(): Check {
  const fail = violationsBy('whole-gpus', (unitGpus: number) =>
    unitGpus > 0 ? `fractional GPU share (${unitGpus})` : `no GPUs in the offer's unit (${unitGpus})`,
  );
  return (q) => (q.unitGpus >= 1 ? undefined : fail(q.unitGpus));
}

function availabilityCheck(): Check {
  const fail = violationsBy('availability', (available: number) =>
    available === 0 ? 'sold out' : `availability is not a GPU count (${available})`,
  );
  return (q) => (q.availableGpus > 0 ? undefined : fail(q.availableGpus));
}

function gpuCountCheck({ gpuCount }: RoutingRequest): Check {
  const fail = violationsBy('gpu-count', (available: number) => `offers ${gpus(available)}, job needs ${gpuCount}`);
  return (q) => (q.availableGpus >= gpuCount ? undefined : fail(q.availableGpus));
}

function instanceSizeCheck({ gpuCount }: RoutingRequest): Check {
  const fail = violationsBy(
    'instance-size',
    (unitGpus: number) => `instance has ${gpus(unitGpus)}, job needs ${gpuCount} (whole instances only)`,
  );
  return (q) => (q.unitGpus === 1 || q.unitGpus === gpuCount ? undefined : fail(q.unitGpus));
}

function regionCheck({ regions }: RoutingRequest): Check {
  if (regions.length === 0) return PASS;
  const areas = new Set(regions.filter(isArea));
  const countries = new Set(regions.filter((region) => !isArea(region)));
  const allowed = regions.join(', ');
  const fail = violationsBy('region', (where: string) => `region ${where} not in ${allowed}`);
  return ({ region }) => {
    if (region.country !== undefined && countries.has(region.country)) return undefined;
    if (region.area !== undefined && areas.has(region.area)) return undefined;
    return fail(region.country === undefined && region.area === undefined ? 'unknown,' : formatRegion(region));
  };
}

function pricingModelCheck({ excludedPricingModels }: RoutingRequest): Check {
  const excluded = new Set<string>(excludedPricingModels);
  const fail = violationsBy('pricing-model', (model: string) => `pricing model ${model} excluded`);
  return (q) => (excluded.has(q.pricingModel) ? fail(q.pricingModel) : undefined);
}

function providerCheck({ allowedProviders }: RoutingRequest): Check {
  if (allowedProviders === undefined) return PASS;
  const allowed = new Set(allowedProviders);
  const fail = violationsBy('provider', (provider: string) => `provider ${provider} not in the allow-list`);
  return (q) => (allowed.has(q.provider) ? undefined : fail(q.provider));
}

function priceCheck({ maxMicroUsdPerGpuHour: max }: RoutingRequest): Check {
  const fail = violationsBy('price', (price: number) =>
    Number.isSafeInteger(price) && price > 0
      ? `${formatPrice(price)}/GPU-h above max ${formatPrice(max ?? 0)}`
      : `price is not a positive integer micro-USD (${price})`,
  );
  return (q) => {
    const price = q.effectiveMicroUsdPerGpuHour;
    const valid = Number.isSafeInteger(price) && price > 0;
    return valid && (max === undefined || price <= max) ? undefined : fail(price);
  };
}

function quoteAgeCheck({ maxQuoteAgeSec }: RoutingRequest, now: number): Check {
  const fail = violationsBy('quote-age', (observedAt: number) => {
    const age = now - observedAt;
    if (!Number.isFinite(age)) return `quote has no valid observation time (${observedAt})`;
    if (age > 0) return `quote is ${formatDuration(age)} old (limit ${formatDuration(maxQuoteAgeSec)})`;
    return `quote is dated ${formatDuration(-age)} after the decision time`;
  });
  return (q) => {
    const age = now - q.observedAt;
    return age <= maxQuoteAgeSec && -age <= MAX_CLOCK_SKEW_SEC ? undefined : fail(q.observedAt);
  };
}

function tokenRateCheck({ maxTokenRateAgeSec }: RoutingRequest, now: number): Check {
  const missing: Violation = Object.freeze({ constraint: 'token-rate', reason: 'token-priced quote has no recorded token rate' });
  const fail = violationsBy('token-rate', ({ tokenId, updatedAt }: TokenRate) => {
    const age = now - updatedAt;
    const name = `token rate for ${tokenId}`;
    if (!Number.isFinite(age)) return `${name} has no valid update time (${updatedAt})`;
    if (age > 0) return `${name} is ${formatDuration(age)} old (limit ${formatDuration(maxTokenRateAgeSec)})`;
    return `${name} is dated ${formatDuration(-age)} after the decision time`;
  });
  return (q) => {
    const rate = q.tokenRate;
    if (rate === undefined) return q.pricingModel === 'token' ? missing : undefined;
    const age = now - rate.updatedAt;
    return age <= maxTokenRateAgeSec && -age <= MAX_CLOCK_SKEW_SEC ? undefined : fail(rate);
  };
}

function gpus(count: number): string {
  return count === 1 ? '1 GPU' : `${count} GPUs`;
}

/** Exact dollars: "$3.10", "$3.000001" (a price one micro-USD over a limit must not read as equal). */
export function formatPrice(microUsd: number): string {
  const dollars = (microUsd / 1_000_000).toFixed(6).replace(/0{1,4}$/, '');
  return `$${dollars}`;
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
