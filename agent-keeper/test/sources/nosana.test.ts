import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nosana } from '../../src/sources/nosana.ts';
import { SourceError } from '../../src/sources/source.ts';
import { serveJson } from '../helpers/server.ts';
import { NOW, testContext } from '../helpers/context.ts';

const snapshot = JSON.parse(readFileSync(new URL('../../snapshots/nosana/markets.json', import.meta.url), 'utf8'));
const routes = JSON.parse(readFileSync(new URL('../../snapshots/nosana/routes.json', import.meta.url), 'utf8'));

// The README's three markets (shared/provider-formats/nosana-markets.json), trimmed to the fields that matter.
const readmeMarkets = [
  {
    address: 'Dcwz62TisNbWuto6KJM2EGYGVKnHbdZGVGmgLASzsXy8',
    slug: 'nvidia-4090-community',
    name: 'NVIDIA 4090 Community',
    type: 'COMMUNITY',
    usd_reward_per_hour: 0.218175,
    nos_reward_per_second: 0.000196,
    nos_job_price_per_second: 0.0002156,
    network_fee_percentage: 10,
    gpu_types: ['NVIDIA GeForce RTX 4090 D', 'NVIDIA GeForce RTX 4090'],
    nodes: [],
    lowest_vram: 24,
  },
  {
    address: '97G9NnvBDQ2WpKu6fasoMsAKmfj63C9rhysJnkeWodAf',
    slug: 'nvidia-4090',
    name: 'NVIDIA 4090',
    type: 'PREMIUM',
    usd_reward_per_hour: 0.2909,
    nos_reward_per_second: 0.000278,
    nos_job_price_per_second: 0.0003058,
    network_fee_percentage: 10,
    gpu_types: ['NVIDIA GeForce RTX 4090'],
    nodes: [],
    lowest_vram: 24,
  },
  {
    address: 'EXAMPLE8xH100market11111111111111111111111111',
    slug: 'nvidia-8x-h100',
    name: 'NVIDIA 8x H100',
    type: 'OTHER',
    usd_reward_per_hour: 18.2,
    nos_reward_per_second: 0.0174,
    nos_job_price_per_second: 0.01914,
    network_fee_percentage: 10,
    premium_community_relation: null,
    gpu_types: ['NVIDIA H100 80GB HBM3'],
    nodes: [],
    lowest_vram: 80,
  },
];

async function quotesFor(body: unknown, status = 200, rates: Record<string, number> = { nosana: 0.3 }) {
  const server = await serveJson(body, status);
  try {
    const result = await nosana.fetchQuotes(testContext(server.url, { rates }));
    return { ...result, requests: server.requests };
  } finally {
    await server.close();
  }
}

test('renter USD/GPU-h = usd_reward_per_hour x (1 + fee/100), per GPU; OTHER markets divided by the node GPU count', async () => {
  const { quotes, rejected, requests } = await quotesFor(readmeMarkets);
  assert.equal(requests[0]?.url, '/api/markets/');
  assert.equal(rejected.length, 0);
  const [community, premium, node] = quotes;
  assert.equal(community?.effectiveMicroUsdPerGpuHour, 239_993); // 0.218175 x 1.10 = 0.2399925 -> half up 239_993
  assert.equal(community?.gpuModel, 'RTX4090-24G'); // gpu_types[0] "RTX 4090 D" + lowest_vram 24
  assert.equal(community?.vendorGpuName, 'NVIDIA GeForce RTX 4090 D');
  assert.equal(community?.pricingModel, 'fixed');
  assert.equal(community?.offerId, 'Dcwz62TisNbWuto6KJM2EGYGVKnHbdZGVGmgLASzsXy8');
  assert.equal(community?.provider, 'nosana');
  assert.deepEqual(community?.region, {}); // markets are not located
  assert.match(community?.note ?? '', /x 1\.1 \(host reward \+ 10% network fee/);
  assert.deepEqual(community?.raw, { value: '0.218175', unit: 'USD/GPU-hour (host reward)', currency: 'USD' });
  assert.equal(premium?.effectiveMicroUsdPerGpuHour, 319_990); // 0.2909 x 1.10 = 0.31999
  assert.equal(node?.gpuModel, 'H100-80G');
  assert.equal(node?.unitGpus, 8);
  assert.equal(node?.availableGpus, 8);
  assert.equal(node?.effectiveMicroUsdPerGpuHour, 2_502_500); // 18.20 x 1.10 = 20.02 per node / 8 GPUs = 2.5025
  assert.deepEqual(node?.raw, { value: '18.2', unit: 'USD/node-hour (host reward)', currency: 'USD' });
  assert.match(node?.note ?? '', /per 8-GPU node, divided by 8/);
  assert.equal(community?.tokenRate, undefined); // USD-quoted: no token conversion
});

test('usd_reward_per_hour null: NOS path nos_job_price_per_second x 3600 x NOS/USD, pricing token, rate attached', async () => {
  const markets = structuredClone(readmeMarkets);
  markets[1]!.usd_reward_per_hour = null as never;
  markets[2]!.usd_reward_per_hour = null as never;
  const { quotes } = await quotesFor(markets);
  const premium = quotes.find((q) => q.offerId === '97G9NnvBDQ2WpKu6fasoMsAKmfj63C9rhysJnkeWodAf');
  assert.equal(premium?.pricingModel, 'token');
  assert.equal(premium?.effectiveMicroUsdPerGpuHour, 330_264); // 0.0003058 NOS/s x 3600 = 1.10088 NOS/h x $0.30 = 0.330264
  assert.deepEqual(premium?.tokenRate, { tokenId: 'nosana', usd: 0.3, updatedAt: NOW - 30 });
  assert.deepEqual(premium?.raw, { value: '0.0003058', unit: 'NOS/GPU-second', currency: 'NOS' });
  const node = quotes.find((q) => q.offerId.startsWith('EXAMPLE8xH100'));
  assert.equal(node?.effectiveMicroUsdPerGpuHour, 2_583_900); // 0.01914 x 3600 = 68.904 NOS/h x $0.30 = 20.6712 / 8 = 2.5839
  assert.equal(node?.pricingModel, 'token');
});

test('a missing usd_reward_per_hour key is the same as null', async () => {
  const { usd_reward_per_hour: _dropped, ...market } = readmeMarkets[1]!;
  const { quotes } = await quotesFor([market]);
  assert.equal(quotes[0]?.pricingModel, 'token');
  assert.equal(quotes[0]?.effectiveMicroUsdPerGpuHour, 330_264); // as above
});

test('the NOS path without a NOS rate, or without a job price, is a rejection with the reason', async () => {
  const markets = structuredClone(readmeMarkets).slice(0, 2);
  markets[0]!.usd_reward_per_hour = null as never;
  markets[1]!.usd_reward_per_hour = null as never;
  markets[1]!.nos_job_price_per_second = null as never;
  const { quotes, rejected } = await quotesFor(markets, 200, {});
  assert.equal(quotes.length, 0);
  assert.match(rejected[0]?.reason ?? '', /usd_reward_per_hour is null and no CoinGecko rate for nosana/);
  assert.match(rejected[1]?.reason ?? '', /nos_job_price_per_second is missing/);
});

test('a last-known NOS rate with a warning is attached as a plain rate (tokenId, usd, updatedAt)', async () => {
  const market = { ...readmeMarkets[1]!, usd_reward_per_hour: null };
  const server = await serveJson([market]);
  try {
    const context = testContext(server.url, {
      tokenRate: async () => ({
        tokenId: 'nosana',
        usd: 0.25,
        updatedAt: NOW - 3600,
        warning: 'HTTP 429; last-known rate',
      }),
    });
    const { quotes } = await nosana.fetchQuotes(context);
    assert.deepEqual(quotes[0]?.tokenRate, { tokenId: 'nosana', usd: 0.25, updatedAt: NOW - 3600 }); // the engine judges its age
    assert.equal(quotes[0]?.effectiveMicroUsdPerGpuHour, 275_220); // 0.0003058 x 3600 = 1.10088 x $0.25 = 0.27522
  } finally {
    await server.close();
  }
});

test('string prices are read, bad ones rejected; a missing fee cannot be guessed', async () => {
  const markets = structuredClone(readmeMarkets);
  markets[0]!.usd_reward_per_hour = '0.2' as never;
  markets[0]!.network_fee_percentage = '10' as never;
  markets[1]!.usd_reward_per_hour = 'n/a' as never;
  markets[2]!.network_fee_percentage = null as never;
  const { quotes, rejected } = await quotesFor(markets);
  assert.equal(quotes.length, 1);
  assert.equal(quotes[0]?.effectiveMicroUsdPerGpuHour, 220_000); // "0.2" x 1.10 = 0.22
  assert.match(
    rejected.find((r) => r.offerId === '97G9NnvBDQ2WpKu6fasoMsAKmfj63C9rhysJnkeWodAf')?.reason ?? '',
    /usd_reward_per_hour is not a number/,
  );
  assert.match(
    rejected.find((r) => r.offerId?.startsWith('EXAMPLE8x'))?.reason ?? '',
    /network_fee_percentage is missing/,
  );
});

test('zero, negative and absurd prices are rejected, never quoted', async () => {
  const base = readmeMarkets[1]!;
  const markets = [
    { ...base, address: 'zero', usd_reward_per_hour: 0 },
    { ...base, address: 'negative', usd_reward_per_hour: -0.29 },
    { ...base, address: 'absurd', usd_reward_per_hour: 2909 }, // cents read as dollars: 2909 x 1.1 = $3199.90/GPU-h
    { ...base, address: 'fee', network_fee_percentage: 250 },
  ];
  const { quotes, rejected } = await quotesFor(markets);
  assert.equal(quotes.length, 0);
  const reason = (id: string) => rejected.find((r) => r.offerId === id)?.reason ?? '';
  assert.match(reason('zero'), /not positive/);
  assert.match(reason('negative'), /not positive/);
  assert.match(reason('absurd'), /absurd/);
  assert.match(reason('fee'), /not a percentage/);
});

test('OTHER markets need a GPU count; unknown GPUs are rejected; "Nx" in a name counts GPUs in any tier', async () => {
  const base = readmeMarkets[2]!;
  const markets = [
    { ...base, address: 'no-count', slug: 'nvidia-h100-cluster', name: 'NVIDIA H100 Cluster' },
    {
      ...base,
      address: 'slug-count',
      slug: 'nvidia-4x-a100',
      name: 'NVIDIA A100 Node',
      gpu_types: ['NVIDIA A100-SXM4-80GB'],
      usd_reward_per_hour: 4,
    },
    {
      ...base,
      address: 'premium-2x',
      type: 'PREMIUM',
      slug: 'nvidia-2x-4090',
      name: 'NVIDIA 2x 4090',
      gpu_types: ['NVIDIA GeForce RTX 4090'],
      lowest_vram: 24,
      usd_reward_per_hour: 0.6,
    },
    {
      ...base,
      address: 'unknown',
      type: 'COMMUNITY',
      slug: 'nvidia-3060',
      name: 'NVIDIA 3060',
      gpu_types: ['NVIDIA GeForce RTX 3060'],
      lowest_vram: 12,
    },
  ];
  const { quotes, rejected } = await quotesFor(markets);
  const reason = (id: string) => rejected.find((r) => r.offerId === id)?.reason ?? '';
  assert.match(reason('no-count'), /priced per node.*no GPU count/);
  assert.match(reason('unknown'), /unknown GPU "NVIDIA GeForce RTX 3060"/);
  const a100 = quotes.find((q) => q.offerId === 'slug-count');
  assert.equal(a100?.unitGpus, 4);
  assert.equal(a100?.gpuModel, 'A100-80G');
  assert.equal(a100?.effectiveMicroUsdPerGpuHour, 1_100_000); // 4.00 x 1.10 = 4.40 / 4 = 1.10
  const pair = quotes.find((q) => q.offerId === 'premium-2x');
  assert.equal(pair?.effectiveMicroUsdPerGpuHour, 330_000); // 0.60 x 1.10 = 0.66 / 2 = 0.33
});

test('a market whose gpu_types span models says so in its note', async () => {
  const market = { ...readmeMarkets[1]!, gpu_types: ['NVIDIA GeForce RTX 4090', 'NVIDIA GeForce RTX 3090'] };
  const { quotes } = await quotesFor([market]);
  assert.equal(quotes[0]?.gpuModel, 'RTX4090-24G');
  assert.match(quotes[0]?.note ?? '', /may also run on RTX3090-24G/);
});

test('the recorded snapshot: ten markets, one token-priced, one unknown GPU', async () => {
  assert.deepEqual(routes, [{ method: 'GET', path: '/api/markets/', file: 'markets.json' }]);
  const { quotes, rejected } = await quotesFor(snapshot, 200, { nosana: 0.2964 });
  assert.equal(quotes.length, 9);
  assert.deepEqual(
    rejected.map((r) => r.vendorGpuName),
    ['NVIDIA GeForce RTX 3060'],
  );
  const bySlug = (slug: string) => {
    const address = snapshot.find((m: { slug: string }) => m.slug === slug).address;
    return quotes.find((q) => q.offerId === address);
  };
  assert.equal(bySlug('nvidia-3090-community')?.effectiveMicroUsdPerGpuHour, 167_200); // 0.152 x 1.1 = 0.1672
  assert.equal(bySlug('nvidia-h100')?.effectiveMicroUsdPerGpuHour, 1_804_000); // 1.64 x 1.1 = 1.804
  assert.equal(bySlug('nvidia-8x-h100')?.effectiveMicroUsdPerGpuHour, 2_502_500); // 18.2 x 1.1 / 8
  assert.equal(bySlug('nvidia-a100-80gb')?.gpuModel, 'A100-80G');
  const a5000 = bySlug('nvidia-a5000-community');
  assert.equal(a5000?.pricingModel, 'token');
  assert.equal(a5000?.effectiveMicroUsdPerGpuHour, 164_324); // 0.000154 x 3600 = 0.5544 NOS/h x $0.2964 = 0.16432416
});

test('a response of the wrong shape, malformed JSON or HTTP 500 fails the whole source', async () => {
  await assert.rejects(
    quotesFor({ markets: readmeMarkets }),
    (e: Error) => e instanceof SourceError && /schema at \(root\)/.test(e.message),
  );
  await assert.rejects(
    quotesFor([{ slug: 'x' }]),
    (e: Error) => e instanceof SourceError && /schema at 0\.name/.test(e.message),
  );
  await assert.rejects(quotesFor('<html>502 Bad Gateway</html>'), /malformed JSON/);
  await assert.rejects(quotesFor({ detail: 'boom' }, 500), /HTTP 500/);
});
