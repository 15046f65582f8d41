import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OnchainJob } from '../../src/chain/jobs.ts';
import type { OnchainOffer } from '../../src/chain/offers.ts';
import { operatorQueue } from '../../src/gateways/operator-queue.ts';

const NOW = 1_800_000_000;

function job(jobId: number, fields: Partial<OnchainJob>): OnchainJob {
  return {
    jobId: BigInt(jobId), status: 'Routed', mode: 'Tracked', controller: '0x0000000000000000000000000000000000000001', teamId: 0, rerouteOptIn: false,
    gpuModel: 'H100-80G', gpuCount: 8, minVramGb: 80, hoursRequested: 2, excludedPricing: [], reviewSeconds: 300, maxPricePerGpuHour: 3_000_000,
    offerId: 1, pricePerGpuHour: 2_000_000, feeBps: 0, routedAt: NOW - 600, reviewEndsAt: NOW - 300, startDeadline: NOW + 6900, startedAt: 0,
    completionDeadline: 0, usedSeconds: 0, decisionRoot: '0x00', ...fields,
  };
}

function offer(offerId: number, providerId: number, gateway: boolean): OnchainOffer {
  return { offerId, providerId, gpuModel: 'H100-80G', gpuCount: 8, gpusInUse: 8, vramGb: 80, pricing: 'Fixed', state: 'Available', gateway, availableFrom: 0, availableUntil: 0, price: 4_000_000n, demandSlopeBps: 0, tokenAmount: 0n, tokenId: '' };
}

const offers = [offer(1, 1, true), offer(2, 2, true), offer(3, 3, false)];
const gateways = [{ providerId: 1, sourceTag: 'runpod' }];

test('the operator queue lists what each gateway job needs, soonest deadline first, and nothing else', () => {
  const tasks = operatorQueue(
    [
      job(1, {}), // review over: start it
      job(2, { reviewEndsAt: NOW + 120, startDeadline: NOW + 7320 }), // still in review
      job(3, { status: 'Started', startedAt: NOW - 1000, completionDeadline: NOW + 90_000 }), // running
      job(4, { status: 'Started', startedAt: NOW - 20_000, completionDeadline: NOW + 60_000 }), // ran past its booked 2 h
      job(5, { startDeadline: NOW - 1 }), // missed its start: only expiry is left
      job(6, { offerId: 2 }), // another operator's gateway
      job(7, { offerId: 3 }), // a Necto seller's offer
      job(8, { status: 'Requested', offerId: 0 }),
      job(9, { status: 'Completed' }),
    ],
    offers,
    gateways,
    NOW,
  );
  assert.deepEqual(
    tasks.map((t) => [Number(t.jobId), t.action, t.until - NOW, t.maxUsedSeconds]),
    [
      [2, 'review', 120, undefined],
      [1, 'start', 6900, undefined],
      [4, 'complete', 60_000, 7200],
      [3, 'complete', 90_000, 1000],
    ],
  );
  assert.equal(tasks[0]?.network, 'runpod');
  assert.equal(tasks[0]?.gpus, '8 x H100-80G for 2 h');
});
