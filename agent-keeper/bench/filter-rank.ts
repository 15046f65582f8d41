// Filter+rank of 100,000 quotes through decide(): the routing engine's hot path. The quotes are
// generated from a fixed seed, a mix shaped like a real scan (many models, counts, regions,
// pricing models, some sold out, stale or priced in tokens), so every run measures the same work.
import { performance } from 'node:perf_hooks';
import { decide } from '../src/engine/index.ts';
import type { RoutingRequestInput } from '../src/engine/index.ts';
import type { Area, PricingModel, Quote } from '../src/quote.ts';
import { summarize } from './stats.ts';
import type { BenchResult } from './stats.ts';

const QUOTES = 100_000;
const WARMUP_RUNS = 5;
const MEASURED_RUNS = 30;
const NOW = 1_795_176_000;

/** The job of `necto quote --gpu H100 --count 1 --hours 6 --max-price 4.00 --region NA,EU`. */
const REQUEST: RoutingRequestInput = {
  gpuModel: 'H100',
  gpuCount: 1,
  hours: 6,
  maxMicroUsdPerGpuHour: 4_000_000,
  regions: ['NA', 'EU'],
};

export async function benchFilterRank(): Promise<BenchResult> {
  const quotes = generateQuotes(QUOTES, 0x6e6563746f);
  for (let run = 0; run < WARMUP_RUNS; run++) decide(REQUEST, quotes, NOW);
  const samples: number[] = [];
  for (let run = 0; run < MEASURED_RUNS; run++) {
    const start = performance.now();
    decide(REQUEST, quotes, NOW);
    samples.push(performance.now() - start);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return summarize(`filter+rank ${QUOTES.toLocaleString('en-US')} quotes`, samples);
}

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A source's price granularity in micro-USD per GPU-hour: 10_000 for sources that quote cents
 *  per GPU, 1 where prices come from per-block, per-second or per-instance arithmetic. */
type Source = {
  id: string;
  weight: number;
  pricing: readonly PricingModel[];
  units: readonly number[];
  step: number;
  rated: boolean;
};

const SOURCES: readonly Source[] = [
  { id: 'vast', weight: 30, pricing: ['fixed', 'auction'], units: [1, 2, 4, 8, 0.5], step: 100, rated: true },
  { id: 'necto', weight: 25, pricing: ['fixed', 'token'], units: [1, 2, 4, 8, 0.25], step: 10_000, rated: true },
  { id: 'akash', weight: 15, pricing: ['auction', 'token'], units: [1, 1, 2, 4, 8], step: 1, rated: false },
  { id: 'ionet', weight: 8, pricing: ['fixed'], units: [1, 2, 4, 8], step: 10_000, rated: false },
  { id: 'runpod', weight: 6, pricing: ['fixed', 'spot'], units: [1], step: 10_000, rated: false },
  { id: 'aws-spot', weight: 5, pricing: ['spot'], units: [1, 4, 8], step: 1, rated: false },
  { id: 'nosana', weight: 5, pricing: ['fixed', 'token'], units: [1, 8], step: 1, rated: false },
  { id: 'lambda', weight: 3, pricing: ['fixed'], units: [1, 2, 4, 8], step: 1_250, rated: false },
  { id: 'shadeform', weight: 3, pricing: ['fixed'], units: [1, 8], step: 1_250, rated: false },
];
const SOURCE_WEIGHTS = SOURCES.reduce((sum, source) => sum + source.weight, 0);

/** Canonical models with a typical $/GPU-h; H100 is the most listed, as on real markets. */
// prettier-ignore
const MODELS: readonly [string, number, number][] = [
  ['H100-80G', 2.4, 80], ['H100-80G', 2.4, 80], ['H100-80G', 2.4, 80], ['A100-80G', 1.5, 80],
  ['A100-40G', 1.1, 40], ['H200-141G', 3.5, 141], ['RTX4090-24G', 0.4, 24], ['RTX4090-24G', 0.4, 24],
  ['L40S-48G', 0.9, 48], ['L4-24G', 0.45, 24], ['RTX3090-24G', 0.25, 24], ['B200-192G', 5.5, 192],
];

// prettier-ignore
const PLACES: readonly [string | undefined, Area | undefined][] = [
  ['US', 'NA'], ['US', 'NA'], ['US', 'NA'], ['CA', 'NA'], ['DE', 'EU'], ['NL', 'EU'], ['FR', 'EU'],
  ['SE', 'EU'], ['GB', 'EU'], ['JP', 'APAC'], ['SG', 'APAC'], ['IN', 'APAC'], ['BR', 'SA'],
  ['AE', 'MEA'], [undefined, 'EU'], [undefined, undefined],
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function pickSource(random: () => number): Source {
  let ticket = random() * SOURCE_WEIGHTS;
  for (const source of SOURCES) {
    ticket -= source.weight;
    if (ticket < 0) return source;
  }
  return SOURCES[0] as Source;
}

export function generateQuotes(count: number, seed: number): Quote[] {
  const random = prng(seed);
  const quotes: Quote[] = [];
  for (let i = 0; i < count; i++) {
    const source = pickSource(random);
    const [gpuModel, typicalUsd, vramGb] = pick(random, MODELS);
    const [country, area] = pick(random, PLACES);
    const pricingModel = pick(random, source.pricing);
    const unitGpus = pick(random, source.units);
    const usd = typicalUsd * (0.6 + random() * 1.1) * (pricingModel === 'spot' ? 0.6 : 1);
    const microUsd = Math.max(source.step, Math.round((usd * 1_000_000) / source.step) * source.step);
    const soldOut = random() < 0.15;
    const quote: Quote = {
      source: source.id,
      offerId: `${gpuModel.toLowerCase()}-${i.toString(36)}`,
      provider: source.id === 'necto' ? `necto:${1 + Math.floor(random() * 200)}` : source.id,
      gpuModel,
      vendorGpuName: gpuModel,
      unitGpus,
      availableGpus: soldOut ? 0 : unitGpus >= 1 ? unitGpus * (1 + Math.floor(random() * 3)) : 1,
      vramGb,
      region: { ...(country && { country }), ...(area && { area }) },
      pricingModel,
      raw: { value: (microUsd / 1_000_000).toFixed(6), unit: 'USD/GPU-hour', currency: 'USD' },
      effectiveMicroUsdPerGpuHour: microUsd,
      observedAt: NOW - Math.floor(random() * 1200),
      sourceUrl: `https://${source.id}.example/offers`,
    };
    if (pricingModel === 'token') {
      quote.tokenRate = { tokenId: 'akash-network', usd: 0.635, updatedAt: NOW - Math.floor(random() * 900) };
    }
    if (random() < 0.7) quote.latencySec = 30 + Math.floor(random() * 20) * 30;
    if (random() < 0.6) quote.uptime = Math.round((0.9 + random() * 0.1) * 1000) / 1000;
    if (source.rated && random() < 0.8) quote.rating = Math.round(random() * 50) / 10;
    quotes.push(quote);
  }
  return quotes;
}
