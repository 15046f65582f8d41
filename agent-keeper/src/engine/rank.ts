// The ranking rule: effective cost ascending, then latency ascending, uptime descending, rating
// descending (a missing value ranks worst), then the stable id (quoteKey) ascending. Ids are
// compared by UTF-16 code units, never by locale, so every machine orders them alike; two quotes
// sharing an id are ordered by their canonical JSON. The order is total: the result never depends
// on the order of the input.
import { quoteKey } from '../quote.ts';
import type { Quote } from '../quote.ts';

/** Sort keys, all ascending: a non-finite or missing value sorts last. */
function ascending(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) ? value : Infinity;
}
function descending(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) ? -value : Infinity;
}

const costKey = (q: Quote) => ascending(q.effectiveMicroUsdPerGpuHour);
const latencyKey = (q: Quote) => ascending(q.latencySec);
const uptimeKey = (q: Quote) => descending(q.uptime);
const ratingKey = (q: Quote) => descending(q.rating);

/** Negative when `a` ranks before `b`: the rule, one pair at a time. */
export function compareQuotes(a: Quote, b: Quote): number {
  return (
    costKey(a) - costKey(b) ||
    latencyKey(a) - latencyKey(b) ||
    uptimeKey(a) - uptimeKey(b) ||
    ratingKey(a) - ratingKey(b) ||
    compareIds(a.source, a.offerId, b.source, b.offerId) ||
    compareStrings(canonicalJson(a), canonicalJson(b))
  ); // Infinity - Infinity (both missing) is NaN, which `||` reads as a tie.
}

/** The quotes in rank order (a new array). */
export function rankQuotes(quotes: readonly Quote[]): Quote[] {
  return Array.from(rankOrder(quotes), (position) => quotes[position] as Quote);
}

export const MAX_RANK_GROUP = 15;

/**
 * The rule applied to a whole scan at once: the positions of `quotes`, sorted by group (`groups`,
 * 0..15 per quote; all 0 when absent), then by rank, the same order as compareQuotes within a
 * group. Built for 100,000 quotes: one native sort of packed keys orders everything by (group,
 * whole micro-USD cost, whole seconds of latency), and only runs that tie on all three go through
 * a comparison.
 */
export function rankOrder(quotes: readonly Quote[], groups: Uint8Array = new Uint8Array(quotes.length)): Uint32Array {
  const count = quotes.length;
  if (groups.length !== count) throw new RangeError(`${groups.length} groups for ${count} quotes`);
  const cost = new Float64Array(count);
  const latency = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    if ((groups[i] as number) > MAX_RANK_GROUP) throw new RangeError(`rank group ${groups[i]} is above ${MAX_RANK_GROUP}`);
    const quote = quotes[i] as Quote;
    cost[i] = costKey(quote);
    latency[i] = latencyKey(quote);
  }
  const { order, runs } = sortedByPackedKey(groups, cost, latency);
  if (runs.length === 0) return order;

  const { slotOf, uptime, rating, sources, offerIds } = readTieKeys(quotes, order, runs);
  const compareTied = (i: number, j: number): number => {
    const a = slotOf[i] as number;
    const b = slotOf[j] as number;
    return (
      (cost[i] as number) - (cost[j] as number) ||
      (latency[i] as number) - (latency[j] as number) ||
      (uptime[a] as number) - (uptime[b] as number) ||
      (rating[a] as number) - (rating[b] as number) ||
      compareIds(sources[a] as string, offerIds[a] as string, sources[b] as string, offerIds[b] as string) ||
      compareStrings(canonicalJson(quotes[i]), canonicalJson(quotes[j]))
    );
  };
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

/**
 * The keys after latency of the quotes in runs, read once, in input order (reading them in sorted
 * order would jump around memory), into arrays at slotOf[position]: comparisons read arrays, not
 * quotes.
 */
function readTieKeys(quotes: readonly Quote[], order: Uint32Array, runs: readonly [number, number][]) {
  const tied = new Uint8Array(quotes.length);
  let tiedCount = 0;
  for (const [start, end] of runs) {
    for (let k = start; k < end; k++) tied[order[k] as number] = 1;
    tiedCount += end - start;
  }
  const slotOf = new Uint32Array(quotes.length);
  const uptime = new Float64Array(tiedCount);
  const rating = new Float64Array(tiedCount);
  const sources: string[] = [];
  const offerIds: string[] = [];
  for (let i = 0; i < quotes.length; i++) {
    if (tied[i] === 0) continue;
    const quote = quotes[i] as Quote;
    const slot = sources.length;
    slotOf[i] = slot;
    uptime[slot] = uptimeKey(quote);
    rating[slot] = ratingKey(quote);
    sources.push(quote.source);
    offerIds.push(quote.offerId);
  }
  return { slotOf, uptime, rating, sources, offerIds };
}

/**
 * Orders as quoteKey ("source:offerId") does, without building the keys: when neither source is
 * a prefix of the other, the keys first differ inside the sources.
 */
function compareIds(sourceA: string, offerA: string, sourceB: string, offerB: string): number {
  if (sourceA === sourceB) return compareStrings(offerA, offerB);
  if (sourceA.startsWith(sourceB) || sourceB.startsWith(sourceA)) {
    return compareStrings(quoteKey({ source: sourceA, offerId: offerA }), quoteKey({ source: sourceB, offerId: offerB }));
  }
  return compareStrings(sourceA, sourceB);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const COST_BITS = 30; // whole micro-USD up to $1,073/GPU-h: every valid price has its own bucket
const POSITION_AND_LATENCY_BITS = 30;

/**
 * Positions sorted by (group, cost, latency), and the [start, end) runs of two or more positions
 * sharing all three buckets. Each quote becomes one 64-bit key, sorted natively as a
 * BigUint64Array and written as its two 32-bit halves (little-endian, as typed arrays are here):
 *
 *   high half: group (4 bits) | cost >> 2 (28 bits)
 *   low half:  cost & 3 (2 bits) | latency (30 - p bits) | position (p bits, enough for `count`)
 *
 * Cost is in whole micro-USD and latency in whole seconds; values out of range share the first or
 * last bucket, where the comparison of the run puts them in exact order.
 */
function sortedByPackedKey(
  group: Uint8Array,
  cost: Float64Array,
  latency: Float64Array,
): { order: Uint32Array; runs: [number, number][] } {
  const count = group.length;
  const positionBits = Math.max(1, Math.ceil(Math.log2(count + 1)));
  if (positionBits > POSITION_AND_LATENCY_BITS) throw new RangeError(`too many quotes to rank at once (${count})`);
  const latencyBuckets = 2 ** (POSITION_AND_LATENCY_BITS - positionBits);
  const halves = new Uint32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const costBucket = bucketOf(cost[i] as number, 2 ** COST_BITS);
    const latencyBucket = bucketOf(latency[i] as number, latencyBuckets);
    halves[2 * i + 1] = (((group[i] as number) << 28) | (costBucket >>> 2)) >>> 0;
    halves[2 * i] = ((costBucket & 3) * 2 ** 30 + latencyBucket * 2 ** positionBits + i) >>> 0;
  }
  new BigUint64Array(halves.buffer).sort();

  const order = new Uint32Array(count);
  const runs: [number, number][] = [];
  const positionMask = 2 ** positionBits - 1;
  const sameBuckets = (k: number) =>
    halves[2 * k + 1] === halves[2 * k - 1] && (halves[2 * k] as number) - ((halves[2 * k] as number) & positionMask) === (halves[2 * k - 2] as number) - ((halves[2 * k - 2] as number) & positionMask);
  let runStart = 0;
  for (let k = 0; k < count; k++) {
    order[k] = (halves[2 * k] as number) & positionMask;
    if (k > 0 && sameBuckets(k)) continue;
    if (k - runStart > 1) runs.push([runStart, k]);
    runStart = k;
  }
  if (count - runStart > 1) runs.push([runStart, count]);
  return { order, runs };
}

/** The whole part of a key, clamped to 0..buckets-1 (Infinity, a missing value, takes the last). */
function bucketOf(value: number, buckets: number): number {
  return value > 0 ? Math.min(Math.floor(value), buckets - 1) : 0;
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
