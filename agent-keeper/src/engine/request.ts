// What a buyer asks the routing engine for, validated once and normalized to one canonical form:
// the same request always normalizes to the same object, so a decision record can be replayed.
import { GPU_MODEL_IDS, memoryOf, resolveGpuModel } from '../gpu-models.ts';
import { AREAS, PRICING_MODELS } from '../quote.ts';
import type { Area, PricingModel } from '../quote.ts';
import { isArea } from '../regions.ts';

export const DEFAULT_MAX_QUOTE_AGE_SEC = 900;
export const DEFAULT_MAX_TOKEN_RATE_AGE_SEC = 600;

/** A request as a caller writes it (CLI flags, API body, agent tool): aliases and defaults allowed. */
export type RoutingRequestInput = {
  /** A canonical id ("H100-80G") or any vendor alias ("H100 SXM", "NVIDIA H100 80GB HBM3"). */
  gpuModel: string;
  gpuCount: number;
  hours: number;
  /** Memory per GPU, GB. Default: the model's memory. */
  minVramGb?: number;
  maxMicroUsdPerGpuHour?: number;
  /** ISO 3166 alpha-2 countries and/or areas (NA, SA, EU, APAC, MEA). Empty: anywhere.
   *  "NA" and "SA" always mean the areas (North/South America), never Namibia or Saudi Arabia. */
  regions?: readonly string[];
  excludedPricingModels?: readonly string[];
  /** Quote.provider values the team allows. Absent: any provider; empty: none. */
  allowedProviders?: readonly string[];
  maxQuoteAgeSec?: number;
  maxTokenRateAgeSec?: number;
  /** Routing an on-chain job: only quotes an on-chain offer can carry (Quote.onchain) qualify. */
  requireOnchainOffer?: boolean;
};

/** The normalized request: canonical model, defaults filled in, lists deduplicated and ordered. */
export type RoutingRequest = {
  gpuModel: string;
  gpuCount: number;
  hours: number;
  minVramGb: number;
  maxMicroUsdPerGpuHour?: number;
  /** Countries (sorted) first, then areas (in AREAS order). */
  regions: string[];
  /** In PRICING_MODELS order. */
  excludedPricingModels: PricingModel[];
  /** Sorted by code unit. */
  allowedProviders?: string[];
  maxQuoteAgeSec: number;
  maxTokenRateAgeSec: number;
  /** Present (true) only when routing an on-chain job. */
  requireOnchainOffer?: true;
};

export type ParsedRoutingRequest = { ok: true; request: RoutingRequest } | { ok: false; problems: string[] };

export class RoutingRequestError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid routing request: ${problems.join('; ')}`);
    this.name = 'RoutingRequestError';
    this.problems = problems;
  }
}

/** Validates and normalizes a request; every problem is named with its field and the value given. */
export function parseRoutingRequest(input: RoutingRequestInput): ParsedRoutingRequest {
  const problems: string[] = [];
  const fields = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;

  const gpuModel = readGpuModel(fields.gpuModel, problems);
  const gpuCount = readInteger(fields.gpuCount, 'gpuCount', problems);
  const hours = readInteger(fields.hours, 'hours', problems);
  const minVramGb =
    optional(fields.minVramGb, (v) => readPositiveNumber(v, 'minVramGb', problems)) ??
    (gpuModel === undefined ? undefined : memoryOf(gpuModel));
  const maxPrice = optional(fields.maxMicroUsdPerGpuHour, (v) => readInteger(v, 'maxMicroUsdPerGpuHour', problems));
  const regions = readRegions(fields.regions, problems);
  const excludedPricingModels = readPricingModels(fields.excludedPricingModels, problems);
  const allowedProviders = optional(fields.allowedProviders, (v) => readProviders(v, problems));
  const maxQuoteAgeSec =
    optional(fields.maxQuoteAgeSec, (v) => readInteger(v, 'maxQuoteAgeSec', problems)) ?? DEFAULT_MAX_QUOTE_AGE_SEC;
  const maxTokenRateAgeSec =
    optional(fields.maxTokenRateAgeSec, (v) => readInteger(v, 'maxTokenRateAgeSec', problems)) ?? DEFAULT_MAX_TOKEN_RATE_AGE_SEC;

  if (
    problems.length > 0 ||
    gpuModel === undefined ||
    gpuCount === undefined ||
    hours === undefined ||
    minVramGb === undefined ||
    regions === undefined ||
    excludedPricingModels === undefined
  ) {
    return { ok: false, problems };
  }
  const request: RoutingRequest = {
    gpuModel,
    gpuCount,
    hours,
    minVramGb,
    regions,
    excludedPricingModels,
    maxQuoteAgeSec,
    maxTokenRateAgeSec,
  };
  if (maxPrice !== undefined) request.maxMicroUsdPerGpuHour = maxPrice;
  if (allowedProviders !== undefined) request.allowedProviders = allowedProviders;
  if (fields.requireOnchainOffer === true) request.requireOnchainOffer = true;
  else if (fields.requireOnchainOffer !== undefined && fields.requireOnchainOffer !== false) {
    return { ok: false, problems: [`requireOnchainOffer: must be a boolean (got ${show(fields.requireOnchainOffer)})`] };
  }
  return { ok: true, request };
}

/** Like parseRoutingRequest, but throws a RoutingRequestError listing every problem. */
export function routingRequest(input: RoutingRequestInput): RoutingRequest {
  const parsed = parseRoutingRequest(input);
  if (!parsed.ok) throw new RoutingRequestError(parsed.problems);
  return parsed.request;
}

function optional<T>(value: unknown, read: (value: unknown) => T | undefined): T | undefined {
  return value === undefined || value === null ? undefined : read(value);
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function readGpuModel(value: unknown, problems: string[]): string | undefined {
  const resolved = typeof value === 'string' ? resolveGpuModel(value) : undefined;
  if (resolved === undefined) {
    problems.push(`gpuModel: unknown GPU model ${show(value)} (known: ${GPU_MODEL_IDS.join(', ')})`);
  }
  return resolved;
}

function readInteger(value: unknown, field: string, problems: string[]): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return value;
  problems.push(`${field}: must be an integer >= 1 (got ${show(value)})`);
  return undefined;
}

function readPositiveNumber(value: unknown, field: string, problems: string[]): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  problems.push(`${field}: must be a positive number (got ${show(value)})`);
  return undefined;
}

function readList(value: unknown, field: string, problems: string[]): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  problems.push(`${field}: must be a list of strings (got ${show(value)})`);
  return undefined;
}

function readRegions(value: unknown, problems: string[]): string[] | undefined {
  const list = readList(value, 'regions', problems);
  if (list === undefined) return undefined;
  const countries = new Set<string>();
  const areas = new Set<Area>();
  for (const raw of list) {
    const code = raw.trim().toUpperCase();
    if (isArea(code)) areas.add(code);
    else if (/^[A-Z]{2}$/.test(code)) countries.add(code);
    else problems.push(`regions: ${show(raw)} is neither an ISO 3166 country code nor an area (${AREAS.join(', ')})`);
  }
  return [...[...countries].sort(), ...AREAS.filter((area) => areas.has(area))];
}

function readPricingModels(value: unknown, problems: string[]): PricingModel[] | undefined {
  const list = readList(value, 'excludedPricingModels', problems);
  if (list === undefined) return undefined;
  const wanted = new Set(list.map((item) => item.trim().toLowerCase()));
  for (const item of wanted) {
    if (!(PRICING_MODELS as readonly string[]).includes(item)) {
      problems.push(`excludedPricingModels: unknown pricing model ${show(item)} (known: ${PRICING_MODELS.join(', ')})`);
    }
  }
  return PRICING_MODELS.filter((model) => wanted.has(model));
}

function readProviders(value: unknown, problems: string[]): string[] | undefined {
  const list = readList(value, 'allowedProviders', problems);
  if (list === undefined) return undefined;
  const providers = new Set<string>();
  for (const raw of list) {
    const provider = raw.trim();
    if (provider === '') problems.push('allowedProviders: a provider id is empty');
    else providers.add(provider);
  }
  return [...providers].sort();
}
