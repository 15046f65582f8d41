// A decision that ranked Necto sellers by their track records replays identically from its record:
// the record carries each seller's figures and reliability, and the engine derives the ranking and
// the probation exclusions from the figures again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalBytes } from '../../src/decision/canonical.ts';
import { ENGINE_VERSION, buildRecord } from '../../src/decision/record.ts';
import type { DecisionRecord } from '../../src/decision/record.ts';
import { verifyDecision } from '../../src/decision/verify.ts';
import { NO_HISTORY, decide, withTrackRecords } from '../../src/engine/index.ts';
import type { Quote } from '../../src/quote.ts';
import { NOW, quote } from '../helpers/quotes.ts';

const computeRoot = async (bytes: Uint8Array) => `0x${createHash('sha256').update(bytes).digest('hex')}`;

const seller = (offerId: number, providerId: number, price: number) =>
  quote({ source: 'necto', offerId: String(offerId), provider: `necto:${providerId}`, effectiveMicroUsdPerGpuHour: price, onchain: { offerId } });

const QUOTES: Quote[] = withTrackRecords(
  [
    seller(11, 7, 1_400_000), // new: ranks at 2,100,000
    seller(12, 8, 1_000_000), // on probation with a routing awaiting start
    seller(13, 9, 1_900_000), // 20 completed: ranks at 1,986,363.6...
    quote({ source: 'runpod', offerId: 'h100', provider: 'runpod', effectiveMicroUsdPerGpuHour: 2_000_000, onchain: { offerId: 3 } }),
  ],
  new Map([
    [8, { ...NO_HISTORY, routed: 1, openRoutings: 1 }],
    [9, { ...NO_HISTORY, routed: 21, startedOnTime: 21, completed: 20, running: 1 }],
  ]),
);

function recordOf(quotes: Quote[]): DecisionRecord {
  const decision = decide({ gpuModel: 'H100-80G', gpuCount: 1, hours: 2, requireOnchainOffer: true }, quotes, NOW);
  return buildRecord({ scan: { mode: 'snapshot', now: NOW, quotes, rejected: [], sources: [] }, decision, createdAt: NOW });
}

async function verify(record: DecisionRecord) {
  const bytes = canonicalBytes(record);
  return verifyDecision({ root: await computeRoot(bytes), bytes, computeRoot });
}

test('a decision with track records replays to the same choice, ranking and exclusions', async () => {
  const record = recordOf(QUOTES);
  assert.equal(record.engineVersion, 'necto-engine/2');
  assert.deepEqual(record.ranking, ['necto:13', 'runpod:h100', 'necto:11']);
  assert.deepEqual(record.chosen, { quote: 'necto:13', source: 'necto', offerId: '13', provider: 'necto:9', onchainOfferId: 13, pricePerGpuHour: 1_900_000 });
  assert.deepEqual(record.excluded, [
    { quote: 'necto:12', constraint: 'track-record', reason: 'necto:8 is on probation: 1 routing awaiting start, 0 of 3 completed' },
  ]);
  // The record shows the figures the ranking used, and the reliability they give.
  assert.deepEqual(record.quotes.find((q) => q.offerId === '13')?.trackRecord, {
    routed: 21, startedOnTime: 21, completed: 20, missed: 0, expired: 0, openRoutings: 0, running: 1, reliability: 22 / 23,
  });
  assert.equal(record.quotes.find((q) => q.source === 'runpod')?.trackRecord, undefined);

  const report = await verify(record);
  assert.deepEqual(report.checks.map((c) => [c.name, c.ok]), [['root', true], ['format', true], ['replay', true]]);
  assert.equal(report.checks[2]?.detail, 'replaying 4 quotes gives the same choice, ranking (3) and exclusions (1)');
});

test('a record whose figures were edited after the decision fails the replay', async () => {
  const forged = structuredClone(recordOf(QUOTES));
  const chosen = forged.quotes.find((q) => q.offerId === '13') as Quote;
  chosen.trackRecord = { ...chosen.trackRecord!, missed: 5 };
  const replay = (await verify(forged)).checks.find((c) => c.name === 'replay');
  assert.equal(replay?.ok, false);
  assert.equal(replay?.detail, 'replay chooses runpod:h100, the record necto:13');
});

test('a record of the engine before track records is not replayed by this one', async () => {
  const old = { ...recordOf(QUOTES), engineVersion: 'necto-engine/1' };
  const replay = (await verify(old)).checks.find((c) => c.name === 'replay');
  assert.deepEqual(replay, { name: 'replay', ok: false, detail: `recorded by necto-engine/1; this verifier replays ${ENGINE_VERSION}` });
});
