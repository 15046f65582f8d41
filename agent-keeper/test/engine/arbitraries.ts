// fast-check generators for the engine's properties. Values come from small pools so that
// collisions happen often: equal prices, equal latencies, shared ids, sources that are prefixes
// of one another, quotes just inside and just outside every limit.
import fc from 'fast-check';
import type { RoutingRequestInput } from '../../src/engine/index.ts';
import { memoryOf } from '../../src/gpu-models.ts';
import { PRICING_MODELS } from '../../src/quote.ts';
import type { Area, Quote, Region, TrackRecord } from '../../src/quote.ts';
import { NOW } from '../helpers/quotes.ts';

const MODELS = ['H100-80G', 'A100-80G', 'A100-40G', 'RTX4090-24G'];
const MODEL_ALIASES = ['H100 SXM', 'NVIDIA H100 80GB HBM3', 'A100-SXM4-80GB', 'gpu_1x_a100_sxm4', 'RTX 4090 D', ...MODELS];
const SOURCES = ['akash', 'vast', 'aws', 'aws-spot', 'necto', 'a', 'a:b'];
const PROVIDERS = ['akash', 'vast', 'aws-spot', 'necto:1', 'necto:2'];
const COUNTRIES = ['US', 'DE', 'FR', 'JP'];
const AREAS: Area[] = ['NA', 'EU', 'APAC'];

/** Present or absent, half the time each. */
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 2 });

/** Mostly `usual`, sometimes anything from `other`: keeps enough quotes eligible to test ranking. */
const usually = <T>(usual: fc.Arbitrary<T>, other: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: usual }, { weight: 1, arbitrary: other });

const region: fc.Arbitrary<Region> = fc
  .record({ country: optional(fc.constantFrom(...COUNTRIES)), area: optional(fc.constantFrom(...AREAS)) })
  .map(({ country, area }) => ({ ...(country && { country }), ...(area && { area }) }));

const price = fc.oneof(
  fc.constantFrom(1_000_000, 2_000_000, 2_500_000, 2_500_001, 3_000_000),
  fc.integer({ min: 1, max: 6_000_000 }),
);

/** A Necto seller's figures with the reliability the issue defines, (2 + completed) over
 *  (3 + completed + missed + expired); now and then a record that does not add up. */
export const trackRecordArbitrary: fc.Arbitrary<TrackRecord> = fc
  .record({
    routed: fc.integer({ min: 0, max: 30 }),
    startedOnTime: fc.integer({ min: 0, max: 25 }),
    completed: fc.constantFrom(0, 0, 1, 2, 3, 5, 20),
    missed: fc.constantFrom(0, 0, 1, 2, 3),
    expired: fc.constantFrom(0, 0, 1),
    openRoutings: fc.constantFrom(0, 0, 1, 2),
    running: fc.constantFrom(0, 0, 1),
  })
  .chain((figures) => {
    const reliability = (2 + figures.completed) / (3 + figures.completed + figures.missed + figures.expired);
    return usually<TrackRecord>(
      fc.constant({ ...figures, reliability }),
      fc.constantFrom({ ...figures, reliability: 0.99 }, { ...figures, missed: -1, reliability }),
    );
  });

export const quoteArbitrary: fc.Arbitrary<Quote> = fc
  .record({
    source: fc.constantFrom(...SOURCES),
    offerId: fc.constantFrom('1', '2', '10', 'x', 'x:y', 'B', 'é'),
    provider: fc.constantFrom(...PROVIDERS),
    gpuModel: usually(fc.constant('H100-80G'), fc.constantFrom(...MODELS)),
    unitGpus: usually(fc.constant(1), fc.constantFrom(2, 8, 0.25)),
    availableGpus: fc.constantFrom(0, 1, 2, 8, 8, 16),
    vramGb: usually(fc.constant(undefined), fc.constantFrom(24, 40, 80)),
    region,
    pricingModel: usually(fc.constantFrom('fixed', 'spot', 'auction'), fc.constant('token')),
    effectiveMicroUsdPerGpuHour: price,
    observedAt: usually(fc.integer({ min: NOW - 300, max: NOW }), fc.integer({ min: NOW - 1200, max: NOW + 120 })),
    tokenAgeSec: optional(usually(fc.integer({ min: 0, max: 60 }), fc.integer({ min: -120, max: 900 }))),
    latencySec: optional(fc.constantFrom(0, 0.25, 0.5, 30, 60, 600)),
    uptime: optional(fc.constantFrom(0, 0.9, 0.99, 1)),
    rating: optional(fc.constantFrom(3, 4.5, 5)),
    trackRecord: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: trackRecordArbitrary }),
  })
  .map(({ tokenAgeSec, latencySec, uptime, rating, vramGb, trackRecord, ...fields }) => ({
    ...fields,
    vramGb: vramGb ?? memoryOf(fields.gpuModel),
    vendorGpuName: fields.gpuModel,
    raw: { value: String(fields.effectiveMicroUsdPerGpuHour), unit: 'micro-USD/GPU-hour', currency: 'USD' },
    sourceUrl: `https://${fields.source}.test/offers`,
    ...(tokenAgeSec !== undefined && { tokenRate: { tokenId: 'akash-network', usd: 0.635, updatedAt: NOW - tokenAgeSec } }),
    ...(latencySec !== undefined && { latencySec }),
    ...(uptime !== undefined && { uptime }),
    ...(rating !== undefined && { rating }),
    ...(trackRecord !== undefined && { trackRecord }),
  }));

export const requestArbitrary: fc.Arbitrary<RoutingRequestInput> = fc
  .record({
    gpuModel: usually(fc.constantFrom('H100 SXM', 'NVIDIA H100 80GB HBM3', 'H100-80G'), fc.constantFrom(...MODEL_ALIASES)),
    gpuCount: fc.constantFrom(1, 1, 2, 8),
    hours: fc.integer({ min: 1, max: 48 }),
    minVramGb: usually(fc.constant(undefined), fc.constantFrom(24, 40, 80, 81)),
    maxMicroUsdPerGpuHour: usually(fc.constant(undefined), fc.constantFrom(2_000_000, 2_500_000, 3_000_000)),
    regions: usually<string[]>(fc.constant([]), fc.subarray([...COUNTRIES, ...AREAS])),
    excludedPricingModels: usually<string[]>(fc.constant([]), fc.subarray([...PRICING_MODELS])),
    allowedProviders: usually(fc.constant(undefined), fc.subarray(PROVIDERS)),
    maxQuoteAgeSec: optional(fc.constantFrom(300, 900)),
    maxTokenRateAgeSec: optional(fc.constantFrom(60, 600)),
  })
  .map(
    (fields) =>
      Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as unknown as RoutingRequestInput,
  );

/** A list of quotes and the same list in another order. */
export const shuffledQuotes = fc
  .array(quoteArbitrary, { maxLength: 60 })
  .chain((quotes) => fc.tuple(fc.constant(quotes), fc.shuffledSubarray(quotes, { minLength: quotes.length })));
