import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareQuotes, rankOrder, rankQuotes } from '../../src/engine/index.ts';
import type { Quote } from '../../src/quote.ts';
import { quote, quotes } from '../helpers/quotes.ts';

const ids = (ranked: Quote[]) => ranked.map((q) => `${q.source}:${q.offerId}`);

/** Ranks the quotes in every rotation of the input: the result must not depend on input order. */
function ranked(input: Quote[]): string[] {
  const results = input.map((_, shift) => ids(rankQuotes([...input.slice(shift), ...input.slice(0, shift)])));
  for (const result of results) assert.deepEqual(result, results[0]);
  assert.deepEqual(ids([...input].sort(compareQuotes)), results[0], 'rankQuotes agrees with compareQuotes');
  return results[0] ?? [];
}

test('cheapest effective price first', () => {
  const input = quotes(
    { effectiveMicroUsdPerGpuHour: 2_000_000 },
    { effectiveMicroUsdPerGpuHour: 1_999_999 },
    { effectiveMicroUsdPerGpuHour: 3_000_000 },
  );
  assert.deepEqual(ranked(input), ['test:offer-2', 'test:offer-1', 'test:offer-3']);
});

test('equal price: lower latency first, a missing latency last', () => {
  const input = quotes({ latencySec: 600 }, {}, { latencySec: 30 }, { latencySec: 0 });
  assert.deepEqual(ranked(input), ['test:offer-4', 'test:offer-3', 'test:offer-1', 'test:offer-2']);
});

test('equal price and latency: higher uptime first, a missing uptime last', () => {
  const input = quotes({ uptime: 0.95 }, {}, { uptime: 0.999 }, { uptime: 0 });
  assert.deepEqual(ranked(input), ['test:offer-3', 'test:offer-1', 'test:offer-4', 'test:offer-2']);
});

test('equal price, latency and uptime: higher rating first, a missing rating last', () => {
  const input = quotes({ rating: 4.5 }, {}, { rating: 5 }, { rating: 0 });
  assert.deepEqual(ranked(input), ['test:offer-3', 'test:offer-1', 'test:offer-4', 'test:offer-2']);
});

test('the tie-breakers apply in order: a better latency beats a better uptime and rating', () => {
  const input = quotes({ latencySec: 60, uptime: 1, rating: 5 }, { latencySec: 30, uptime: 0.5, rating: 1 });
  assert.deepEqual(ranked(input), ['test:offer-2', 'test:offer-1']);
  const cheaper = quotes({ effectiveMicroUsdPerGpuHour: 2_400_000 }, { latencySec: 1, uptime: 1, rating: 5 });
  assert.deepEqual(ranked(cheaper), ['test:offer-1', 'test:offer-2']);
});

test('a full tie is broken by quoteKey, in UTF-16 code units (not locale order)', () => {
  const input = [
    quote({ source: 'vast', offerId: 'b' }),
    quote({ source: 'vast', offerId: 'B' }),
    quote({ source: 'akash', offerId: 'z' }),
    quote({ source: 'vast', offerId: 'a10' }),
    quote({ source: 'vast', offerId: 'a9' }),
    quote({ source: 'vast', offerId: 'é' }),
  ];
  assert.deepEqual(ranked(input), ['akash:z', 'vast:B', 'vast:a10', 'vast:a9', 'vast:b', 'vast:é']);
});

test('ids compare as whole "source:offerId" keys, even when one source is a prefix of another', () => {
  // "aws-spot:1" < "aws:1" because "-" (45) < ":" (58); "a:b:1" < "a:c" because "b" < "c".
  const input = [
    quote({ source: 'aws', offerId: '1' }),
    quote({ source: 'aws-spot', offerId: '1' }),
    quote({ source: 'a', offerId: 'c' }),
    quote({ source: 'a:b', offerId: '1' }),
  ];
  assert.deepEqual(ranked(input), ['a:b:1', 'a:c', 'aws-spot:1', 'aws:1']);
});

test('quotes sharing an id are ordered by their content, so even duplicates rank the same way every time', () => {
  const input = [
    quote({ raw: { value: 'b', unit: 'x', currency: 'USD' } }),
    quote({ raw: { value: 'a', unit: 'x', currency: 'USD' } }),
  ];
  const first = rankQuotes(input);
  assert.deepEqual(rankQuotes([...input].reverse()), first);
  assert.equal(first[0]?.raw.value, 'a');
});

test('non-numeric keys rank as missing, never as NaN comparisons', () => {
  const input = quotes(
    { latencySec: Number.NaN },
    { latencySec: 10 },
    { uptime: Number.NaN, latencySec: 10 },
    { uptime: 0.5, latencySec: 10 },
  );
  assert.deepEqual(ranked(input), ['test:offer-4', 'test:offer-2', 'test:offer-3', 'test:offer-1']);
});

test('prices beyond the packed range and fractional prices still rank exactly', () => {
  const input = quotes(
    { effectiveMicroUsdPerGpuHour: 2 ** 31 },
    { effectiveMicroUsdPerGpuHour: 2 ** 30 + 1 },
    { effectiveMicroUsdPerGpuHour: 2 ** 30 - 1 },
    { effectiveMicroUsdPerGpuHour: 1.7 },
    { effectiveMicroUsdPerGpuHour: 1.2 },
    { effectiveMicroUsdPerGpuHour: -3 },
    { effectiveMicroUsdPerGpuHour: Number.NaN },
  );
  assert.deepEqual(ranked(input), [
    'test:offer-6',
    'test:offer-5',
    'test:offer-4',
    'test:offer-3',
    'test:offer-2',
    'test:offer-1',
    'test:offer-7',
  ]);
});

test('latencies beyond the packed range still rank exactly', () => {
  const input = quotes(
    { latencySec: 10 ** 9 },
    { latencySec: 10 ** 9 - 1 },
    { latencySec: 0.5 },
    { latencySec: 0.25 },
    { latencySec: -1 },
  );
  assert.deepEqual(ranked(input), ['test:offer-5', 'test:offer-4', 'test:offer-3', 'test:offer-2', 'test:offer-1']);
});

test('rankOrder sorts by group first, then by rank within each group', () => {
  const input = quotes(
    { effectiveMicroUsdPerGpuHour: 1_000_000 },
    { effectiveMicroUsdPerGpuHour: 3_000_000 },
    { effectiveMicroUsdPerGpuHour: 2_000_000 },
  );
  assert.deepEqual(Array.from(rankOrder(input, Uint8Array.from([2, 0, 0]))), [2, 1, 0]);
  assert.deepEqual(Array.from(rankOrder(input)), [0, 2, 1]);
  assert.deepEqual(Array.from(rankOrder([])), []);
  assert.throws(() => rankOrder(input, new Uint8Array(2)), RangeError);
  assert.throws(() => rankOrder(input, Uint8Array.from([0, 16, 0])), RangeError);
});
