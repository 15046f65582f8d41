// The fast ranking (packed keys, native sort, tie runs) against the rule applied pair by pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_RANK_GROUP, compareQuotes, rankOrder } from '../../src/engine/index.ts';
import type { Quote } from '../../src/quote.ts';
import { generateQuotes } from '../../bench/filter-rank.ts';
import { quoteArbitrary } from './arbitraries.ts';

/** Numbers the packed keys must survive: beyond their ranges, fractional, negative, not finite. */
const awkward = fc.oneof(
  fc.constantFrom(0, 0.5, 1, 2 ** 30 - 1, 2 ** 30, 2 ** 31 + 0.5, 2 ** 53, -1, Number.NaN, Infinity, -Infinity),
  fc.double({ min: -10, max: 1e10 }),
);

const awkwardQuote = fc
  .tuple(quoteArbitrary, fc.option(awkward), fc.option(awkward), fc.option(awkward), fc.option(awkward))
  .map(([quote, cost, latency, uptime, rating]) => ({
    ...quote,
    ...(cost !== null && { effectiveMicroUsdPerGpuHour: cost }),
    ...(latency !== null && { latencySec: latency }),
    ...(uptime !== null && { uptime }),
    ...(rating !== null && { rating }),
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
