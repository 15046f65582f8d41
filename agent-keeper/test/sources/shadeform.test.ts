import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shadeform } from '../../src/sources/shadeform.ts';
import { SourceError } from '../../src/sources/source.ts';
import { startSnapshotServer } from '../../src/snapshot/server.ts';
import { serveJson, startServer } from '../helpers/server.ts';
import { NOW, testContext } from '../helpers/context.ts';

const SNAPSHOTS = new URL('../../snapshots/', import.meta.url);

// The two records of shared/provider-formats/shadeform-instance-types.json (README section 10).
const a6000 = {
  cloud: 'massedcompute',
  shade_instance_type: 'A6000',
  cloud_instance_type: 'gpu_1x_a6000',
  configuration: {
    memory_in_gb: 48,
    storage_in_gb: 256,
    vcpus: 6,
    num_gpus: 1,
    gpu_type: 'A6000',
    interconnect: 'pcie',
    nvlink: false,
    os_options: ['ubuntu22.04_cuda12.6_shade_os'],
    vram_per_gpu_in_gb: 48,
    gpu_manufacturer: 'nvidia',
  },
  memory_in_gb: 48,
  storage_in_gb: 256,
  vcpus: 6,
  num_gpus: 1,
  gpu_type: 'A6000',
  interconnect: 'pcie',
  nvlink: false,
  hourly_price: 57,
  availability: [{ region: 'kansascity-usa-1', available: true, display_name: 'US, Kansas City, KS' }],
  boot_time: { min_boot_in_sec: 300, max_boot_in_sec: 600 },
  deployment_type: 'vm',
};
const p4de = {
  cloud: 'aws',
  shade_instance_type: 'A100_80Gx8',
  cloud_instance_type: 'p4de.24xlarge',
  configuration: {
    memory_in_gb: 1152,
    storage_in_gb: 8000,
    vcpus: 96,
    num_gpus: 8,
    gpu_type: 'A100_80G',
    interconnect: 'sxm4',
    nvlink: true,
    os_options: ['ubuntu22.04_cuda12.2_shade_os'],
    vram_per_gpu_in_gb: 80,
    gpu_manufacturer: 'nvidia',
  },
  hourly_price: 4097,
  availability: [{ region: 'us-east-1', available: false, display_name: 'US, Virginia' }],
  boot_time: { min_boot_in_sec: 600, max_boot_in_sec: 1200 },
  deployment_type: 'vm',
};

function instance(overrides: Record<string, unknown>) {
  return { ...structuredClone(a6000), ...overrides };
}

async function quotesFor(body: unknown, status = 200) {
  const server = await serveJson(body, status);
  try {
    return await shadeform.fetchQuotes(testContext(server.url, { apiKey: 'sf-key' }));
  } finally {
    await server.close();
  }
}

test('cents per instance-hour / 100 / num_gpus, one quote per region, unavailable regions sold out', async () => {
  const { quotes, rejected } = await quotesFor({ instance_types: [a6000, p4de] });
  assert.deepEqual(rejected, []);
  const [single, eight] = quotes;
  assert.ok(single && eight);
  assert.equal(single.offerId, 'massedcompute:A6000@kansascity-usa-1');
  assert.equal(single.effectiveMicroUsdPerGpuHour, 570_000); // 57 cents / 100 / 1 GPU = $0.57
  assert.equal(single.gpuModel, 'RTXA6000-48G'); // "A6000", vram_per_gpu_in_gb 48
  assert.equal(single.vramGb, 48);
  assert.equal(single.unitGpus, 1);
  assert.equal(single.availableGpus, 1);
  assert.deepEqual(single.region, { country: 'US', area: 'NA' }); // "US, Kansas City, KS"
  assert.deepEqual(single.raw, { value: '57', unit: 'cents/instance-hour', currency: 'USD' });
  assert.equal(single.pricingModel, 'fixed');
  assert.equal(single.provider, 'shadeform');
  assert.equal(single.latencySec, 600); // max_boot_in_sec
  assert.equal(single.observedAt, NOW);
  assert.match(single.sourceUrl, /\/v1\/instances\/types$/);
  assert.match(single.note ?? '', /massedcompute \(gpu_1x_a6000\)/);
  assert.equal(eight.offerId, 'aws:A100_80Gx8@us-east-1');
  assert.equal(eight.effectiveMicroUsdPerGpuHour, 5_121_250); // 4097 cents / 100 / 8 GPUs = $5.12125
  assert.equal(eight.gpuModel, 'A100-80G');
  assert.equal(eight.unitGpus, 8);
  assert.equal(eight.availableGpus, 0); // available: false
  assert.deepEqual(eight.region, { country: 'US', area: 'NA' });
  assert.equal(quotes.length, 2);
});

test('regions: the display name leads with the country, so a US state code is not read as a country', async () => {
  const { quotes } = await quotesFor({
    instance_types: [
      instance({
        availability: [
          { region: 'us-west-1', available: true, display_name: 'US, San Jose, CA' },
          { region: 'us-south-1', available: true, display_name: 'US, Atlanta, GA' },
          { region: 'CANADA-1', available: true, display_name: 'Canada, Montreal' },
          { region: 'FIN-01', available: true, display_name: 'FI, Helsinki' },
          { region: 'eu-central-1', available: true },
          { region: 'kansascity-usa-1', available: true },
          { region: 'mystery-9', available: true },
        ],
      }),
    ],
  });
  assert.deepEqual(
    quotes.map((q) => [q.offerId.split('@')[1], q.region]),
    [
      ['us-west-1', { country: 'US', area: 'NA' }],
      ['us-south-1', { country: 'US', area: 'NA' }], // not Georgia, not Canada
      ['CANADA-1', { country: 'CA', area: 'NA' }],
      ['FIN-01', { country: 'FI', area: 'EU' }],
      ['eu-central-1', { country: 'DE', area: 'EU' }], // no display name: the cloud region code
      ['kansascity-usa-1', { country: 'US', area: 'NA' }], // Shadeform's own code
      ['mystery-9', {}],
    ],
  );
});

test('no availability entries is one sold-out quote; string, null, zero prices and bad GPU counts per type', async () => {
  const { quotes, rejected } = await quotesFor({
    instance_types: [
      instance({ shade_instance_type: 'A6000-empty', availability: [] }),
      instance({ shade_instance_type: 'A6000-string', hourly_price: '250' }),
      instance({ shade_instance_type: 'A6000-null', hourly_price: null }),
      instance({ shade_instance_type: 'A6000-zero', hourly_price: 0 }),
      instance({ shade_instance_type: 'A6000-nogpu', configuration: { ...a6000.configuration, num_gpus: 0 } }),
      instance({ shade_instance_type: 'RTX8000', configuration: { ...a6000.configuration, gpu_type: 'RTX8000' } }),
      instance({ shade_instance_type: 'A6000-noconf', configuration: undefined }),
    ],
  });
  assert.deepEqual(
    quotes.map((q) => [q.offerId, q.availableGpus, q.effectiveMicroUsdPerGpuHour]),
    [
      ['massedcompute:A6000-empty', 0, 570_000], // 57 / 100 / 1, sold out everywhere
      ['massedcompute:A6000-string@kansascity-usa-1', 1, 2_500_000], // "250" cents / 100 / 1 = $2.50
    ],
  );
  assert.deepEqual(quotes[0]?.region, {});
  assert.deepEqual(
    rejected.map((r) => [r.offerId, r.reason]),
    [
      ['massedcompute:A6000-null', 'hourly_price is missing'],
      ['massedcompute:A6000-zero', 'hourly_price is not positive (0)'],
      ['massedcompute:A6000-nogpu', 'GPU count is not positive (0)'],
      ['massedcompute:RTX8000', 'unknown GPU "RTX8000"'],
      [
        'instance_types.6',
        'does not match its schema at configuration: Invalid input: expected object, received undefined',
      ],
    ],
  );
});

test('the request asks for available types sorted by price, with the key in X-API-KEY', async () => {
  const seen: { method: string; url: string; key: unknown }[] = [];
  const server = await startServer((request, response) => {
    seen.push({ method: request.method ?? '', url: request.url ?? '', key: request.headers['x-api-key'] });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ instance_types: [] }));
  });
  try {
    await shadeform.fetchQuotes(testContext(server.url, { apiKey: 'sf-key' }));
  } finally {
    await server.close();
  }
  assert.deepEqual(seen, [{ method: 'GET', url: '/v1/instances/types?available=true&sort=price', key: 'sf-key' }]);
});

test('a wrong shape, malformed JSON and HTTP errors fail the whole source', async () => {
  await assert.rejects(
    quotesFor({ instanceTypes: [] }),
    (e: Error) => e instanceof SourceError && /schema at instance_types/.test(e.message),
  );
  await assert.rejects(quotesFor('[not json'), /malformed JSON/);
  await assert.rejects(quotesFor({ error: 'unauthorized' }, 401), /HTTP 401/);
  await assert.rejects(quotesFor({ error: 'boom' }, 500), /HTTP 500/);
});

test('the snapshot answers through the snapshot server at GET /v1/instances/types', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'necto-shadeform-'));
  cpSync(new URL('snapshot.json', SNAPSHOTS), join(dir, 'snapshot.json'));
  cpSync(new URL('shadeform', SNAPSHOTS), join(dir, 'shadeform'), { recursive: true });
  const server = await startSnapshotServer({ dir });
  try {
    const { quotes, rejected } = await shadeform.fetchQuotes(
      testContext(`${server.url}/shadeform`, { apiKey: 'sf-key' }),
    );
    assert.deepEqual(
      quotes.map((q) => [q.offerId, q.gpuModel, q.region.country, q.availableGpus, q.effectiveMicroUsdPerGpuHour]),
      [
        ['massedcompute:A6000@kansascity-usa-1', 'RTXA6000-48G', 'US', 1, 570_000], // 57 / 100 / 1
        ['lambdalabs:A10@us-west-1', 'A10-24G', 'US', 1, 860_000], // 86 / 100 / 1 ("US, San Jose, CA")
        ['lambdalabs:A10@us-east-1', 'A10-24G', 'US', 0, 860_000], // same type, sold out there
        ['hyperstack:L40S@CANADA-1', 'L40S-48G', 'CA', 1, 1_090_000], // 109 / 100 / 1
        ['lambdalabs:GH200@us-east-3', 'GH200-96G', 'US', 1, 1_690_000], // 169 / 100 / 1
        ['nebius:H100@eu-north1', 'H100-80G', 'FI', 1, 2_950_000], // 295 / 100 / 1
        ['voltagepark:H100x8@us-central-1', 'H100-80G', 'US', 8, 1_990_000], // 1592 / 100 / 8
        ['datacrunch:H100x8@FIN-01', 'H100-80G', 'FI', 8, 2_670_000], // 2136 / 100 / 8
        ['datacrunch:H100x8@ICE-01', 'H100-80G', 'IS', 0, 2_670_000], // sold out in Iceland
        ['crusoe:H200x8@us-southcentral1-a', 'H200-141G', 'US', 8, 4_190_000], // 3352 / 100 / 8
        ['aws:A100_80Gx8@us-east-1', 'A100-80G', 'US', 0, 5_121_250], // 4097 / 100 / 8, sold out
      ],
    );
    assert.deepEqual(
      rejected.map((r) => [r.offerId, r.reason]),
      [['paperspace:RTX8000', 'unknown GPU "RTX8000"']],
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
