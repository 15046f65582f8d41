// Dollar figures of an answer against the tool results they should come from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dollarAmountsIn, dollarFigures, untracedFigures } from '../../src/agent/traceability.ts';

test('dollar figures: $-amounts, thousands separators, USD and dollars; GPU names are not figures', () => {
  assert.deepEqual(dollarFigures('8x H100 $2.69 or 2.99 $/GPU-h').map((f) => f.text), ['$2.69', '2.99 $']);
  const figures = dollarFigures('8x H100 at $2.69/GPU-h, $1,234.50 in total, US$3, 2.5 USD or 3 dollars; $ 0.3 less; A100 80GB');
  assert.deepEqual(
    figures.map((f) => [f.text, f.microUsd]),
    [
      ['$2.69', 2_690_000],
      ['$1,234.50', 1_234_500_000],
      ['US$3', 3_000_000],
      ['$ 0.3', 300_000],
      ['2.5 USD', 2_500_000],
      ['3 dollars', 3_000_000],
    ],
  );
});

test('amounts in a tool result: dollar keys, micro-USD keys and figures written in text', () => {
  const amounts = dollarAmountsIn({
    chosen: { usdPerGpuHour: 2.69, unitGpus: 8 },
    request: { maxMicroUsdPerGpuHour: 3_000_000, gpuCount: 8 },
    record: { chosen: { pricePerGpuHour: 2_100_000 } },
    exclusionSummary: ['1 failed price'],
    explanation: 'at $2.99/GPU-h: $0.30/GPU-h cheaper',
  });
  assert.deepEqual([...amounts].sort((a, b) => a - b), [300_000, 2_100_000, 2_690_000, 2_990_000, 3_000_000]);
});

test('a figure is traced when it equals a known amount, however it is written', () => {
  const results = [{ status: 'ok', chosen: { usdPerGpuHour: 2.5 }, chosenTotalUsd: 120 }];
  assert.deepEqual(untracedFigures('Chosen at $2.50/GPU-h ($120.00 in total), under your $3 limit.', ['under $3/h', ...results]), []);
  assert.deepEqual(untracedFigures('About $2.49/GPU-h, $2.49 again, or $119.52 total.', results), ['$2.49', '$119.52']);
  assert.deepEqual(untracedFigures('No prices here: 8 GPUs for 6 h.', []), []);
});
