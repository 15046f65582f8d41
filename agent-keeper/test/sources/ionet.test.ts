import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ionet } from '../../src/sources/ionet.ts';
import { SourceError } from '../../src/sources/source.ts';
import { serveJson } from '../helpers/server.ts';
import { NOW, testContext } from '../helpers/context.ts';

const snapshot = JSON.parse(
  readFileSync(new URL('../../snapshots/ionet/vmaas-hardware.json', import.meta.url), 'utf8'),
);
const routes = JSON.parse(readFileSync(new URL('../../snapshots/ionet/routes.json', import.meta.url), 'utf8'));

// The README's two configurations (shared/provider-formats/ionet-vmaas-hardware.json).
const h100x8 = {
  id: 7,
  deploy_id: 'h100-sxm-8x',
  name: 'H100 80GB HBM3',
  num_cards: 8,
  vram_per_card: 80,
  interconnect: 'sxm',
  nvlink: true,
  vcpu: 192,
  memory: 1536,
  storage: 16000,
  location: 'United States',
  sold_out: false,
  price: 15.92,
};
const rtx4090 = {
  id: 11,
  deploy_id: 'rtx4090-1x',
  name: 'GeForce RTX 4090',
  num_cards: 1,
  vram_per_card: 24,
  interconnect: 'pcie',
  nvlink: false,
  vcpu: 16,
  memory: 64,
  storage: 500,
  location: 'Germany',
  sold_out: true,
  price: 0.3,
};
const catalog = (...hardware: unknown[]) => ({ data: { hardware } });

async function quotesFor(body: unknown, status = 200) {
  const server = await serveJson(body, status);
  try {
    const result = await ionet.fetchQuotes(testContext(server.url));
    return { ...result, requests: server.requests };
  } finally {
    await server.close();
  }
}

test('price is USD/hour for the whole configuration: divided by num_cards; sold_out means 0 available', async () => {
  const { quotes, rejected, requests } = await quotesFor(catalog(h100x8, rtx4090));
  assert.equal(requests[0]?.url, '/v1/io-cloud/vmaas/hardware');
  assert.equal(rejected.length, 0);
  const [h100, rtx] = quotes;
  assert.equal(h100?.offerId, '7');
  assert.equal(h100?.gpuModel, 'H100-80G');
  assert.equal(h100?.unitGpus, 8);
  assert.equal(h100?.availableGpus, 8);
  assert.equal(h100?.effectiveMicroUsdPerGpuHour, 1_990_000); // 15.92 / 8 = 1.99
  assert.deepEqual(h100?.raw, { value: '15.92', unit: 'USD/config-hour', currency: 'USD' });
  assert.deepEqual(h100?.region, { country: 'US', area: 'NA' });
  assert.equal(h100?.pricingModel, 'fixed');
  assert.equal(h100?.provider, 'ionet');
  assert.equal(h100?.observedAt, NOW);
  assert.equal(rtx?.gpuModel, 'RTX4090-24G');
  assert.equal(rtx?.availableGpus, 0); // sold_out: listed, not rentable now
  assert.equal(rtx?.effectiveMicroUsdPerGpuHour, 300_000); // 0.30 / 1
  assert.deepEqual(rtx?.region, { country: 'DE', area: 'EU' });
});

test('terse SKUs are normalized: A100-SXM4-80GB, GeForce RTX 4090, RTXPRO6000, bare names with vram_per_card', async () => {
  const rows = [
    { ...h100x8, id: 1, name: 'A100-SXM4-80GB', vram_per_card: 80, price: 10.32 },
    { ...h100x8, id: 2, name: 'A100-PCIE-40GB', vram_per_card: 40, num_cards: 1, price: 0.99 },
    { ...h100x8, id: 3, name: 'RTXPRO6000', vram_per_card: 96, num_cards: 1, price: 1.49 },
    { ...h100x8, id: 4, name: 'A100', vram_per_card: 40, num_cards: 2, price: 2.2 },
    { ...h100x8, id: 5, name: 'L40S', vram_per_card: 48, num_cards: 2, price: 1.78 },
  ];
  const { quotes } = await quotesFor(catalog(...rows));
  assert.deepEqual(
    quotes.map((q) => [q.offerId, q.gpuModel, q.effectiveMicroUsdPerGpuHour]),
    [
      ['1', 'A100-80G', 1_290_000], // 10.32 / 8 = 1.29
      ['2', 'A100-40G', 990_000], // 0.99 / 1
      ['3', 'RTXPRO6000-96G', 1_490_000], // 1.49 / 1
      ['4', 'A100-40G', 1_100_000], // 2.20 / 2 = 1.10; vram_per_card 40 picks the 40 GB variant
      ['5', 'L40S-48G', 890_000], // 1.78 / 2 = 0.89
    ],
  );
});

test('unknown GPUs, null/zero/string prices and bad card counts are handled per row', async () => {
  const rows = [
    { ...h100x8, id: 21, name: 'Radeon Pro W7900', vram_per_card: 48 },
    { ...h100x8, id: 22, price: null },
    { ...h100x8, id: 23, price: 0 },
    { ...h100x8, id: 24, price: '7.96', num_cards: '4' },
    { ...h100x8, id: 25, num_cards: 0 },
    { ...h100x8, id: 26, num_cards: 2.5 },
    { ...h100x8, id: 27, price: 16000 }, // cents read as dollars: 16000 / 8 = $2000/GPU-h
    { ...h100x8, id: 28, name: 'H100', vram_per_card: 40 }, // no 40 GB H100 exists
  ];
  const { quotes, rejected } = await quotesFor(catalog(...rows));
  assert.deepEqual(
    quotes.map((q) => [q.offerId, q.unitGpus, q.effectiveMicroUsdPerGpuHour]),
    [['24', 4, 1_990_000]],
  ); // "7.96" / "4" = 1.99
  const reason = (id: string) => rejected.find((r) => r.offerId === id)?.reason ?? '';
  assert.match(reason('21'), /unknown GPU "Radeon Pro W7900"/);
  assert.match(reason('22'), /price is missing/);
  assert.match(reason('23'), /price is not positive/);
  assert.match(reason('25'), /num_cards is not positive/);
  assert.match(reason('26'), /num_cards is not a whole number/);
  assert.match(reason('27'), /absurd/);
  assert.match(reason('28'), /unknown GPU "H100" with 40 GB/);
});

test('the caas variant: available_replicas 0 is sold out; an unknown location leaves the region open', async () => {
  const rows = [
    { ...h100x8, id: 31, brand_name: 'NVIDIA', available_replicas: 0, sold_out: undefined },
    { ...h100x8, id: 32, brand_name: 'NVIDIA', available_replicas: 3, location: 'Atlantis' },
    { ...h100x8, id: 33, location: null },
  ];
  const { quotes } = await quotesFor(catalog(...rows));
  assert.equal(quotes.find((q) => q.offerId === '31')?.availableGpus, 0);
  assert.equal(quotes.find((q) => q.offerId === '32')?.availableGpus, 8);
  assert.deepEqual(quotes.find((q) => q.offerId === '32')?.region, {});
  assert.deepEqual(quotes.find((q) => q.offerId === '33')?.region, {});
});

test('an id listed in two locations keeps both offers apart', async () => {
  const { quotes } = await quotesFor(catalog(h100x8, { ...h100x8, location: 'Germany', price: 16.4 }));
  assert.deepEqual(
    quotes.map((q) => q.offerId),
    ['7@United States', '7@Germany'],
  );
  assert.equal(quotes[1]?.effectiveMicroUsdPerGpuHour, 2_050_000); // 16.40 / 8 = 2.05
});

test('the recorded snapshot', async () => {
  assert.deepEqual(routes, [{ method: 'GET', path: '/v1/io-cloud/vmaas/hardware', file: 'vmaas-hardware.json' }]);
  const { quotes, rejected } = await quotesFor(snapshot);
  assert.equal(rejected.length, 0);
  assert.equal(quotes.length, 11);
  const byId = new Map(quotes.map((q) => [q.offerId, q]));
  assert.equal(byId.get('21')?.gpuModel, 'H200-141G');
  assert.equal(byId.get('21')?.effectiveMicroUsdPerGpuHour, 2_790_000); // 22.32 / 8 = 2.79
  assert.deepEqual(byId.get('21')?.region, { country: 'FI', area: 'EU' });
  assert.equal(byId.get('14')?.effectiveMicroUsdPerGpuHour, 320_000); // 1.28 / 4 = 0.32
  assert.equal(byId.get('41')?.gpuModel, 'MI300X-192G');
  assert.equal(byId.get('41')?.availableGpus, 0); // sold out
  assert.deepEqual(byId.get('35')?.region, { country: 'JP', area: 'APAC' });
});

test('a response of the wrong shape, malformed JSON or HTTP 500 fails the whole source', async () => {
  await assert.rejects(
    quotesFor({ data: [] }),
    (e: Error) => e instanceof SourceError && /schema at data: .*expected object/.test(e.message),
  );
  await assert.rejects(
    quotesFor({ hardware: [h100x8] }),
    (e: Error) => e instanceof SourceError && /schema at data/.test(e.message),
  );
  await assert.rejects(quotesFor('{"data": {"hardware": ['), /malformed JSON/);
  await assert.rejects(quotesFor({ detail: 'Internal Server Error' }, 500), /HTTP 500/);
});
