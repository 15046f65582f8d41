import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addPrice, median, minimum } from '../src/lib/median.ts';
import type { PriceCounts } from '../src/lib/median.ts';

const of = (...prices: number[]) => prices.reduce<PriceCounts>((c, p) => addPrice(c, BigInt(p)), {});

test('median of odd and even counts (even: the two middle values averaged, rounded down)', () => {
  assert.equal(median(of()), 0n);
  assert.equal(median(of(5)), 5n);
  assert.equal(median(of(3, 1, 2)), 2n);
  assert.equal(median(of(1, 2)), 1n); // (1 + 2) / 2 rounded down
  assert.equal(median(of(2_100_000, 2_690_000)), 2_395_000n);
  assert.equal(median(of(7, 7, 7, 1)), 7n);
  assert.equal(median(of(1, 1, 9, 9)), 5n);
  assert.equal(median(of(10, 2, 30, 2, 2)), 2n);
});

test('the histogram keeps one entry per distinct price; the minimum is the lowest', () => {
  const counts = of(2_000_000, 2_000_000, 1_500_000);
  assert.deepEqual(counts, { '2000000': 2, '1500000': 1 });
  assert.equal(minimum(counts), 1_500_000n);
  assert.equal(minimum({}), 0n);
});

test('median equals the sorted-list median on random inputs', () => {
  let seed = 42;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
  for (let run = 0; run < 200; run++) {
    const prices = Array.from({ length: 1 + (next() % 40) }, () => next() % 10);
    const sorted = [...prices].sort((a, b) => a - b);
    const n = sorted.length;
    const expected = n % 2 ? sorted[n >> 1]! : Math.floor((sorted[(n >> 1) - 1]! + sorted[n >> 1]!) / 2);
    assert.equal(median(of(...prices)), BigInt(expected), prices.join(','));
  }
});
