import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_MAX_QUOTE_AGE_SEC,
  DEFAULT_MAX_TOKEN_RATE_AGE_SEC,
  RoutingRequestError,
  parseRoutingRequest,
  routingRequest,
} from '../../src/engine/index.ts';
import type { RoutingRequestInput } from '../../src/engine/index.ts';

function problems(input: unknown): string[] {
  const parsed = parseRoutingRequest(input as RoutingRequestInput);
  assert.equal(parsed.ok, false, 'the request should be rejected');
  return parsed.ok ? [] : parsed.problems;
}

test('a minimal request gets the defaults: model memory as min VRAM, anywhere, 15 min quotes, 10 min rates', () => {
  assert.deepEqual(routingRequest({ gpuModel: 'H100-80G', gpuCount: 8, hours: 6 }), {
    gpuModel: 'H100-80G',
    gpuCount: 8,
    hours: 6,
    minVramGb: 80,
    regions: [],
    excludedPricingModels: [],
    maxQuoteAgeSec: DEFAULT_MAX_QUOTE_AGE_SEC,
    maxTokenRateAgeSec: DEFAULT_MAX_TOKEN_RATE_AGE_SEC,
  });
  assert.equal(DEFAULT_MAX_QUOTE_AGE_SEC, 900);
  assert.equal(DEFAULT_MAX_TOKEN_RATE_AGE_SEC, 600);
});

test('GPU aliases resolve to the canonical id', () => {
  for (const alias of ['H100 SXM', 'NVIDIA H100 80GB HBM3', 'h100/80Gi/SXM5', 'gpu_8x_h100_sxm5', 'H100']) {
    assert.equal(routingRequest({ gpuModel: alias, gpuCount: 1, hours: 1 }).gpuModel, 'H100-80G', alias);
  }
  assert.equal(routingRequest({ gpuModel: 'gpu_1x_a100_sxm4', gpuCount: 1, hours: 1 }).minVramGb, 40);
});

test('an unknown GPU model is an error naming the value and the known ids', () => {
  const [problem] = problems({ gpuModel: 'H999', gpuCount: 1, hours: 1 });
  assert.match(problem ?? '', /^gpuModel: unknown GPU model "H999" \(known: .*H100-80G.*\)$/);
  assert.match(problems({ gpuModel: 'H100 16GB', gpuCount: 1, hours: 1 })[0] ?? '', /"H100 16GB"/);
  assert.match(problems({ gpuModel: 42, gpuCount: 1, hours: 1 })[0] ?? '', /unknown GPU model 42/);
});

test('counts, hours, prices and age limits must be integers >= 1; every problem is reported at once', () => {
  assert.deepEqual(problems({ gpuModel: 'H100', gpuCount: 0, hours: 1.5, maxMicroUsdPerGpuHour: -1 }), [
    'gpuCount: must be an integer >= 1 (got 0)',
    'hours: must be an integer >= 1 (got 1.5)',
    'maxMicroUsdPerGpuHour: must be an integer >= 1 (got -1)',
  ]);
  assert.deepEqual(problems({ gpuModel: 'H100', gpuCount: '8', hours: 1, maxQuoteAgeSec: 0, maxTokenRateAgeSec: NaN }), [
    'gpuCount: must be an integer >= 1 (got "8")',
    'maxQuoteAgeSec: must be an integer >= 1 (got 0)',
    'maxTokenRateAgeSec: must be an integer >= 1 (got NaN)',
  ]);
  assert.deepEqual(problems({ gpuModel: 'H100', gpuCount: 1, hours: 1, minVramGb: 0 }), [
    'minVramGb: must be a positive number (got 0)',
  ]);
});

test('routingRequest throws one RoutingRequestError listing every problem', () => {
  assert.throws(
    () => routingRequest({ gpuModel: 'nope', gpuCount: -1, hours: 1 }),
    (error: unknown) =>
      error instanceof RoutingRequestError &&
      error.problems.length === 2 &&
      /^invalid routing request: gpuModel: unknown GPU model "nope".*; gpuCount: must be an integer >= 1 \(got -1\)$/.test(
        error.message,
      ),
  );
  assert.throws(() => routingRequest(undefined as unknown as RoutingRequestInput), RoutingRequestError);
});

test('regions: countries and areas, upper-cased, deduplicated, countries sorted then areas in area order', () => {
  const request = routingRequest({
    gpuModel: 'A100-80G',
    gpuCount: 1,
    hours: 1,
    regions: ['eu', 'US', 'de', 'NA', 'us', ' ca '],
  });
  assert.deepEqual(request.regions, ['CA', 'DE', 'US', 'NA', 'EU']);
  assert.deepEqual(problems({ gpuModel: 'H100', gpuCount: 1, hours: 1, regions: ['Europe', 'USA'] }), [
    'regions: "Europe" is neither an ISO 3166 country code nor an area (NA, SA, EU, APAC, MEA)',
    'regions: "USA" is neither an ISO 3166 country code nor an area (NA, SA, EU, APAC, MEA)',
  ]);
  assert.deepEqual(problems({ gpuModel: 'H100', gpuCount: 1, hours: 1, regions: 'EU' }), [
    'regions: must be a list of strings (got "EU")',
  ]);
});

test('"NA" and "SA" are the areas (North and South America), not Namibia or Saudi Arabia', () => {
  assert.deepEqual(routingRequest({ gpuModel: 'H100', gpuCount: 1, hours: 1, regions: ['SA', 'NA'] }).regions, ['NA', 'SA']);
});

test('excluded pricing models: known ones only, in the canonical order', () => {
  const request = routingRequest({ gpuModel: 'H100', gpuCount: 1, hours: 1, excludedPricingModels: ['token', 'Spot', 'spot'] });
  assert.deepEqual(request.excludedPricingModels, ['spot', 'token']);
  assert.deepEqual(problems({ gpuModel: 'H100', gpuCount: 1, hours: 1, excludedPricingModels: ['reserved'] }), [
    'excludedPricingModels: unknown pricing model "reserved" (known: fixed, spot, auction, token)',
  ]);
});

test('allowed providers: absent means any, a list is trimmed, deduplicated and sorted, an empty list allows none', () => {
  assert.equal('allowedProviders' in routingRequest({ gpuModel: 'H100', gpuCount: 1, hours: 1 }), false);
  const request = routingRequest({
    gpuModel: 'H100',
    gpuCount: 1,
    hours: 1,
    allowedProviders: ['vast', 'necto:7', ' akash', 'vast'],
  });
  assert.deepEqual(request.allowedProviders, ['akash', 'necto:7', 'vast']);
  assert.deepEqual(routingRequest({ gpuModel: 'H100', gpuCount: 1, hours: 1, allowedProviders: [] }).allowedProviders, []);
  assert.deepEqual(problems({ gpuModel: 'H100', gpuCount: 1, hours: 1, allowedProviders: [''] }), [
    'allowedProviders: a provider id is empty',
  ]);
});

test('normalizing is idempotent, so a decision record replays with its own request', () => {
  const once = routingRequest({
    gpuModel: 'NVIDIA H100 80GB HBM3',
    gpuCount: 2,
    hours: 3,
    maxMicroUsdPerGpuHour: 3_000_000,
    regions: ['eu', 'us'],
    excludedPricingModels: ['token', 'spot'],
    allowedProviders: ['vast', 'akash'],
    minVramGb: 80,
    maxQuoteAgeSec: 300,
    maxTokenRateAgeSec: 120,
  });
  assert.deepEqual(routingRequest(once), once);
  assert.deepEqual(JSON.parse(JSON.stringify(once)), once);
});
