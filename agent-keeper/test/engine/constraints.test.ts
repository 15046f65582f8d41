import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CONSTRAINTS, constraintChecker, formatDuration, routingRequest } from '../../src/engine/index.ts';
import { formatPrice } from '../../src/normalize.ts';
import type { RoutingRequestInput, Violation } from '../../src/engine/index.ts';
import type { Quote } from '../../src/quote.ts';
import { NOW, quote } from '../helpers/quotes.ts';

const JOB: RoutingRequestInput = { gpuModel: 'H100-80G', gpuCount: 1, hours: 4 };

function violation(fields: Partial<Quote>, request: Partial<RoutingRequestInput> = {}): Violation | undefined {
  return constraintChecker(routingRequest({ ...JOB, ...request }), NOW)(quote(fields));
}

function assertFails(fields: Partial<Quote>, request: Partial<RoutingRequestInput>, expected: Violation) {
  assert.deepEqual(violation(fields, request), expected);
}

test('the base quote passes the base request', () => {
  assert.equal(violation({}), undefined);
});

test('the constraints are checked in their documented order', () => {
  assert.deepEqual(CONSTRAINTS, [
    'gpu-model',
    'vram',
    'whole-gpus',
    'availability',
    'gpu-count',
    'instance-size',
    'region',
    'pricing-model',
    'provider',
    'price',
    'quote-age',
    'token-rate',
    'onchain-offer',
    'track-record',
  ]);
});

test('onchain-offer: when routing an on-chain job, a quote needs an on-chain carrier', () => {
  assert.equal(violation({}, {}), undefined, 'not required outside on-chain routing');
  assertFails({}, { requireOnchainOffer: true }, { constraint: 'onchain-offer', reason: 'no on-chain offer can carry it' });
  assertFails(
    { onchain: { unavailable: 'no gateway provider for shadeform on-chain' } },
    { requireOnchainOffer: true },
    { constraint: 'onchain-offer', reason: 'no gateway provider for shadeform on-chain' },
  );
  assert.equal(violation({ onchain: { offerId: 9 } }, { requireOnchainOffer: true }), undefined);
});

describe('each constraint, with the reason it gives', () => {
  test('gpu-model: the canonical model must match (aliases resolved in the request)', () => {
    assertFails({ gpuModel: 'A100-80G' }, {}, { constraint: 'gpu-model', reason: 'GPU model A100-80G, job needs H100-80G' });
    assert.equal(violation({}, { gpuModel: 'NVIDIA H100 80GB HBM3' }), undefined);
  });

  test('vram: memory per GPU at least the minimum (default: the model memory)', () => {
    assertFails({ vramGb: 40 }, {}, { constraint: 'vram', reason: 'VRAM 40 GB < 80 GB' });
    assertFails({}, { minVramGb: 94 }, { constraint: 'vram', reason: 'VRAM 80 GB < 94 GB' });
    assert.equal(violation({ vramGb: 80 }, { minVramGb: 80 }), undefined);
  });

  test('whole-gpus: a fractional share never serves', () => {
    assertFails({ unitGpus: 0.25 }, {}, { constraint: 'whole-gpus', reason: 'fractional GPU share (0.25)' });
    assertFails({ unitGpus: 0 }, {}, { constraint: 'whole-gpus', reason: "no GPUs in the offer's unit (0)" });
  });

  test('availability: zero GPUs free is sold out', () => {
    assertFails({ availableGpus: 0 }, {}, { constraint: 'availability', reason: 'sold out' });
    assertFails(
      { availableGpus: Number.NaN },
      {},
      { constraint: 'availability', reason: 'availability is not a GPU count (NaN)' },
    );
  });

  test('gpu-count: enough GPUs free for the job', () => {
    assertFails({ availableGpus: 4 }, { gpuCount: 8 }, { constraint: 'gpu-count', reason: 'offers 4 GPUs, job needs 8' });
    assertFails({ availableGpus: 1 }, { gpuCount: 2 }, { constraint: 'gpu-count', reason: 'offers 1 GPU, job needs 2' });
    assert.equal(violation({ availableGpus: 8 }, { gpuCount: 8 }), undefined);
  });

  test('instance-size: per-GPU offers, or an instance of exactly the job size', () => {
    assertFails(
      { unitGpus: 8, availableGpus: 8 },
      { gpuCount: 2 },
      { constraint: 'instance-size', reason: 'instance has 8 GPUs, job needs 2 (whole instances only)' },
    );
    assertFails(
      { unitGpus: 8, availableGpus: 16 },
      { gpuCount: 16 },
      { constraint: 'instance-size', reason: 'instance has 8 GPUs, job needs 16 (whole instances only)' },
    );
    assert.equal(violation({ unitGpus: 8, availableGpus: 8 }, { gpuCount: 8 }), undefined);
    assert.equal(violation({ unitGpus: 1, availableGpus: 8 }, { gpuCount: 8 }), undefined);
  });

  test('region: the country or the area must be allowed; an unknown region matches no allow-list', () => {
    const german = { region: { country: 'DE', area: 'EU' as const } };
    assertFails(german, { regions: ['US', 'NA'] }, { constraint: 'region', reason: 'region DE/EU not in US, NA' });
    assert.equal(violation(german, { regions: ['EU'] }), undefined);
    assert.equal(violation(german, { regions: ['DE'] }), undefined);
    assert.equal(violation(german, { regions: [] }), undefined);
    assertFails({ region: {} }, { regions: ['EU'] }, { constraint: 'region', reason: 'region unknown, not in EU' });
    assert.equal(violation({ region: {} }), undefined, 'no allow-list: anywhere, even unknown');
    assertFails({ region: { area: 'EU' } }, { regions: ['DE'] }, { constraint: 'region', reason: 'region EU not in DE' });
  });

  test('pricing-model: an excluded model excludes the quote', () => {
    assertFails(
      { pricingModel: 'spot' },
      { excludedPricingModels: ['spot', 'token'] },
      {
        constraint: 'pricing-model',
        reason: 'pricing model spot excluded',
      },
    );
    assert.equal(violation({ pricingModel: 'fixed' }, { excludedPricingModels: ['spot'] }), undefined);
  });

  test('provider: the team allow-list (absent: any; empty: none)', () => {
    assertFails(
      { provider: 'vast' },
      { allowedProviders: ['akash', 'necto:3'] },
      {
        constraint: 'provider',
        reason: 'provider vast not in the allow-list',
      },
    );
    assertFails(
      { provider: 'vast' },
      { allowedProviders: [] },
      { constraint: 'provider', reason: 'provider vast not in the allow-list' },
    );
    assert.equal(violation({ provider: 'necto:3' }, { allowedProviders: ['akash', 'necto:3'] }), undefined);
  });

  test('price: at most the maximum (equal passes), and always a positive integer', () => {
    assertFails(
      { effectiveMicroUsdPerGpuHour: 3_100_000 },
      { maxMicroUsdPerGpuHour: 3_000_000 },
      {
        constraint: 'price',
        reason: '$3.10/GPU-h above max $3.00',
      },
    );
    assertFails(
      { effectiveMicroUsdPerGpuHour: 3_000_001 },
      { maxMicroUsdPerGpuHour: 3_000_000 },
      {
        constraint: 'price',
        reason: '$3.000001/GPU-h above max $3.00',
      },
    );
    assert.equal(violation({ effectiveMicroUsdPerGpuHour: 3_000_000 }, { maxMicroUsdPerGpuHour: 3_000_000 }), undefined);
    for (const bad of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assertFails(
        { effectiveMicroUsdPerGpuHour: bad },
        {},
        {
          constraint: 'price',
          reason: `price is not a positive integer micro-USD (${bad})`,
        },
      );
    }
  });

  test('quote-age: no older than the limit, and not dated in the future beyond a minute of clock skew', () => {
    assertFails({ observedAt: NOW - 1200 }, {}, { constraint: 'quote-age', reason: 'quote is 20 min old (limit 15 min)' });
    assertFails({ observedAt: NOW - 901 }, {}, { constraint: 'quote-age', reason: 'quote is 15 min 1 s old (limit 15 min)' });
    assert.equal(violation({ observedAt: NOW - 900 }), undefined);
    assertFails(
      { observedAt: NOW - 400 },
      { maxQuoteAgeSec: 300 },
      {
        constraint: 'quote-age',
        reason: 'quote is 6 min 40 s old (limit 5 min)',
      },
    );
    assert.equal(violation({ observedAt: NOW + 60 }), undefined);
    assertFails(
      { observedAt: NOW + 300 },
      {},
      { constraint: 'quote-age', reason: 'quote is dated 5 min after the decision time' },
    );
    assertFails(
      { observedAt: NOW * 1000 },
      {},
      {
        constraint: 'quote-age',
        reason: `quote is dated ${formatDuration(NOW * 999)} after the decision time`,
      },
    );
    assertFails({ observedAt: Number.NaN }, {}, { constraint: 'quote-age', reason: 'quote has no valid time (NaN)' });
  });

  test('token-rate: the rate a quote was converted at is fresh, and token-priced quotes have one', () => {
    const rate = (ageSec: number) => ({ tokenId: 'akash-network', usd: 0.635, updatedAt: NOW - ageSec });
    assertFails(
      { pricingModel: 'token', tokenRate: rate(720) },
      {},
      {
        constraint: 'token-rate',
        reason: 'token rate for akash-network is 12 min old (limit 10 min)',
      },
    );
    assert.equal(violation({ pricingModel: 'token', tokenRate: rate(600) }), undefined);
    assertFails(
      { pricingModel: 'auction', tokenRate: rate(120) },
      { maxTokenRateAgeSec: 60 },
      {
        constraint: 'token-rate',
        reason: 'token rate for akash-network is 2 min old (limit 1 min)',
      },
    );
    assertFails(
      { pricingModel: 'token' },
      {},
      { constraint: 'token-rate', reason: 'token-priced quote has no recorded token rate' },
    );
    assert.equal(violation({ pricingModel: 'fixed' }), undefined, 'a USD price needs no rate');
  });
});

test('a quote failing several constraints reports the first in order', () => {
  const everythingWrong = {
    gpuModel: 'A100-40G',
    vramGb: 40,
    availableGpus: 0,
    region: { country: 'JP', area: 'APAC' as const },
    pricingModel: 'spot' as const,
    observedAt: NOW - 10_000,
  };
  const request = { regions: ['EU'], excludedPricingModels: ['spot'] };
  assert.equal(violation(everythingWrong, request)?.constraint, 'gpu-model');
  assert.equal(violation({ ...everythingWrong, gpuModel: 'H100-80G' }, request)?.constraint, 'vram');
  assert.equal(violation({ ...everythingWrong, gpuModel: 'H100-80G', vramGb: 80 }, request)?.constraint, 'availability');
  assert.equal(
    violation({ ...everythingWrong, gpuModel: 'H100-80G', vramGb: 80, availableGpus: 8 }, request)?.constraint,
    'region',
  );
  assert.equal(
    violation({ ...everythingWrong, gpuModel: 'H100-80G', vramGb: 80, availableGpus: 8, region: { area: 'EU' } }, request)
      ?.constraint,
    'pricing-model',
  );
});

test('a fractional share is reported as such, not as a wrong instance size', () => {
  assert.equal(violation({ unitGpus: 0.5, availableGpus: 1 }, { gpuCount: 1 })?.reason, 'fractional GPU share (0.5)');
});

test('formatPrice is exact to the micro-dollar; formatDuration rounds up to whole seconds', () => {
  assert.equal(formatPrice(3_000_000), '$3.00');
  assert.equal(formatPrice(3_100_000), '$3.10');
  assert.equal(formatPrice(3_105_000), '$3.105');
  assert.equal(formatPrice(1_130_515), '$1.130515');
  assert.equal(formatDuration(0), '0 s');
  assert.equal(formatDuration(45), '45 s');
  assert.equal(formatDuration(900), '15 min');
  assert.equal(formatDuration(900.2), '15 min 1 s');
  assert.equal(formatDuration(7500), '2 h 5 min');
  assert.equal(formatDuration(3601), '1 h 1 s');
});
