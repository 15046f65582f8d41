// Every conversion of the unit table, with values computed by hand in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_AKASH_BLOCK_TIME_SEC,
  MAX_USD_PER_GPU_HOUR,
  centsPerUnitHour,
  convertAmount,
  microDenomPerBlock,
  readAmount,
  tokenPerGpuHour,
  tokenPerSecond,
  usdPerGpuHour,
  usdPerUnitHour,
  withFee,
} from '../src/normalize.ts';

const micro = (microUsd: number) => ({ ok: true, microUsd });
const fails = (reason: string) => ({ ok: false, reason });

test('readAmount: numbers and decimal strings; null, blanks, hex, booleans, NaN and non-positive values are errors', () => {
  assert.deepEqual(readAmount(199, 'p'), { ok: true, value: 199 });
  assert.deepEqual(readAmount('12.5', 'p'), { ok: true, value: 12.5 });
  assert.deepEqual(readAmount(' 12 ', 'p'), { ok: true, value: 12 });
  assert.deepEqual(readAmount('3053.280000000000000000', 'p'), { ok: true, value: 3053.28 });
  assert.deepEqual(readAmount('1e-4', 'p'), { ok: true, value: 0.0001 });
  assert.deepEqual(readAmount(null, 'price'), fails('price is missing'));
  assert.deepEqual(readAmount(undefined, 'price'), fails('price is missing'));
  assert.deepEqual(readAmount('', 'price'), fails('price is not a number ("")'));
  assert.deepEqual(readAmount('  ', 'price'), fails('price is not a number ("  ")'));
  assert.deepEqual(readAmount('n/a', 'price'), fails('price is not a number ("n/a")'));
  assert.deepEqual(readAmount('0x10', 'price'), fails('price is not a number ("0x10")'));
  assert.deepEqual(readAmount('Infinity', 'price'), fails('price is not a number ("Infinity")'));
  assert.deepEqual(readAmount(true, 'price'), fails('price is not a number (true)'));
  assert.deepEqual(readAmount(Number.NaN, 'price'), fails('price is not a number (null)'));
  assert.deepEqual(readAmount(0, 'price'), fails('price is not positive (0)'));
  assert.deepEqual(readAmount('-3', 'price'), fails('price is not positive (-3)'));
});

test('usdPerGpuHour: rounds half up to whole micro-USD and rejects zero, negative, NaN and absurd prices', () => {
  assert.deepEqual(usdPerGpuHour(2.69), micro(2_690_000));
  assert.deepEqual(usdPerGpuHour(0.0000025), micro(3), 'a decimal half rounds up despite binary noise');
  assert.deepEqual(usdPerGpuHour(0.0000005), micro(1));
  assert.deepEqual(usdPerGpuHour(MAX_USD_PER_GPU_HOUR), micro(1_000_000_000));
  assert.deepEqual(usdPerGpuHour(0.0000004), fails('price rounds to zero ($4e-7/GPU-h)'));
  assert.deepEqual(usdPerGpuHour(1000.01), fails('price is absurd ($1000.01/GPU-h > $1000)'));
  assert.deepEqual(usdPerGpuHour(0), fails('price is not positive ($0/GPU-h)'));
  assert.deepEqual(usdPerGpuHour(-1), fails('price is not positive ($-1/GPU-h)'));
  assert.deepEqual(usdPerGpuHour(Number.NaN), fails('price is not a number'));
  assert.deepEqual(usdPerGpuHour(Number.POSITIVE_INFINITY, 'spot price'), fails('spot price is not a number'));
});

test('usdPerUnitHour: a whole-instance price divided by its GPUs (fractions allowed), never by zero', () => {
  assert.deepEqual(usdPerUnitHour(20, 8), micro(2_500_000)); // AWS p5.48xlarge $20.00/h / 8
  assert.deepEqual(usdPerUnitHour(0.1, 0.25), micro(400_000)); // a quarter GPU at $0.10/h
  assert.deepEqual(usdPerUnitHour(10, 0), fails('GPU count is not positive (0)'));
  assert.deepEqual(usdPerUnitHour(10, Number.NaN), fails('GPU count is not positive (NaN)'));
  assert.deepEqual(usdPerUnitHour(-10, 1), fails('price is not positive ($-10/GPU-h)'));
});

test('centsPerUnitHour: cents per instance (Lambda, Shadeform)', () => {
  assert.deepEqual(centsPerUnitHour(1432, 8), micro(1_790_000)); // $14.32 / 8
  assert.deepEqual(centsPerUnitHour(2392, 8), micro(2_990_000)); // $23.92 / 8
  assert.deepEqual(centsPerUnitHour(199, 1), micro(1_990_000));
  assert.deepEqual(centsPerUnitHour(4097, 8), micro(5_121_250)); // $40.97 / 8 = $5.12125
  assert.deepEqual(centsPerUnitHour(57, 1), micro(570_000));
  // Cents read as dollars would be 100x: the absurd-price guard catches it.
  assert.deepEqual(centsPerUnitHour(143_200, 1), fails('price is absurd ($1432/GPU-h > $1000)'));
});

test('microDenomPerBlock: Akash per-block bids, uakt x AKT price or uact as USD, 6.174 s blocks', () => {
  assert.equal(DEFAULT_AKASH_BLOCK_TIME_SEC, 6.174);
  // 3053.28 uakt/block x 3600/6.174 blocks/h = 1,780,338.19 uakt/h = 1.780338 AKT/h x $0.635 = $1.130515
  assert.deepEqual(microDenomPerBlock(3053.28, 6.174, 0.635, 1), micro(1_130_515));
  // 1938 uact/block x 583.09 blocks/h = 1,130,029.15 uact/h = 1.130029 ACT/h x $1 = $1.130029
  assert.deepEqual(microDenomPerBlock(1938, 6.174, 1, 1), micro(1_130_029));
  // A bid for an 8-GPU order is for the whole order: 24,426.24 uakt/block / 8 GPUs = the same $1.130515.
  assert.deepEqual(microDenomPerBlock(24_426.24, 6.174, 0.635, 8), micro(1_130_515));
  // The chain's 6.5 s target: 3053.28 x 3600/6.5 x 0.635 / 1e6 = $1.073815
  assert.deepEqual(microDenomPerBlock(3053.28, 6.5, 0.635, 1), micro(1_073_815));
  assert.deepEqual(microDenomPerBlock(3053.28, 0, 0.635, 1), fails('block time is not positive (0)'));
  assert.deepEqual(microDenomPerBlock(3053.28, 6.174, 0, 1), fails('token price is not positive (0)'));
  assert.deepEqual(microDenomPerBlock(3053.28, 6.174, Number.NaN, 1), fails('token price is not positive (NaN)'));
  assert.deepEqual(microDenomPerBlock(3053.28, 6.174, 0.635, 0), fails('GPU count is not positive (0)'));
  assert.deepEqual(microDenomPerBlock(-1, 6.174, 0.635, 1).ok, false);
});

test('withFee and tokenPerSecond: Nosana, host price plus the 10% network fee, or NOS per second', () => {
  // $0.218175/h host-side x 1.10 = $0.2399925/h, rounded half up
  assert.deepEqual(usdPerGpuHour(withFee(0.218175, 10)), micro(239_993));
  // The 8x H100 market: $18.20/h for the node x 1.10 / 8 = $2.5025
  assert.deepEqual(usdPerUnitHour(withFee(18.2, 10), 8), micro(2_502_500));
  assert.equal(withFee(2, 0), 2);
  // 0.0002156 NOS/s x 3600 = 0.77616 NOS/h x $0.30 = $0.232848
  assert.deepEqual(tokenPerSecond(0.0002156, 0.3, 1), micro(232_848));
  // 0.01914 NOS/s for the 8x H100 node: 68.904 NOS/h x $0.30 / 8 = $2.5839
  assert.deepEqual(tokenPerSecond(0.01914, 0.3, 8), micro(2_583_900));
  assert.deepEqual(tokenPerSecond(0.0002156, 0, 1), fails('token price is not positive (0)'));
});

test('tokenPerGpuHour: token amounts per GPU-hour (Necto Token offers)', () => {
  // 2.5 USDC per GPU-hour at $0.9998 = $2.4995
  assert.deepEqual(tokenPerGpuHour(2.5, 0.9998), micro(2_499_500));
  // 1 RENDER per GPU-hour at $3.12
  assert.deepEqual(tokenPerGpuHour(1, 3.12), micro(3_120_000));
  assert.deepEqual(tokenPerGpuHour(1, -3.12), fails('token price is not positive (-3.12)'));
  assert.deepEqual(tokenPerGpuHour(1000, 3.12), fails('price is absurd ($3120/GPU-h > $1000)'));
});

test('convertAmount: reads a raw field and converts it; the first problem is the reason', () => {
  assert.deepEqual(
    convertAmount('1432', 'price_cents_per_hour', (cents) => centsPerUnitHour(cents, 8)),
    { ok: true, microUsd: 1_790_000, amount: 1432 },
  );
  assert.deepEqual(
    convertAmount(null, 'price_cents_per_hour', (cents) => centsPerUnitHour(cents, 8)),
    fails('price_cents_per_hour is missing'),
  );
  assert.deepEqual(
    convertAmount(143_200, 'price_cents_per_hour', (cents) => centsPerUnitHour(cents, 1)),
    fails('price is absurd ($1432/GPU-h > $1000)'),
  );
});

