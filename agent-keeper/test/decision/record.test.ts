// The decision record: what it keeps, and what an Untracked one must never keep.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from '../../src/decision/canonical.ts';
import { DecisionRecordSchema, buildRecord } from '../../src/decision/record.ts';
import type { RecordedJob } from '../../src/decision/record.ts';
import { decide } from '../../src/engine/index.ts';
import type { ScanResult } from '../../src/scan.ts';
import { quote } from '../helpers/quotes.ts';

const BUYER = '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955';
const TEAM_ID = 4242;
const NOW = 1_795_176_000;

function recordFor(job: RecordedJob) {
  const quotes = [
    quote({ source: 'necto', offerId: '9', provider: 'necto:9', effectiveMicroUsdPerGpuHour: 2_100_000, onchain: { offerId: 9 } }),
    quote({ source: 'lambda', offerId: 'gpu_8x', effectiveMicroUsdPerGpuHour: 2_990_000, onchain: { offerId: 7 } }),
    quote({ source: 'shadeform', offerId: 'x', effectiveMicroUsdPerGpuHour: 1_000_000, onchain: { unavailable: 'no gateway provider for shadeform on-chain' } }),
  ];
  const scan: ScanResult = { mode: 'snapshot', now: NOW, quotes, rejected: [], sources: [] };
  const decision = decide({ gpuModel: 'H100-80G', gpuCount: 1, hours: 2, requireOnchainOffer: true }, quotes, NOW);
  return buildRecord({ scan, decision, createdAt: NOW + 5, job });
}

const job = (mode: 'Tracked' | 'Untracked'): RecordedJob => ({
  chainId: 31337,
  contract: '0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0',
  jobId: '7',
  mode,
  buyer: BUYER.toLowerCase(),
  teamId: TEAM_ID,
  rerouteOptIn: false,
  excludedPricing: [],
});

test('an Untracked record names neither the buyer nor the team, anywhere', () => {
  const text = canonicalJson(recordFor(job('Untracked'))).toLowerCase();
  assert.equal(text.includes(BUYER.slice(2).toLowerCase()), false);
  assert.equal(text.includes(String(TEAM_ID)), false);
  assert.equal(/"buyer"|"teamid"/.test(text), false);
});

test('a Tracked record keeps the buyer and the team', () => {
  const record = recordFor(job('Tracked'));
  assert.equal(record.job?.buyer, BUYER.toLowerCase());
  assert.equal(record.job?.teamId, TEAM_ID);
});

test('the record holds the choice, the ranking, every exclusion with its reason and the schema', () => {
  const record = recordFor(job('Tracked'));
  assert.equal(record.schema, 'necto.decision/v1');
  assert.deepEqual(record.chosen, {
    quote: 'necto:9',
    source: 'necto',
    offerId: '9',
    provider: 'necto:9',
    onchainOfferId: 9,
    pricePerGpuHour: 2_100_000,
  });
  assert.deepEqual(record.ranking, ['necto:9', 'lambda:gpu_8x']);
  assert.deepEqual(record.excluded, [
    { quote: 'shadeform:x', constraint: 'onchain-offer', reason: 'no gateway provider for shadeform on-chain' },
  ]);
  assert.equal(record.quotes.length, 3);
  assert.equal(record.decidedAt, NOW);
  assert.ok(DecisionRecordSchema.safeParse(JSON.parse(canonicalJson(record))).success);
});

test('no eligible offer is recorded with the reasons', () => {
  const scan: ScanResult = { mode: 'live', now: NOW, quotes: [quote({ gpuModel: 'A100-80G' })], rejected: [], sources: [] };
  const decision = decide({ gpuModel: 'H100-80G', gpuCount: 1, hours: 1 }, scan.quotes, NOW);
  const record = buildRecord({ scan, decision, createdAt: NOW });
  assert.equal(record.chosen, null);
  assert.equal(record.noEligibleOffer, 'no eligible offer: 1 failed gpu-model');
  assert.equal(record.job, undefined);
});

test('a reroute keeps the previous root', () => {
  const scan: ScanResult = { mode: 'live', now: NOW, quotes: [], rejected: [], sources: [] };
  const decision = decide({ gpuModel: 'H100-80G', gpuCount: 1, hours: 1 }, [], NOW);
  const previousRoot = `0x${'ab'.repeat(32)}`;
  assert.equal(buildRecord({ scan, decision, createdAt: NOW, previousRoot }).previousRoot, previousRoot);
});
