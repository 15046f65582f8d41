// The fast ranking (packed keys, native sort, tie runs) against the rule applied pair by pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_RANK_GROUP, NO_HISTORY, compareQuotes, rankOrder, withTrackRecords } from '../../src/engine/index.ts';
import type { Quote } from '../../src/quote.ts';
import { generateQuotes } from '../../bench/filter-rank.ts';
import { quoteArbitrary } from './arbitraries.ts';

/** Numbers the packed keys must survive: beyond their ranges, fractional, negative, not finite. */
const awkward = fc.oneof(
  fc.constantFrom(0, 0.5, 1, 2 ** 30 - 1, 2 ** 30, 2 ** 31 + 0.5, 2 ** 53, -1, Number.NaN, Infinity, -Infinity),
  fc.double({ min: -10, max: 1e10 }),
);

/** Track-record counts that divide by zero, go negative or are not numbers at all. */
const awkwardCount = fc.constantFrom(0, 1, 3, -2, -3, 0.5, 2 ** 40, Number.NaN, Infinity);

const awkwardQuote = fc
  .tuple(
    quoteArbitrary,
    fc.option(awkward),
    fc.option(awkward),
    fc.option(awkward),
    fc.option(awkward),
    fc.option(fc.tuple(awkwardCount, awkwardCount)),
  )
  .map(([quote, cost, latency, uptime, rating, counts]) => ({
    ...quote,
    ...(cost !== null && { effectiveMicroUsdPerGpuHour: cost }),
    ...(latency !== null && { latencySec: latency }),
    ...(uptime !== null && { uptime }),
    ...(rating !== null && { rating }),
    ...(counts !== null && {
      trackRecord: { ...NO_HISTORY, completed: counts[0], missed: counts[1], reliability: 0.5 },
    }),
  }));

function byGroupThenRule(quotes: Quote[], groups: Uint8Array): number[] {
  return quotes
    .map((_, position) => position)
    .sort((i, j) => (groups[i] as number) - (groups[j] as number) || compareQuotes(quotes[i] as Quote, quotes[j] as Quote));
}

test('rankOrder gives the order of compareQuotes within groups, for any numbers', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(awkwardQuote, fc.integer({ min: 0, max: MAX_RANK_GROUP })), { maxLength: 80 }), (entries) => {
      const quotes = entries.map(([quote]) => quote);
      const groups = Uint8Array.from(entries.map(([, group]) => group));
      const expected = byGroupThenRule(quotes, groups).map((position) => quotes[position]);
      assert.deepStrictEqual(
        Array.from(rankOrder(quotes, groups), (position) => quotes[position]),
        expected,
      );
    }),
    { numRuns: 500 },
  );
});

test('rankOrder agrees with compareQuotes on a realistic scan of 20,000 quotes', () => {
  const quotes = generateQuotes(20_000, 7);
  const groups = Uint8Array.from(quotes, (quote) => (quote.gpuModel === 'H100-80G' ? 0 : 1 + (quote.offerId.length % 12)));
  assert.deepEqual(Array.from(rankOrder(quotes, groups)), byGroupThenRule(quotes, groups));
});

test('rankOrder agrees with compareQuotes on a realistic scan whose Necto sellers carry track records', () => {
  const figures = new Map(
    Array.from({ length: 200 }, (_, i) => [
      i + 1,
      { ...NO_HISTORY, routed: i % 23, startedOnTime: i % 19, completed: i % 17, missed: i % 5, expired: i % 3 },
    ]),
  );
  const quotes = withTrackRecords(generateQuotes(20_000, 11), figures);
  assert.ok(quotes.filter((quote) => quote.trackRecord).length > 4_000);
  const groups = new Uint8Array(quotes.length);
  assert.deepEqual(Array.from(rankOrder(quotes, groups)), byGroupThenRule(quotes, groups));
});
