import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runpod } from '../../src/sources/runpod.ts';
import { SourceError } from '../../src/sources/source.ts';
import { startSnapshotServer } from '../../src/snapshot/server.ts';
import { serveJson, startServer } from '../helpers/server.ts';
import { NOW, testContext } from '../helpers/context.ts';

const SNAPSHOTS = new URL('../../snapshots/', import.meta.url);

// The shape of shared/provider-formats/runpod-gputypes.json (README section 2).
const readme = {
  data: {
    gpuTypes: [
      {
        id: 'NVIDIA GeForce RTX 3090',
        displayName: 'RTX 3090',
        manufacturer: 'Nvidia',
        memoryInGb: 24,
        secureCloud: false,
        communityCloud: true,
        securePrice: null,
        communityPrice: 0.22,
        secureSpotPrice: null,
        communitySpotPrice: 0.12,
        maxGpuCount: 8,
        lowestPrice: {
          minimumBidPrice: 0.163,
          uninterruptablePrice: 0.3,
          stockStatus: 'High',
          minVcpu: 4,
          minMemory: 25,
        },
      },
      {
        id: 'NVIDIA GeForce RTX 4090',
        displayName: 'RTX 4090',
        manufacturer: 'Nvidia',
        memoryInGb: 24,
        secureCloud: true,
        communityCloud: true,
        securePrice: 0.44,
        communityPrice: 0.34,
        secureSpotPrice: 0.22,
        communitySpotPrice: 0.17,
        maxGpuCount: 8,
        lowestPrice: {
          minimumBidPrice: 0.34,
          uninterruptablePrice: 0.44,
          stockStatus: 'Medium',
          minVcpu: 5,
          minMemory: 29,
        },
      },
      {
        id: 'NVIDIA RTX A5000',
        displayName: 'RTX A5000',
        manufacturer: 'Nvidia',
        memoryInGb: 24,
        secureCloud: true,
        communityCloud: true,
        securePrice: null,
        communityPrice: null,
        secureSpotPrice: null,
        communitySpotPrice: null,
        maxGpuCount: 10,
        lowestPrice: { minimumBidPrice: null, uninterruptablePrice: null, stockStatus: null },
      },
    ],
  },
};

type GpuTypeInput = Record<string, unknown>;
function withTypes(...types: GpuTypeInput[]) {
  return { data: { gpuTypes: types } };
}
function gpuType(overrides: GpuTypeInput): GpuTypeInput {
  return { ...structuredClone(readme.data.gpuTypes[1]), ...overrides };
}

async function quotesFor(body: unknown, status = 200) {
  const server = await serveJson(body, status);
  try {
    return await runpod.fetchQuotes(testContext(server.url, { apiKey: 'rp-key' }));
  } finally {
    await server.close();
  }
}

function price(quotes: { offerId: string; effectiveMicroUsdPerGpuHour: number }[], offerId: string) {
  return quotes.find((q) => q.offerId === offerId)?.effectiveMicroUsdPerGpuHour;
}

test('one quote per GPU type x cloud x pricing model with a price, USD per GPU-hour as is', async () => {
  const { quotes, rejected } = await quotesFor(readme);
  assert.deepEqual(
    quotes.map((q) => [q.offerId, q.pricingModel, q.effectiveMicroUsdPerGpuHour]),
    [
      ['NVIDIA GeForce RTX 3090:community:fixed', 'fixed', 220_000], // 0.22 $/GPU-h x 1e6
      ['NVIDIA GeForce RTX 3090:community:spot', 'spot', 120_000], // 0.12
      ['NVIDIA GeForce RTX 4090:secure:fixed', 'fixed', 440_000], // 0.44
      ['NVIDIA GeForce RTX 4090:community:fixed', 'fixed', 340_000], // 0.34
      ['NVIDIA GeForce RTX 4090:secure:spot', 'spot', 220_000], // 0.22
      ['NVIDIA GeForce RTX 4090:community:spot', 'spot', 170_000], // 0.17
    ],
  );
  const q = quotes[0];
  assert.ok(q);
  assert.equal(q.gpuModel, 'RTX3090-24G');
  assert.equal(q.vendorGpuName, 'NVIDIA GeForce RTX 3090');
  assert.equal(q.provider, 'runpod');
  assert.equal(q.unitGpus, 1);
  assert.equal(q.availableGpus, 8); // stockStatus High -> maxGpuCount
  assert.equal(q.vramGb, 24);
  assert.deepEqual(q.region, {});
  assert.deepEqual(q.raw, { value: '0.22', unit: 'USD/GPU-hour', currency: 'USD' });
  assert.equal(q.observedAt, NOW);
  assert.match(q.sourceUrl, /\/graphql$/);
  // All prices null: not offered now. Rejected, never a zero price.
  assert.equal(rejected.length, 1);
  assert.equal(rejected[0]?.offerId, 'NVIDIA RTX A5000');
  assert.match(rejected[0]?.reason ?? '', /every price is null .*stock status null/);
});

test('stock status: null or None means no GPUs now; a cloud the type is not on has none either', async () => {
  const body = withTypes(
    gpuType({ id: 'NVIDIA B200', memoryInGb: 180, lowestPrice: { stockStatus: null } }),
    gpuType({ id: 'NVIDIA H200', memoryInGb: 141, lowestPrice: { stockStatus: 'None' } }),
    gpuType({ id: 'NVIDIA L40S', memoryInGb: 48, lowestPrice: null }),
    gpuType({
      id: 'NVIDIA H100 NVL',
      memoryInGb: 94,
      communityCloud: false,
      maxGpuCount: 4,
      lowestPrice: { stockStatus: 'Low' },
    }),
  );
  const { quotes } = await quotesFor(body);
  const available = (id: string) => quotes.filter((q) => q.offerId.startsWith(id)).map((q) => q.availableGpus);
  assert.deepEqual(available('NVIDIA B200:'), [0, 0, 0, 0]);
  assert.deepEqual(available('NVIDIA H200:'), [0, 0, 0, 0]);
  assert.deepEqual(available('NVIDIA L40S:'), [0, 0, 0, 0]);
  // secure fixed, community fixed, secure spot, community spot
  assert.deepEqual(available('NVIDIA H100 NVL:'), [4, 0, 4, 0]);
  assert.equal(quotes.find((q) => q.offerId.startsWith('NVIDIA H100 NVL:'))?.gpuModel, 'H100-94G');
});

test('lowestPrice stands in for a missing flat price; both spellings of uninterruptablePrice are read', async () => {
  const flatless = {
    securePrice: null,
    communityPrice: null,
    secureSpotPrice: null,
    communitySpotPrice: null,
  };
  const body = withTypes(
    // The docs sample: only lowestPrice was asked for.
    {
      id: 'NVIDIA GeForce RTX 3090',
      displayName: 'RTX 3090',
      memoryInGb: 24,
      secureCloud: false,
      communityCloud: true,
      lowestPrice: { minimumBidPrice: 0.163, uninterruptablePrice: 0.3, stockStatus: 'High' },
    },
    gpuType({
      id: 'NVIDIA L40S',
      memoryInGb: 48,
      ...flatless,
      lowestPrice: { minimumBidPrice: null, unInterruptablePrice: '0.79', stockStatus: 'Low' },
    }),
    // A flat on-demand price wins over lowestPrice; the spot side falls back.
    gpuType({
      id: 'NVIDIA A100 80GB PCIe',
      memoryInGb: 80,
      secureSpotPrice: null,
      communitySpotPrice: null,
      lowestPrice: { minimumBidPrice: 0.6, uninterruptablePrice: 1.19, stockStatus: 'Low' },
    }),
  );
  const { quotes, rejected } = await quotesFor(body);
  assert.deepEqual(rejected, []);
  assert.equal(price(quotes, 'NVIDIA GeForce RTX 3090:any:fixed'), 300_000); // 0.3
  assert.equal(price(quotes, 'NVIDIA GeForce RTX 3090:any:spot'), 163_000); // 0.163
  assert.equal(price(quotes, 'NVIDIA L40S:any:fixed'), 790_000); // "0.79" (unInterruptablePrice)
  assert.equal(quotes.filter((q) => q.offerId.startsWith('NVIDIA L40S:')).length, 1);
  assert.deepEqual(
    quotes.filter((q) => q.offerId.startsWith('NVIDIA A100')).map((q) => [q.offerId, q.effectiveMicroUsdPerGpuHour]),
    [
      ['NVIDIA A100 80GB PCIe:secure:fixed', 440_000], // flat securePrice 0.44
      ['NVIDIA A100 80GB PCIe:community:fixed', 340_000], // flat communityPrice 0.34
      ['NVIDIA A100 80GB PCIe:any:spot', 600_000], // lowestPrice.minimumBidPrice 0.6
    ],
  );
  assert.equal(quotes.find((q) => q.offerId.startsWith('NVIDIA A100'))?.gpuModel, 'A100-80G');
});

test('string prices are read, zero / garbage / absurd prices and unknown GPUs are rejected per offer', async () => {
  const body = withTypes(
    gpuType({ securePrice: '0.44', communityPrice: 0, secureSpotPrice: 'n/a', communitySpotPrice: 4400 }),
    gpuType({ id: 'NVIDIA A40', displayName: 'A40', memoryInGb: 48 }),
    gpuType({ id: 42 }),
  );
  const { quotes, rejected } = await quotesFor(body);
  assert.deepEqual(
    quotes.map((q) => [q.offerId, q.effectiveMicroUsdPerGpuHour]),
    [['NVIDIA GeForce RTX 4090:secure:fixed', 440_000]], // "0.44" -> 0.44 x 1e6
  );
  const reasons = rejected.map((r) => `${r.offerId}: ${r.reason}`);
  assert.match(reasons[0] ?? '', /RTX 4090:community:fixed: communityPrice is not positive \(0\)/);
  assert.match(reasons[1] ?? '', /RTX 4090:secure:spot: secureSpotPrice is not a number/);
  assert.match(reasons[2] ?? '', /RTX 4090:community:spot: communitySpotPrice is absurd/);
  assert.match(reasons[3] ?? '', /^NVIDIA A40: unknown GPU "NVIDIA A40"/);
  assert.match(reasons[4] ?? '', /^gpuTypes\.2: does not match its schema at id/);
  assert.equal(reasons.length, 5);
});

test('the request is the gpuTypes GraphQL query, for one GPU, with the key as a Bearer token', async () => {
  const seen: { method: string; url: string; auth: unknown; body: string }[] = [];
  const server = await startServer((request, response) => {
    seen.push({
      method: request.method ?? '',
      url: request.url ?? '',
      auth: request.headers.authorization,
      body: request.body,
    });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(readme));
  });
  try {
    await runpod.fetchQuotes(testContext(server.url, { apiKey: 'rp-key' }));
  } finally {
    await server.close();
  }
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.method, 'POST');
  assert.equal(seen[0]?.url, '/graphql');
  assert.equal(seen[0]?.auth, 'Bearer rp-key');
  const query = JSON.parse(seen[0]?.body ?? '{}').query as string;
  assert.match(query, /gpuTypes/);
  assert.match(query, /lowestPrice\(input: \{ gpuCount: 1 \}\)/);
  assert.match(query, /securePrice[\s\S]*communityPrice[\s\S]*secureSpotPrice[\s\S]*communitySpotPrice/);
});

test('GraphQL errors, a wrong shape, malformed JSON and HTTP errors fail the whole source', async () => {
  await assert.rejects(
    quotesFor({ errors: [{ message: 'Unauthorized', path: ['gpuTypes'] }], data: null }),
    (e: Error) => e instanceof SourceError && e.message === 'RunPod GraphQL error: Unauthorized',
  );
  await assert.rejects(quotesFor({ data: { gpuTypes: null } }), /schema at data\.gpuTypes/);
  await assert.rejects(quotesFor('{"data":'), /malformed JSON/);
  await assert.rejects(quotesFor({ error: 'boom' }, 500), /HTTP 500/);
});

test('the snapshot answers through the snapshot server at POST /graphql', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'necto-runpod-'));
  cpSync(new URL('snapshot.json', SNAPSHOTS), join(dir, 'snapshot.json'));
  cpSync(new URL('runpod', SNAPSHOTS), join(dir, 'runpod'), { recursive: true });
  const server = await startSnapshotServer({ dir });
  try {
    const { quotes, rejected } = await runpod.fetchQuotes(testContext(`${server.url}/runpod`, { apiKey: 'rp-key' }));
    // 10 types x their non-null flat prices: 3090 2, 4090/5090/A6000/L40S/A100 x2/H100 x2 4 each, NVL 2,
    // H200 2, B200 1, MI300X 1.
    assert.equal(quotes.length, 40);
    assert.equal(price(quotes, 'NVIDIA H100 80GB HBM3:community:fixed'), 2_390_000); // 2.39
    assert.equal(price(quotes, 'NVIDIA H100 80GB HBM3:secure:spot'), 1_750_000); // 1.75
    assert.equal(quotes.find((q) => q.offerId === 'NVIDIA H100 80GB HBM3:secure:spot')?.gpuModel, 'H100-80G');
    const b200 = quotes.find((q) => q.offerId === 'NVIDIA B200:secure:fixed');
    assert.equal(b200?.effectiveMicroUsdPerGpuHour, 5_990_000); // 5.99, listed...
    assert.equal(b200?.availableGpus, 0); // ...but stockStatus null
    assert.equal(quotes.find((q) => q.offerId === 'AMD Instinct MI300X OAM:secure:fixed')?.gpuModel, 'MI300X-192G');
    assert.deepEqual(
      rejected.map((r) => r.offerId),
      ['NVIDIA RTX A5000', 'NVIDIA A40'],
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
