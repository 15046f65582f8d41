// The verifier's chain checks against every state a routed or unroutable job can be in on-chain
// (Routed, Started, Expired, Refunded, Unroutable), with the message each gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalBytes } from '../../src/decision/canonical.ts';
import { buildRecord } from '../../src/decision/record.ts';
import { verifyDecision } from '../../src/decision/verify.ts';
import type { ChainJobView } from '../../src/decision/verify.ts';
import { decide } from '../../src/engine/index.ts';
import type { Quote } from '../../src/quote.ts';
import { quote } from '../helpers/quotes.ts';

const NOW = 1_795_176_000;
/** A stand-in root function: the verifier takes any. */
const computeRoot = async (bytes: Uint8Array) => `0x${createHash('sha256').update(bytes).digest('hex')}`;

async function recordOf(quotes: Quote[]) {
  const decision = decide({ gpuModel: 'H100-80G', gpuCount: 1, hours: 2, requireOnchainOffer: true }, quotes, NOW);
  const record = buildRecord({
    scan: { mode: 'snapshot', now: NOW, quotes, rejected: [], sources: [] },
    decision,
    createdAt: NOW,
    job: { chainId: 31337, contract: '0x00', jobId: '2', mode: 'Tracked', rerouteOptIn: false, excludedPricing: [] },
  });
  const bytes = canonicalBytes(record);
  return { bytes, root: await computeRoot(bytes) };
}

const routed = () => recordOf([quote({ source: 'necto', offerId: '11', effectiveMicroUsdPerGpuHour: 1_300_000, onchain: { offerId: 11 } })]);
const unroutable = () => recordOf([quote({ onchain: { unavailable: 'no gateway provider for test on-chain' } })]);

async function chainChoice(record: { bytes: Uint8Array; root: string }, job: Omit<ChainJobView, 'decisionRoot' | 'mode'>) {
  const report = await verifyDecision({ ...record, computeRoot, chainJob: { ...job, decisionRoot: record.root, mode: 'Tracked' } });
  return report.checks.find((c) => c.name === 'chain choice');
}

test('a routed record matches its job whatever became of it since: Routed, Started, Expired, Refunded', async () => {
  const record = await routed();
  assert.deepEqual(await chainChoice(record, { status: 'Routed', offerId: 11, pricePerGpuHour: 1_300_000 }), {
    name: 'chain choice',
    ok: true,
    detail: 'the chain routed to offer 11 at 1300000 micro-USD/GPU-h, as recorded',
  });
  for (const status of ['Started', 'Expired', 'Refunded']) {
    assert.deepEqual(await chainChoice(record, { status, offerId: 11, pricePerGpuHour: 1_300_000 }), {
      name: 'chain choice',
      ok: true,
      detail: `the chain routed to offer 11 at 1300000 micro-USD/GPU-h, as recorded (the job is ${status} now)`,
    });
  }
});

test('a routed record fails against another offer or price, and against a job never routed', async () => {
  const record = await routed();
  const other = await chainChoice(record, { status: 'Expired', offerId: 12, pricePerGpuHour: 1_300_000 });
  assert.equal(other?.ok, false);
  assert.equal(other?.detail, 'the chain routed to offer 12 at 1300000, the record chose offer 11 at 1300000');
  const never = await chainChoice(record, { status: 'Unroutable', offerId: 0, pricePerGpuHour: 0 });
  assert.equal(never?.ok, false);
  assert.equal(never?.detail, 'the record chose offer 11 at 1300000, but the job is Unroutable on-chain and was never routed');
});

test('a record that chose nothing matches an Unroutable job, or one refunded without a route', async () => {
  const record = await unroutable();
  for (const status of ['Unroutable', 'Refunded']) {
    const check = await chainChoice(record, { status, offerId: 0, pricePerGpuHour: 0 });
    assert.equal(check?.ok, true, status);
    assert.equal(check?.detail, 'no eligible offer, and the job is marked unroutable on-chain');
  }
  const expired = await chainChoice(record, { status: 'Expired', offerId: 11, pricePerGpuHour: 1_300_000 });
  assert.equal(expired?.ok, false);
  assert.equal(expired?.detail, 'the record chose nothing but the job is Expired on-chain (offer 11)');
});
