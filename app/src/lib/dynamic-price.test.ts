import { describe, expect, test } from 'vitest';
import { dynamicPrice, dynamicPreview } from './dynamic-price.ts';

describe('dynamicPrice', () => {
  test('is the floor with nothing in use and floor x (1 + slope) when full', () => {
    expect(dynamicPrice(1_300_000n, 5_000, 0, 4)).toBe(1_300_000n);
    expect(dynamicPrice(1_300_000n, 5_000, 4, 4)).toBe(1_950_000n);
  });

  test('rounds the premium down, as EscrowMath does', () => {
    // 1_000_001 x 3_333 x 1 / (10_000 x 3) = 111_100.11... -> 111_100
    expect(dynamicPrice(1_000_001n, 3_333, 1, 3)).toBe(1_111_101n);
    expect(dynamicPrice(7n, 1, 1, 3)).toBe(7n);
  });

  test('caps at uint64', () => {
    expect(dynamicPrice(2n ** 63n, 20_000, 1, 1)).toBe(2n ** 64n - 1n);
  });
});

test('the preview prices 0/25/50/75/100 % utilization', () => {
  expect(dynamicPreview(2_000_000n, 2_500).map((p) => [p.percent, p.price])).toEqual([
    [0, 2_000_000n],
    [25, 2_125_000n],
    [50, 2_250_000n],
    [75, 2_375_000n],
    [100, 2_500_000n],
  ]);
});
