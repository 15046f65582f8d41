// The keeper's mirror of the contract's route checks: which on-chain offer carries each quote of a
// job, or the reason none can (the window with review and start windows, the USD ceiling of Token
// and gateway offers, exact Necto Fixed and Dynamic prices).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCarriers } from '../../src/chain/carriers.ts';
import type { RouteView } from '../../src/chain/carriers.ts';
import type { OnchainJob, OnchainOffer } from '../../src/chain/market.ts';
import type { OnchainCarrier, Quote } from '../../src/quote.ts';
import { quote } from '../helpers/quotes.ts';

const NOW = 1_795_176_000; // 2026-11-20T12:00:00Z
const START_WINDOW = 7200;

/** 4x A100 for 6 hours in North America, a 10-minute review window. */
const JOB: OnchainJob = {
  jobId: 2n,
  status: 'Requested',
  mode: 'Untracked',
  controller: '0x8C3229EC621644789d7F61FAa82c6d0E5F97d43D',
  teamId: 0,
  rerouteOptIn: false,
  gpuModel: 'A100-80G',
  gpuCount: 4,
  minVramGb: 80,
  hoursRequested: 6,
  area: 'NA',
  excludedPricing: [],
  reviewSeconds: 600,
  maxPricePerGpuHour: 2_000_000,
  offerId: 0,
  pricePerGpuHour: 0,
  feeBps: 0,
  routedAt: 0,
  reviewEndsAt: 0,
  startDeadline: 0,
  startedAt: 0,
  completionDeadline: 0,
  usedSeconds: 0,
  decisionRoot: `0x${'00'.repeat(32)}`,
};

/** The latest end the contract allows for JOB routed at NOW: review + start window + 6 h. */
const LATEST_END = NOW + 600 + START_WINDOW + 6 * 3600;

function offer(fields: Partial<OnchainOffer>): OnchainOffer {
  return {
    offerId: 1,
    providerId: 1,
    gpuModel: 'A100-80G',
    gpuCount: 8,
    gpusInUse: 0,
    vramGb: 80,
    country: 'US',
    area: 'NA',
    pricing: 'Fixed',
    state: 'Available',
    gateway: false,
    availableFrom: 0,
    availableUntil: 0,
    price: 1_500_000n,
    demandSlopeBps: 0,
    tokenAmount: 0n,
    tokenId: '',
    ...fields,
  };
}

/** A Necto seller's quote for on-chain offer `offerId`. */
const nectoQuote = (offerId: number, fields: Partial<Quote> = {}) =>
  quote({ source: 'necto', offerId: String(offerId), provider: `necto:${offerId}`, gpuModel: 'A100-80G', ...fields });

/** io.net is gateway provider 2 in these tests. */
const PROVIDERS = [{ providerId: 1 }, { providerId: 2, sourceTag: 'ionet' }];

function carrier(q: Quote, offers: OnchainOffer[], job: OnchainJob = JOB): OnchainCarrier | undefined {
  const view: RouteView = { offers, providers: PROVIDERS, now: NOW, startWindow: START_WINDOW };
  return withCarriers([q], job, view)[0]?.onchain;
}

test('window: the offer must hold the review window, the start window and the booked hours from now', () => {
  const q = nectoQuote(1, { effectiveMicroUsdPerGpuHour: 1_500_000 });
  assert.deepEqual(carrier(q, [offer({ availableUntil: 0 })]), { offerId: 1 }, 'no end: always fits');
  assert.deepEqual(carrier(q, [offer({ availableUntil: LATEST_END })]), { offerId: 1 }, 'ends exactly at the latest end');
  // The hours alone, or the hours and the review window, would fit: the contract still refuses.
  assert.deepEqual(carrier(q, [offer({ availableUntil: LATEST_END - 1 })]), {
    unavailable:
      'on-chain offer 1: offer is available until 2026-11-20T20:09:59Z, but the job may run until ' +
      '2026-11-20T20:10:00Z (review 600 s + start window 7200 s + 6 h from 2026-11-20T12:00:00Z)',
  });
  assert.deepEqual(carrier(q, [offer({ availableUntil: NOW + 6 * 3600 + 600 })]), {
    unavailable:
      'on-chain offer 1: offer is available until 2026-11-20T18:10:00Z, but the job may run until ' +
      '2026-11-20T20:10:00Z (review 600 s + start window 7200 s + 6 h from 2026-11-20T12:00:00Z)',
  });
});

test('window: without a review window, the start window and the hours still count', () => {
  const job = { ...JOB, reviewSeconds: 0 };
  const q = nectoQuote(1, { effectiveMicroUsdPerGpuHour: 1_500_000 });
  assert.deepEqual(carrier(q, [offer({ availableUntil: LATEST_END - 600 })], job), { offerId: 1 });
  assert.match(
    (carrier(q, [offer({ availableUntil: LATEST_END - 601 })], job) as { unavailable: string }).unavailable,
    /review 0 s \+ start window 7200 s \+ 6 h/,
  );
});

test('window: an offer that opens later is not routable now', () => {
  const q = nectoQuote(1, { effectiveMicroUsdPerGpuHour: 1_500_000 });
  assert.deepEqual(carrier(q, [offer({ availableFrom: NOW })]), { offerId: 1 });
  assert.deepEqual(carrier(q, [offer({ availableFrom: NOW + 1 })]), {
    unavailable: 'on-chain offer 1: offer is available from 2026-11-20T12:00:01Z',
  });
});

test('gateway ceiling: a quote above the gateway offer\'s USD ceiling is unavailable, naming both prices', () => {
  const gatewayOffer = offer({ offerId: 2, providerId: 2, gateway: true, pricing: 'Token', price: 1_800_000n });
  const ionet = (price: number) =>
    quote({ source: 'ionet', offerId: 'a100-sxm', provider: 'ionet', gpuModel: 'A100-80G', pricingModel: 'token', effectiveMicroUsdPerGpuHour: price });
  assert.deepEqual(carrier(ionet(1_800_000), [gatewayOffer]), { offerId: 2 }, 'at the ceiling');
  assert.deepEqual(carrier(ionet(1_800_001), [gatewayOffer]), {
    unavailable:
      'gateway ionet (provider 2) has no on-chain offer for this job: ' +
      'offer 2: quote $1.800001/GPU-h is above the offer\'s USD ceiling $1.80/GPU-h',
  });
});

test('gateway ceiling applies to every pricing model, Fixed included', () => {
  const fixed = offer({ offerId: 5, providerId: 2, gateway: true, pricing: 'Fixed', price: 1_000_000n });
  const q = quote({ source: 'ionet', offerId: 'x', provider: 'ionet', gpuModel: 'A100-80G', effectiveMicroUsdPerGpuHour: 1_200_000 });
  assert.match((carrier(q, [fixed]) as { unavailable: string }).unavailable, /quote \$1\.20\/GPU-h is above the offer's USD ceiling \$1\.00\/GPU-h/);
});

test('gateway: the first offer passing every check, the ceiling included, carries the quote', () => {
  const offers = [
    offer({ offerId: 3, providerId: 2, gateway: true, pricing: 'Token', price: 1_000_000n }),
    offer({ offerId: 4, providerId: 2, gateway: true, pricing: 'Token', price: 2_000_000n, gpuCount: 2 }),
    offer({ offerId: 5, providerId: 2, gateway: true, pricing: 'Token', price: 2_000_000n }),
    offer({ offerId: 6, providerId: 2, gateway: true, pricing: 'Token', price: 3_000_000n }),
  ];
  const q = quote({ source: 'ionet', offerId: 'x', provider: 'ionet', gpuModel: 'A100-80G', pricingModel: 'token', effectiveMicroUsdPerGpuHour: 1_500_000 });
  assert.deepEqual(carrier(q, offers), { offerId: 5 });
  const none = carrier({ ...q, effectiveMicroUsdPerGpuHour: 3_500_000 }, offers) as { unavailable: string };
  assert.equal(
    none.unavailable,
    'gateway ionet (provider 2) has no on-chain offer for this job: ' +
      "offer 3: quote $3.50/GPU-h is above the offer's USD ceiling $1.00/GPU-h; " +
      'offer 4: 2 GPUs free, job needs 4; ' +
      "offer 5: quote $3.50/GPU-h is above the offer's USD ceiling $2.00/GPU-h; " +
      "offer 6: quote $3.50/GPU-h is above the offer's USD ceiling $3.00/GPU-h",
  );
});

test('Necto Token ceiling: a seller\'s Token offer carries a quote up to its USD ceiling, not above', () => {
  const token = offer({ offerId: 13, pricing: 'Token', price: 1_500_000n, tokenAmount: 150_000n, tokenId: 'render-token' });
  const q = (price: number) => nectoQuote(13, { pricingModel: 'token', effectiveMicroUsdPerGpuHour: price });
  assert.deepEqual(carrier(q(1_500_000), [token]), { offerId: 13 });
  assert.deepEqual(carrier(q(1_650_000), [token]), {
    unavailable: "on-chain offer 13: quote $1.65/GPU-h is above the offer's USD ceiling $1.50/GPU-h",
  });
});

test('Necto Fixed and Dynamic offers are routed at their own on-chain price: no ceiling applies', () => {
  // A Dynamic offer's current price is above its floor (the `price` field) once GPUs are in use.
  const dynamic = offer({ offerId: 11, pricing: 'Dynamic', price: 1_300_000n, demandSlopeBps: 5_000, gpuCount: 8, gpusInUse: 4 });
  assert.deepEqual(carrier(nectoQuote(11, { effectiveMicroUsdPerGpuHour: 1_625_000 }), [dynamic]), { offerId: 11 });
  const fixed = offer({ offerId: 10, pricing: 'Fixed', price: 1_450_000n });
  assert.deepEqual(carrier(nectoQuote(10, { effectiveMicroUsdPerGpuHour: 1_450_000 }), [fixed]), { offerId: 10 });
});

test('the other route checks keep their reasons', () => {
  const q = nectoQuote(1, { effectiveMicroUsdPerGpuHour: 1_500_000 });
  const reason = (fields: Partial<OnchainOffer>, job: OnchainJob = JOB) =>
    (carrier(q, [offer(fields)], job) as { unavailable?: string }).unavailable;
  assert.equal(reason({ state: 'Reserved' }), 'on-chain offer 1: offer is Reserved');
  assert.equal(reason({ gpuModel: 'H100-80G' }), 'on-chain offer 1: offer is H100-80G, job needs A100-80G');
  assert.equal(reason({ gpusInUse: 5 }), 'on-chain offer 1: 3 GPUs free, job needs 4');
  assert.equal(reason({ vramGb: 40 }), 'on-chain offer 1: VRAM 40 GB < 80 GB');
  assert.equal(reason({ country: 'DE', area: 'EU' }), "on-chain offer 1: offer region DE/EU outside the job's NA");
  assert.equal(reason({}, { ...JOB, excludedPricing: ['Fixed'] }), 'on-chain offer 1: Fixed pricing excluded by the job');
  assert.deepEqual(carrier(nectoQuote(7), [offer({})]), { unavailable: 'Necto offer 7 is not on-chain' });
  assert.deepEqual(carrier(quote({ source: 'akash' }), [offer({})]), { unavailable: 'no gateway provider for akash on-chain' });
  assert.deepEqual(carrier(quote({ source: 'ionet', gpuModel: 'A100-80G' }), [offer({})]), {
    unavailable: 'gateway ionet (provider 2) has no on-chain offer for this job: it lists no offer',
  });
});
