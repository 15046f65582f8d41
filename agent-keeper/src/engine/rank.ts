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

/** Negative when `a` ranks before `b`. Infinity - Infinity is NaN, which `||` reads as a tie. */
export function compareQuotes(a: Quote, b: Quote): number {
  return (
    costKey(a) - costKey(b) ||
    latencyKey(a) - latencyKey(b) ||
    uptimeKey(a) - uptimeKey(b) ||
    ratingKey(a) - ratingKey(b) ||
    compareIdentities(a, b)
  );
}

/** The quotes in rank order (a new array). */
export function rankQuotes(quotes: readonly Quote[]): Quote[] {
  return sortByGroupAndCost(quotes, (quote) => quote, () => 0, [latencyKey, uptimeKey, ratingKey]);
}

/**
 * Items by group (an integer 0..15, lower first), then by their quotes' effective cost, then by
 * quote id: the order of a decision's excluded quotes, grouped by the constraint they failed.
 */
export function sortByGroupThenCost<T>(items: readonly T[], quoteOf: (item: T) => Quote, groupOf: (item: T) => number): T[] {
  return sortByGroupAndCost(items, quoteOf, groupOf, []);
}

function compareIdentities(a: Quote, b: Quote): number {
  return compareIds(a.source, a.offerId, b.source, b.offerId) || compareStrings(canonicalJson(a), canonicalJson(b));
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

const GROUP_BITS = 4;
const COST_BITS = 30; // integer micro-USD up to $1,073/GPU-h: every valid price has its own bucket

/**
 * Sorts by (group, cost), then by `tieKeys` (ascending), then by identity. Built for scans of
 * 100,000 quotes: one native sort of packed numbers orders everything by (group, whole micro-USD
 * cost), and only runs sharing a cost go through a comparison.
 */
function sortByGroupAndCost<T>(
  items: readonly T[],
  quoteOf: (item: T) => Quote,
  groupOf: (item: T) => number,
  tieKeys: readonly ((quote: Quote) => number)[],
): T[] {
  const count = items.length;
  const quotes: Quote[] = [];
  const group = new Float64Array(count);
  const cost = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const item = items[i] as T;
    const quote = quoteOf(item);
    quotes.push(quote);
    group[i] = checkGroup(groupOf(item));
    cost[i] = costKey(quote);
  }
  const { order, runs } = sortedByBucket(group, cost);
  sortRuns(order, runs, quotes, cost, tieKeys);
  const sorted: T[] = [];
  for (let k = 0; k < count; k++) sorted.push(items[order[k] as number] as T);
  return sorted;
}

/**
 * Puts each run of `order` in exact order. The keys of the quotes in runs are read once into
 * arrays (at a slot per quote), so a comparison reads arrays, not quotes, and compares strings
 * only when every number ties.
 */
function sortRuns(
  order: Uint32Array,
  runs: readonly [number, number][],
  quotes: readonly Quote[],
  cost: Float64Array,
  tieKeys: readonly ((quote: Quote) => number)[],
): void {
  const slotOf = new Uint32Array(quotes.length);
  const columns: number[][] = tieKeys.map(() => []);
  const sources: string[] = [];
  const offerIds: string[] = [];
  for (const [start, end] of runs) {
    for (let k = start; k < end; k++) {
      const i = order[k] as number;
      const quote = quotes[i] as Quote;
      slotOf[i] = sources.length;
      tieKeys.forEach((key, c) => (columns[c] as number[]).push(key(quote)));
      sources.push(quote.source);
      offerIds.push(quote.offerId);
    }
  }
  // A difference of NaN (Infinity - Infinity: both missing) is falsy, so it reads as a tie.
  const compare = (i: number, j: number): number => {
    const byCost = (cost[i] as number) - (cost[j] as number);
    if (byCost) return byCost;
    const a = slotOf[i] as number;
    const b = slotOf[j] as number;
    for (const column of columns) {
      const byKey = (column[a] as number) - (column[b] as number);
      if (byKey) return byKey;
    }
    return (
      compareIds(sources[a] as string, offerIds[a] as string, sources[b] as string, offerIds[b] as string) ||
      compareStrings(canonicalJson(quotes[i]), canonicalJson(quotes[j]))
    );
  };
  for (const [start, end] of runs) order.subarray(start, end).sort(compare);
}

function checkGroup(group: number): number {
  if (!Number.isInteger(group) || group < 0 || group >= 2 ** GROUP_BITS) {
    throw new RangeError(`rank group must be an integer 0..${2 ** GROUP_BITS - 1} (got ${group})`);
  }
  return group;
}

/**
 * Positions sorted by (group, cost bucket), and the [start, end) runs of two or more positions
 * sharing a bucket. Each position is packed with its bucket into one double below 2^53 and the
 * doubles are sorted natively. A bucket is the whole micro-USD cost, so a run is a tie on cost;
 * costs out of range share the last bucket and scans beyond 2^19 quotes get coarser buckets, which
 * the comparison of their runs puts in exact order.
 */
function sortedByBucket(group: Float64Array, cost: Float64Array): { order: Uint32Array; runs: [number, number][] } {
  const count = group.length;
  const positionBits = Math.max(1, Math.ceil(Math.log2(count + 1)));
  const costShift = Math.max(0, GROUP_BITS + COST_BITS + positionBits - 53);
  const costBuckets = 2 ** (COST_BITS - costShift);
  const scale = 2 ** positionBits;
  const packed = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const bucket = Math.floor((cost[i] as number) / 2 ** costShift);
    const costBucket = bucket > 0 ? Math.min(bucket, costBuckets - 1) : 0;
    packed[i] = ((group[i] as number) * costBuckets + costBucket) * scale + i;
  }
  packed.sort();
  const order = new Uint32Array(count);
  const runs: [number, number][] = [];
  let runStart = 0;
  for (let k = 0; k < count; k++) {
    order[k] = (packed[k] as number) % scale;
    const sameBucket = k > 0 && Math.floor((packed[k] as number) / scale) === Math.floor((packed[k - 1] as number) / scale);
    if (!sameBucket) {
      if (k - runStart > 1) runs.push([runStart, k]);
      runStart = k;
    }
  }
  if (count - runStart > 1) runs.push([runStart, count]);
  return { order, runs };
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
