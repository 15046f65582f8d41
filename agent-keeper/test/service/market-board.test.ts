import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marketBoard } from '../../src/service/market-board.ts';
import { ALL_SOURCES } from '../../src/sources/index.ts';
import type { ScanView } from '../../src/route-job.ts';
import { NOW, quote } from '../helpers/quotes.ts';

function view(mode: 'snapshot' | 'live', quotes = [quote()]): ScanView {
  return {
    result: {
      mode,
      now: NOW - 86_400,
      quotes,
      rejected: [],
      sources: [{ id: 'test', label: 'Test', url: 'https://provider.test', status: 'ok', quotes: quotes.length, rejected: 2, ms: 5 }],
    },
    scannedAt: NOW - 10,
    ageSeconds: 10,
  };
}

test('the market board lists every quote with its raw and normalized price and its age as of now', () => {
  const board = marketBoard(view('live'), ALL_SOURCES, NOW);
  assert.equal(board.providers, 'live');
  assert.equal(board.snapshotRecordedAt, undefined);
  assert.deepEqual(board.rows[0], {
    quote: 'test:offer-1',
    source: 'test',
    sourceLabel: 'test',
    provider: 'test',
    gpuModel: 'H100-80G',
    vendorGpuName: 'NVIDIA H100 80GB HBM3',
    pricingModel: 'fixed',
    microUsdPerGpuHour: 2_500_000,
    usdPerGpuHour: 2.5,
    raw: { value: '2.50', unit: 'USD/GPU-hour', currency: 'USD' },
    unitGpus: 1,
    availableGpus: 8,
    availability: 'known',
    vramGb: 80,
    country: 'US',
    area: 'NA',
    observedAt: NOW - 60,
    ageSeconds: 60,
  });
  assert.deepEqual(board.sources, [{ id: 'test', label: 'Test', status: 'ok', quotes: 1, rejected: 2 }]);
});

test('a source that publishes no capacity shows its availability as unknown, never as stock', () => {
  const board = marketBoard(view('snapshot', [quote({ source: 'aws-spot', availableGpus: 8 }), quote({ source: 'runpod', offerId: 'x', availableGpus: 3 })]), ALL_SOURCES, NOW);
  assert.deepEqual(board.rows.map((r) => [r.sourceLabel, r.availability, r.availableGpus]), [['AWS EC2 Spot', 'unknown', null], ['RunPod', 'known', 3]]);
  assert.equal(board.snapshotRecordedAt, NOW - 86_400, 'snapshot data says when it was recorded');
  for (const id of ['aws-spot', 'render', 'nosana']) assert.equal(ALL_SOURCES.find((s) => s.id === id)?.capacity, 'unreported', id);
});
