import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lambda } from '../../src/sources/lambda.ts';
import { SourceError } from '../../src/sources/source.ts';
import { serveJson } from '../helpers/server.ts';
import { testContext } from '../helpers/context.ts';

const fixture = JSON.parse(readFileSync(new URL('../../snapshots/lambda/instance-types.json', import.meta.url), 'utf8'));

async function quotesFor(body: unknown, status = 200) {
  const server = await serveJson(body, status);
  try {
    return await lambda.fetchQuotes(testContext(server.url));
  } finally {
    await server.close();
  }
}

test('cents per instance-hour become micro-USD per GPU-hour, one quote per region with capacity', async () => {
  const { quotes, rejected } = await quotesFor(fixture);
  const a100x8 = quotes.find((q) => q.offerId === 'gpu_8x_a100_80gb_sxm4@us-east-1');
  assert.ok(a100x8);
  assert.equal(a100x8.gpuModel, 'A100-80G');
  assert.equal(a100x8.unitGpus, 8);
  assert.equal(a100x8.effectiveMicroUsdPerGpuHour, 1_790_000); // 1432 cents / 100 / 8 GPUs
  assert.deepEqual(a100x8.region, { country: 'US', area: 'NA' });
  assert.deepEqual(a100x8.raw, { value: '1432', unit: 'cents/instance-hour', currency: 'USD' });
  const h100x8 = quotes.filter((q) => q.offerId.startsWith('gpu_8x_h100_sxm5@'));
  assert.deepEqual(h100x8.map((q) => q.region.country).sort(), ['DE', 'US']);
  assert.equal(h100x8[0]?.effectiveMicroUsdPerGpuHour, 2_990_000); // 2392 / 100 / 8
  assert.equal(rejected.length, 0);
});

test('a listed type with no region capacity is one sold-out quote; CPU-only types are skipped', async () => {
  const { quotes } = await quotesFor(fixture);
  const soldOut = quotes.find((q) => q.offerId === 'gpu_1x_h100_sxm5');
  assert.equal(soldOut?.availableGpus, 0);
  assert.equal(quotes.some((q) => q.offerId.startsWith('cpu_')), false);
});

test('a null or string price is read strictly: null is rejected, a numeric string is accepted', async () => {
  const body = structuredClone(fixture);
  body.data.gpu_1x_a100_sxm4.instance_type.price_cents_per_hour = null;
  body.data.gpu_1x_a10.instance_type.price_cents_per_hour = '129';
  const { quotes, rejected } = await quotesFor(body);
  assert.match(rejected.find((r) => r.offerId === 'gpu_1x_a100_sxm4')?.reason ?? '', /missing/);
  assert.equal(quotes.find((q) => q.offerId.startsWith('gpu_1x_a10@'))?.effectiveMicroUsdPerGpuHour, 1_290_000);
});

test('a response of the wrong shape fails the whole source with the offending path', async () => {
  await assert.rejects(quotesFor({ data: [] }), (error: Error) => error instanceof SourceError && /schema at data/.test(error.message));
  await assert.rejects(quotesFor('not json'), /malformed JSON/);
  await assert.rejects(quotesFor({ error: 'boom' }, 500), /HTTP 500/);
});
