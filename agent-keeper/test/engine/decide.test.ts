import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoutingRequestError, decide } from '../../src/engine/index.ts';
import type { RoutingRequestInput } from '../../src/engine/index.ts';
import type { Quote } from '../../src/quote.ts';
import { NOW, quote } from '../helpers/quotes.ts';

const JOB: RoutingRequestInput = {
  gpuModel: 'H100 SXM',
  gpuCount: 8,
  hours: 6,
  maxMicroUsdPerGpuHour: 3_000_000,
  regions: ['EU'],
  excludedPricingModels: ['spot'],
};

/** An H100 offer of an external network, paid through its gateway (provider = source). */
const offer = (source: string, offerId: string, fields: Partial<Quote>) =>
  quote({ source, offerId, provider: source, ...fields });

const market = [
  offer('lambda', 'gpu_8x_h100_sxm5@eu-central-1', {
    unitGpus: 8,
    availableGpus: 8,
    effectiveMicroUsdPerGpuHour: 2_990_000,
    region: { country: 'DE', area: 'EU' },
  }),
  offer('runpod', 'h100-secure', {
    effectiveMicroUsdPerGpuHour: 2_690_000,
    region: { country: 'NL', area: 'EU' },
    latencySec: 120,
  }),
  offer('runpod', 'h100-spot', {
    pricingModel: 'spot',
    effectiveMicroUsdPerGpuHour: 1_650_000,
    region: { country: 'NL', area: 'EU' },
  }),
  offer('vast', '4242', { effectiveMicroUsdPerGpuHour: 2_200_000, availableGpus: 4, region: { country: 'FR', area: 'EU' } }),
  offer('akash', 'h100-band', { pricingModel: 'auction', effectiveMicroUsdPerGpuHour: 2_580_000, region: {} }),
  offer('aws-spot', 'p5.48xlarge@us-east-1a', { unitGpus: 8, effectiveMicroUsdPerGpuHour: 2_500_000 }),
  offer('lambda', 'gpu_8x_a100_80gb_sxm4@us-east-1', {
    gpuModel: 'A100-80G',
    unitGpus: 8,
    effectiveMicroUsdPerGpuHour: 1_790_000,
  }),
  offer('necto', '7', { provider: 'necto:3', effectiveMicroUsdPerGpuHour: 3_200_000, region: { country: 'SE', area: 'EU' } }),
  offer('shadeform', 'h100x8', {
    unitGpus: 8,
    effectiveMicroUsdPerGpuHour: 2_690_000,
    region: { country: 'DE', area: 'EU' },
    observedAt: NOW - 3600,
  }),
  offer('ionet', 'h100', { availableGpus: 0, effectiveMicroUsdPerGpuHour: 2_100_000, region: { country: 'DE', area: 'EU' } }),
];

test('picks the cheapest quote meeting every constraint and says why each other one was left out', () => {
  const decision = decide(JOB, market, NOW);
  assert.equal(decision.request.gpuModel, 'H100-80G');
  assert.deepEqual(
    decision.ranking.map((q) => `${q.source}:${q.offerId}`),
    ['runpod:h100-secure', 'lambda:gpu_8x_h100_sxm5@eu-central-1'],
  );
  assert.equal(decision.chosen, decision.ranking[0]);
  assert.deepEqual(
    decision.excluded.map(({ quote: q, constraint, reason }) => [`${q.source}:${q.offerId}`, constraint, reason]),
    [
      ['lambda:gpu_8x_a100_80gb_sxm4@us-east-1', 'gpu-model', 'GPU model A100-80G, job needs H100-80G'],
      ['ionet:h100', 'availability', 'sold out'],
      ['vast:4242', 'gpu-count', 'offers 4 GPUs, job needs 8'],
      ['aws-spot:p5.48xlarge@us-east-1a', 'region', 'region US/NA not in EU'],
      ['akash:h100-band', 'region', 'region unknown, not in EU'],
      ['runpod:h100-spot', 'pricing-model', 'pricing model spot excluded'],
      ['necto:7', 'price', '$3.20/GPU-h above max $3.00'],
      ['shadeform:h100x8', 'quote-age', 'quote is 1 h old (limit 15 min)'],
    ],
  );
});

test('the same inputs give the same decision, whatever the order of the quotes', () => {
  const decision = decide(JOB, market, NOW);
  assert.deepEqual(decide(JOB, [...market].reverse(), NOW), decision);
  assert.deepEqual(decide(decision.request, market, NOW), decision, 'replayed from its own normalized request');
});

test('a decision is JSON-safe: a record of it parses back to the same decision', () => {
  const decision = decide(JOB, market, NOW);
  assert.deepEqual(JSON.parse(JSON.stringify(decision)), { ...decision, chosen: decision.chosen });
});

test('no eligible quote: nothing chosen, every quote excluded', () => {
  const decision = decide({ ...JOB, gpuModel: 'B200' }, market, NOW);
  assert.equal(decision.chosen, undefined);
  assert.deepEqual(decision.ranking, []);
  assert.equal(decision.excluded.length, market.length);
  const empty = decide(JOB, [], NOW);
  assert.deepEqual([empty.chosen, empty.ranking, empty.excluded], [undefined, [], []]);
});

test('the team allow-list and the clock are inputs like any other', () => {
  const allowed = decide({ ...JOB, allowedProviders: ['lambda'] }, market, NOW);
  assert.equal(allowed.chosen?.offerId, 'gpu_8x_h100_sxm5@eu-central-1');
  assert.equal(allowed.excluded.find((e) => e.quote.offerId === 'h100-secure')?.reason, 'provider runpod not in the allow-list');
  const later = decide(JOB, market, NOW + 900);
  assert.equal(later.chosen, undefined, 'fifteen minutes later every quote is stale');
});

test('inputs are never modified', () => {
  const input = structuredClone(market);
  const request = structuredClone(JOB);
  decide(request, input, NOW);
  assert.deepEqual(input, market);
  assert.deepEqual(request, JOB);
});

test('an invalid request or decision time throws before any quote is looked at', () => {
  assert.throws(() => decide({ ...JOB, gpuCount: 0 }, market, NOW), RoutingRequestError);
  assert.throws(() => decide(JOB, market, Number.NaN), /decision time must be unix seconds \(got NaN\)/);
});
