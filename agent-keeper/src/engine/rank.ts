// The ranking rule: cost ascending, then latency ascending, uptime descending, rating descending
// (a missing value ranks worst), then the stable id (quoteKey) ascending. The cost is the
// effective price, or for a quote with a track record (a Necto seller's) the risk-adjusted price /
// reliability of engine/reliability.ts; the pairwise comparison and the packed keys both read it
// through costKey. Ids are compared by UTF-16 code units, never by locale, so every machine orders
// them alike; two quotes sharing an id are ordered by their canonical JSON. The order is total:
// the result never depends on the order of the input.
import { quoteKey } from '../quote.ts';
import type { Quote } from '../quote.ts';
import { riskAdjustedCost } from './reliability.ts';

/** Sort keys, all ascending: a non-finite or missing value sorts last. */
function ascending(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) ? value : Infinity;
}
function descending(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) ? -value : Infinity;
}

const costKey = (q: Quote) => {
  const price = q.effectiveMicroUsdPerGpuHour;
  return ascending(q.trackRecord === undefined ? price : riskAdjustedCost(price, q.trackRecord));
};
const latencyKey = (q: Quote) => ascending(q.latencySec);
const uptimeKey = (q: Quote) => descending(q.uptime);
const ratingKey = (q: Quote) => descending(q.rating);

/**
 * Negative when `a` ranks before `b`: the rule, one pair at a time. (Infinity - Infinity, both
 * missing, is NaN, which `||` reads as a tie.)
 */
export function compareQuotes(a: Quote, b: Quote): number {
  return (
    costKey(a) - costKey(b) ||
    latencyKey(a) - latencyKey(b) ||
    uptimeKey(a) - uptimeKey(b) ||
    ratingKey(a) - ratingKey(b) ||
    compareIdentities(a, b)
  );
}

function compareIdentities(a: Quote, b: Quote): number {
  return compareIds(a, b) || compareStrings(canonicalJson(a), canonicalJson(b));
}

/**
 * Orders as quoteKey ("source:offerId") does, without building the keys: when neither source is
 * a prefix of the other, the keys first differ inside the sources.
 */
function compareIds(a: Quote, b: Quote): number {
  if (a.source === b.source) return compareStrings(a.offerId, b.offerId);
  if (a.source.startsWith(b.source) || b.source.startsWith(a.source)) return compareStrings(quoteKey(a), quoteKey(b));
  return compareStrings(a.source, b.source);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON with object keys sorted, so equal quotes serialize equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return `"${value}"`; // NaN and ±Infinity stay distinct
  return JSON.stringify(value) ?? 'null';
}

/** The quotes in rank order (a new array). */
export function rankQuotes(quotes: readonly Quote[]): Quote[] {
  return Array.from(rankOrder(quotes), (position) => quotes[position] as Quote);
}

export const MAX_RANK_GROUP = 15;

/**
 * The keys rankOrder sorts a whole scan on first, read from each quote once. decide() reads them
 * in its own pass over the quotes, while each quote is at hand.
 */
export class RankKeys {
  readonly cost: Float64Array;
  readonly latency: Float64Array;

  constructor(count: number) {
    this.cost = new Float64Array(count);
    this.latency = new Float64Array(count);
  }

  static of(quotes: readonly Quote[]): RankKeys {
    const keys = new RankKeys(quotes.length);
    quotes.forEach((quote, position) => keys.read(position, quote));
    return keys;
  }

  read(position: number, quote: Quote): void {
    this.cost[position] = costKey(quote);
    this.latency[position] = latencyKey(quote);
  }
}

/**
 * The rule applied to a whole scan at once: the positions of `quotes`, sorted by group (`groups`,
 * 0..15 per quote; all 0 when absent), then by rank, the same order as compareQuotes within a
 * group. Built for 100,000 quotes: one native sort of packed keys orders everything by (group,
 * whole micro-USD cost, whole seconds of latency), and only runs that tie on all three go through
 * a comparison.
 */
export function rankOrder(
  quotes: readonly Quote[],
  groups: Uint8Array = new Uint8Array(quotes.length),
  { cost, latency }: RankKeys = RankKeys.of(quotes),
): Uint32Array {
  const count = quotes.length;
  if (groups.length !== count || cost.length !== count) {
    throw new RangeError(`${groups.length} groups and ${cost.length} keys for ${count} quotes`);
  }
  if (groups.some((group) => group > MAX_RANK_GROUP)) throw new RangeError(`rank groups go up to ${MAX_RANK_GROUP}`);
  const { order, runs } = sortedByPackedKey(groups, cost, latency);
  if (runs.length === 0) return order;

  // Read only when a comparison gets that far: most quotes are in no run, and rating and id
  // matter only between quotes that tie on uptime.
  const uptime = new Float64Array(count).fill(Number.NaN);
  const rating = new Float64Array(count).fill(Number.NaN);
  const uptimeOf = (i: number) => {
    const known = uptime[i] as number;
    return known === known ? known : (uptime[i] = uptimeKey(quotes[i] as Quote));
  };
  const ratingOf = (i: number) => {
    const known = rating[i] as number;
    return known === known ? known : (rating[i] = ratingKey(quotes[i] as Quote));
  };
  const compareTied = (i: number, j: number): number =>
    (cost[i] as number) - (cost[j] as number) ||
    (latency[i] as number) - (latency[j] as number) ||
    uptimeOf(i) - uptimeOf(j) ||
    ratingOf(i) - ratingOf(j) ||
    compareIdentities(quotes[i] as Quote, quotes[j] as Quote);
  for (const [start, end] of runs) sortRun(order, start, end, compareTied);
  return order;
}

/** Sorts order[start..end) in place: insertion sort for the short runs most ties make. */
function sortRun(order: Uint32Array, start: number, end: number, compare: (i: number, j: number) => number): void {
  if (end - start > 16) {
    order.subarray(start, end).sort(compare);
    return;
  }
  for (let k = start + 1; k < end; k++) {
    const position = order[k] as number;
    let slot = k;
    while (slot > start && compare(order[slot - 1] as number, position) > 0) {
      order[slot] = order[slot - 1] as number;
      slot--;
    }
    order[slot] = position;
  }
}

const COST_BUCKETS = 2 ** 31;
const LAST_COST_BUCKET = COST_BUCKETS - 1;
const LATENCY_AND_POSITION_BITS = 29;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HIGH = LITTLE_ENDIAN ? 1 : 0;
const LOW = 1 - HIGH;

/**
 * Positions sorted by (group, cost, latency), and the [start, end) runs of two or more positions
 * sharing all three buckets. Each quote becomes one 64-bit key, written as two 32-bit halves and
 * sorted natively as a BigUint64Array:
 *
 *   high half: group (4 bits) | cost bucket >> 3 (28 bits)
 *   low half:  cost bucket & 7 (3 bits) | latency (29 - p bits) | position (p bits, enough for `count`)
 *
 * Latency is in whole seconds, out-of-range values sharing the first or last bucket; it only
 * takes part for a cost bucket that holds one exact cost (see costBucketOf). The comparison of
 * each run puts what the buckets could not tell apart in exact order.
 */
function sortedByPackedKey(
  group: Uint8Array,
  cost: Float64Array,
  latency: Float64Array,
): { order: Uint32Array; runs: [number, number][] } {
  const count = group.length;
  const positionBits = Math.max(1, Math.ceil(Math.log2(count + 1)));
  if (positionBits > LATENCY_AND_POSITION_BITS) throw new RangeError(`too many quotes to rank at once (${count})`);
  const latencyBuckets = 2 ** (LATENCY_AND_POSITION_BITS - positionBits);
  const halves = new Uint32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const costBucket = costBucketOf(cost[i] as number);
    const latencyBucket = isExactCostBucket(costBucket) ? bucketOf(latency[i] as number, latencyBuckets) : 0;
    halves[2 * i + HIGH] = (group[i] as number) * 2 ** 28 + (costBucket >>> 3);
    halves[2 * i + LOW] = (costBucket & 7) * 2 ** 29 + latencyBucket * 2 ** positionBits + i;
  }
  new BigUint64Array(halves.buffer).sort();

  const order = new Uint32Array(count);
  const runs: [number, number][] = [];
  const lowBuckets = (k: number) => (halves[2 * k + LOW] as number) >>> positionBits;
  const sameBucketsAsPrevious = (k: number) =>
    halves[2 * k + HIGH] === halves[2 * k - 2 + HIGH] && lowBuckets(k) === lowBuckets(k - 1);
  let runStart = 0;
  for (let k = 0; k < count; k++) {
    order[k] = (halves[2 * k + LOW] as number) & (2 ** positionBits - 1);
    if (k > 0 && sameBucketsAsPrevious(k)) continue;
    if (k - runStart > 1) runs.push([runStart, k]);
    runStart = k;
  }
  if (count - runStart > 1) runs.push([runStart, count]);
  return { order, runs };
}

/**
 * Cost buckets, monotone in the cost: 0 for negatives; an odd bucket of its own for each whole
 * micro-USD up to $1,073/GPU-h (every valid price); an even bucket for the fractions between two
 * of them; the last bucket for larger costs and missing ones (Infinity).
 */
function costBucketOf(cost: number): number {
  if (!(cost >= 0)) return 0;
  if (cost >= (LAST_COST_BUCKET - 1) / 2) return LAST_COST_BUCKET;
  const whole = Math.floor(cost);
  return whole === cost ? 1 + 2 * whole : 2 + 2 * whole;
}

function isExactCostBucket(bucket: number): boolean {
  return bucket % 2 === 1 && bucket !== LAST_COST_BUCKET;
}

/** The whole part of a key, clamped to 0..buckets-1 (Infinity, a missing value, takes the last). */
function bucketOf(value: number, buckets: number): number {
  return value > 0 ? Math.min(Math.floor(value), buckets - 1) : 0;
}
