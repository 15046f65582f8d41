import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vast } from '../../src/sources/vast.ts';
import { SourceError } from '../../src/sources/source.ts';
import { startSnapshotServer } from '../../src/snapshot/server.ts';
import { serveJson, startServer } from '../helpers/server.ts';
import { NOW, testContext } from '../helpers/context.ts';

const SNAPSHOTS = new URL('../../snapshots/', import.meta.url);

// The two offers of shared/provider-formats/vast-bundles.json (README section 4), trimmed.
const rtx3090 = {
  id: 5006600,
  ask_contract_id: 5006600,
  bundle_id: 309906696,
  machine_id: 2555,
  host_id: 1276,
  gpu_name: 'RTX 3090',
  num_gpus: 1,
  gpu_ram: 24576,
  gpu_total_ram: 24576,
  gpu_frac: 0.25,
  cpu_cores: 16,
  cpu_cores_effective: 4,
  cpu_ram: 128556,
  disk_space: 49.75,
  dph_base: 0.32,
  dph_total: 0.322777777777778,
  min_bid: 0.1438056,
  storage_cost: 0.1,
  dlperf: 27.588708,
  dlperf_per_dphtotal: 85.4727614457831,
  reliability: 0.9993718,
  reliability2: 0.9993718,
  verification: 'verified',
  verified: true,
  rentable: true,
  rented: false,
  is_bid: false,
  hosting_type: null,
  geolocation: 'Norway',
  inet_up: 727.5,
  inet_down: 807.6,
  cuda_max_good: 11.7,
  duration: 688168.01192641,
};
const h100x8 = {
  id: 101008,
  machine_id: 908,
  host_id: 4411,
  gpu_name: 'H100 SXM',
  num_gpus: 8,
  gpu_ram: 81920,
  gpu_total_ram: 655360,
  cpu_cores: 192,
  cpu_ram: 2064000,
  disk_space: 2000.0,
  dph_base: 15.9,
  dph_total: 16.0,
  min_bid: 9.6,
  dlperf: 750.2,
  dlperf_per_dphtotal: 46.9,
  reliability: 0.999,
  reliability2: 0.999,
  verification: 'verified',
  verified: true,
  rentable: true,
  rented: false,
  hosting_type: 1,
  geolocation: 'United States, US',
  cuda_max_good: 12.6,
  direct_port_count: 100,
};

function offer(overrides: Record<string, unknown>) {
  return { ...structuredClone(rtx3090), ...overrides };
}

async function quotesFor(body: unknown, status = 200) {
  const server = await serveJson(body, status);
  try {
    return await vast.fetchQuotes(testContext(server.url, { apiKey: 'vast-key' }));
  } finally {
    await server.close();
  }
}

test('dph_total / num_gpus is the on-demand price, min_bid / num_gpus the interruptible one', async () => {
  const { quotes, rejected } = await quotesFor({ offers: [rtx3090, h100x8] });
  assert.deepEqual(rejected, []);
  assert.deepEqual(
    quotes.map((q) => [q.offerId, q.pricingModel, q.effectiveMicroUsdPerGpuHour]),
    [
      ['5006600', 'fixed', 322_778], // 0.322777777777778 $/h / 1 GPU = 322,777.78 -> 322_778
      ['5006600:interruptible', 'spot', 143_806], // 0.1438056 / 1 = 143,805.6 -> 143_806
      ['101008', 'fixed', 2_000_000], // 16.0 $/h / 8 GPUs = 2.00
      ['101008:interruptible', 'spot', 1_200_000], // 9.6 / 8 = 1.20
    ],
  );
  const [small, , big] = quotes;
  assert.ok(small && big);
  // gpu_frac 0.25 is one whole GPU of a 4-GPU machine: the unit stays 1 GPU.
  assert.equal(small.unitGpus, 1);
  assert.equal(small.availableGpus, 1);
  assert.equal(small.gpuModel, 'RTX3090-24G'); // gpu_ram 24576 MB -> 24 GB
  assert.deepEqual(small.region, { country: 'NO', area: 'EU' }); // "Norway"
  assert.equal(small.uptime, 0.9993718); // reliability2
  assert.deepEqual(small.raw, { value: '0.322777777777778', unit: 'USD/offer-hour', currency: 'USD' });
  assert.equal(small.provider, 'vast');
  assert.equal(small.observedAt, NOW);
  assert.match(small.sourceUrl, /\/api\/v0\/bundles\/$/);
  assert.equal(big.gpuModel, 'H100-80G'); // "H100 SXM", gpu_ram 81920 MB -> 80 GB
  assert.equal(big.unitGpus, 8); // the whole offer
  assert.equal(big.availableGpus, 8);
  assert.deepEqual(big.region, { country: 'US', area: 'NA' }); // "United States, US": last two-letter token
  assert.deepEqual(big.raw, { value: '16', unit: 'USD/offer-hour', currency: 'USD' });
});

test('a fractional num_gpus stays a fractional unit priced per whole GPU; zero GPUs is rejected', async () => {
  const { quotes, rejected } = await quotesFor({
    offers: [offer({ id: 1, num_gpus: 0.5, dph_total: 0.2, min_bid: null }), offer({ id: 2, num_gpus: 0 })],
  });
  assert.deepEqual(
    quotes.map((q) => [q.offerId, q.unitGpus, q.effectiveMicroUsdPerGpuHour]),
    [['1', 0.5, 400_000]], // 0.2 $/h for half a GPU = 0.40 $/GPU-h
  );
  assert.deepEqual(
    rejected.map((r) => [r.offerId, r.reason]),
    [
      ['2', 'GPU count is not positive (0)'],
      ['2:interruptible', 'GPU count is not positive (0)'],
    ],
  );
});

test('prices: null dph_total rejects only on-demand, a string is read, absent min_bid means no spot quote', async () => {
  const { quotes, rejected } = await quotesFor({
    offers: [
      offer({ id: 10, dph_total: null, min_bid: 0.21 }),
      offer({ id: 11, dph_total: '0.45', min_bid: null }),
      offer({ id: 12, dph_total: 0.3, min_bid: 0 }),
      offer({ id: 13, dph_total: 'NaN' }),
      offer({ id: 14, num_gpus: 2, dph_total: 2400, min_bid: undefined }),
    ],
  });
  assert.deepEqual(
    quotes.map((q) => [q.offerId, q.effectiveMicroUsdPerGpuHour]),
    [
      ['10:interruptible', 210_000], // 0.21 / 1
      ['11', 450_000], // "0.45" / 1
      ['12', 300_000], // 0.3 / 1
      ['13:interruptible', 143_806], // min_bid kept from the README offer: 0.1438056 / 1
    ],
  );
  assert.deepEqual(
    rejected.map((r) => [r.offerId, r.reason]),
    [
      ['10', 'dph_total is missing'],
      ['12:interruptible', 'min_bid is not positive (0)'],
      ['13', 'dph_total is not a number ("NaN")'],
      ['14', 'price is absurd ($1200/GPU-h > $1000)'], // 2400 $/h / 2 GPUs
    ],
  );
});

test('gpu_ram (MB) picks the memory variant; odd names, unknown GPUs and broken offers are rejected alone', async () => {
  const { quotes, rejected } = await quotesFor({
    offers: [
      offer({ id: 20, gpu_name: 'A100 PCIE', gpu_ram: 40960, min_bid: null }), // 40960 / 1024 = 40 GB
      offer({ id: 21, gpu_name: 'A100 SXM4', gpu_ram: 81920, min_bid: null }), // 81920 / 1024 = 80 GB
      offer({ id: 22, gpu_name: 'L40S', gpu_ram: 46068, min_bid: null }), // 46068 / 1000 = 46.1 ~ 48 GB
      offer({ id: 23, gpu_name: 'H100 NVL', gpu_ram: 95830, min_bid: null }), // 95830 / 1024 = 93.6 ~ 94 GB
      offer({ id: 24, gpu_name: 'GTX 1080 Ti', gpu_ram: 11264 }),
      offer({ id: 25, gpu_name: undefined }),
      offer({ id: 26, gpu_name: 'RTX 4090', gpu_ram: 65536 }), // 64 GB is no RTX 4090
    ],
  });
  assert.deepEqual(
    quotes.map((q) => [q.offerId, q.gpuModel, q.vramGb]),
    [
      ['20', 'A100-40G', 40],
      ['21', 'A100-80G', 80],
      ['22', 'L40S-48G', 48],
      ['23', 'H100-94G', 94],
    ],
  );
  assert.deepEqual(
    rejected.map((r) => [r.offerId, r.reason]),
    [
      ['24', 'unknown GPU "GTX 1080 Ti"'],
      ['25', 'does not match its schema at gpu_name: Invalid input: expected string, received undefined'],
      ['26', 'unknown GPU "RTX 4090"'],
    ],
  );
});

test('geolocation to ISO country, reliability2 over reliability, a rented offer has no GPUs free', async () => {
  const { quotes } = await quotesFor({
    offers: [
      offer({ id: 30, geolocation: 'Czechia, CZ', min_bid: null }),
      offer({ id: 31, geolocation: 'Quebec, CA', min_bid: null }),
      offer({ id: 32, geolocation: 'Kazakhstan, KZ', min_bid: null }),
      offer({ id: 33, geolocation: null, min_bid: null }),
      offer({ id: 34, reliability2: undefined, reliability: 0.95, min_bid: null }),
      offer({ id: 35, reliability2: null, reliability: null, min_bid: null }),
      offer({ id: 36, rented: true, min_bid: null }),
    ],
  });
  const byId = new Map(quotes.map((q) => [q.offerId, q]));
  assert.deepEqual(byId.get('30')?.region, { country: 'CZ', area: 'EU' });
  assert.deepEqual(byId.get('31')?.region, { country: 'CA', area: 'NA' }); // a province, then Canada
  assert.deepEqual(byId.get('32')?.region, { country: 'KZ' }); // a country with no area in the table
  assert.deepEqual(byId.get('33')?.region, {});
  assert.equal(byId.get('34')?.uptime, 0.95);
  assert.equal(byId.get('35')?.uptime, undefined);
  assert.equal(byId.get('36')?.availableGpus, 0);
});

test('the request is a POST search for rentable, verified offers ordered by dph_total, with a Bearer key', async () => {
  const seen: { method: string; url: string; auth: unknown; body: string }[] = [];
  const server = await startServer((request, response) => {
    seen.push({
      method: request.method ?? '',
      url: request.url ?? '',
      auth: request.headers.authorization,
      body: request.body,
    });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ offers: [] }));
  });
  try {
    assert.deepEqual(await vast.fetchQuotes(testContext(server.url, { apiKey: 'vast-key' })), {
      quotes: [],
      rejected: [],
    });
  } finally {
    await server.close();
  }
  assert.equal(seen[0]?.method, 'POST');
  assert.equal(seen[0]?.url, '/api/v0/bundles/');
  assert.equal(seen[0]?.auth, 'Bearer vast-key');
  const query = JSON.parse(seen[0]?.body ?? '{}');
  assert.deepEqual(query.rentable, { eq: true });
  assert.deepEqual(query.verified, { eq: true });
  assert.deepEqual(query.order, [['dph_total', 'asc']]);
});

test('a wrong shape, malformed JSON and HTTP errors fail the whole source', async () => {
  await assert.rejects(
    quotesFor({ offers: {} }),
    (e: Error) => e instanceof SourceError && /schema at offers/.test(e.message),
  );
  await assert.rejects(quotesFor({ error: 'invalid_args', msg: 'offset not allowed' }), /schema at offers/);
  await assert.rejects(quotesFor('offers: []'), /malformed JSON/);
  await assert.rejects(quotesFor({ error: 'boom' }, 500), /HTTP 500/);
});

test('the snapshot answers through the snapshot server at POST /api/v0/bundles/', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'necto-vast-'));
  cpSync(new URL('snapshot.json', SNAPSHOTS), join(dir, 'snapshot.json'));
  cpSync(new URL('vast', SNAPSHOTS), join(dir, 'vast'), { recursive: true });
  const server = await startSnapshotServer({ dir });
  try {
    const { quotes, rejected } = await vast.fetchQuotes(testContext(`${server.url}/vast`, { apiKey: 'vast-key' }));
    const micro = Object.fromEntries(quotes.map((q) => [q.offerId, q.effectiveMicroUsdPerGpuHour]));
    assert.deepEqual(micro, {
      '21904118': 186_111, // RTX 3090: 0.1861111 / 1
      '21904118:interruptible': 93_400, // 0.0934 / 1
      '21931207': 312_778, // RTX 4090: 0.3127778 / 1
      '21931207:interruptible': 166_800, // 0.1668 / 1
      '21874455': 324_050, // 2x RTX 4090: 0.6481 / 2
      '21874455:interruptible': 180_050, // 0.3601 / 2
      '21952260': 533_800, // RTX 5090: 0.5338 / 1, no min_bid
      '21790012': 721_350, // 2x L40S: 1.4427 / 2
      '21790012:interruptible': 460_000, // 0.92 / 2
      '21712984': 994_100, // 4x A100 SXM4: 3.9764 / 4
      '21712984:interruptible': 600_000, // 2.4 / 4
      '21650733': 1_902_950, // 8x H100 SXM: 15.2236 / 8
      '21650733:interruptible': 1_200_000, // 9.6 / 8
      '21688102': 2_630_450, // 8x H200: 21.0436 / 8
      '21688102:interruptible': 1_600_000, // 12.8 / 8
      '21766540:interruptible': 1_050_000, // 2x H100 NVL: 2.1 / 2 (dph_total null)
    });
    assert.deepEqual(
      rejected.map((r) => [r.offerId, r.reason]),
      [
        ['21877340', 'unknown GPU "RTX 3060"'],
        ['21766540', 'dph_total is missing'],
      ],
    );
    const countries = new Set(quotes.map((q) => q.region.country));
    assert.deepEqual([...countries].sort(), ['CA', 'CZ', 'DE', 'HK', 'NO', 'SE', 'TW', 'US']);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
