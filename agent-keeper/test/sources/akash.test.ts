import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { akash, akashBidQuotes } from '../../src/sources/akash.ts';
import { SourceError } from '../../src/sources/source.ts';
import type { SourceContext } from '../../src/sources/source.ts';
import { startSnapshotServer } from '../../src/snapshot/server.ts';
import { serveJson, startServer } from '../helpers/server.ts';
import { NOW, testContext } from '../helpers/context.ts';

const SNAPSHOTS = new URL('../../snapshots/', import.meta.url);
const prices = JSON.parse(readFileSync(new URL('akash/gpu-prices.json', SNAPSHOTS), 'utf8'));
const SNAPSHOT_DSEQ = '28417503';

// The shapes of shared/provider-formats/akash-*.json (README section 1).
const readmePrices = {
  availability: { total: 248, available: 117 },
  models: [
    {
      vendor: 'nvidia',
      model: 'a100',
      ram: '80Gi',
      interface: 'SXM4',
      availability: { total: 48, available: 6 },
      providerAvailability: { total: 4, available: 3 },
      price: { currency: 'USD', min: 1.13, max: 1.83, avg: 1.48, weightedAverage: 1.36, med: 1.48 },
      priceUakt: {
        currency: 'uakt',
        min: 1780097.43,
        max: 3307107.7,
        avg: 2375820.04,
        weightedAverage: 2141000.0,
        med: 2375820.04,
      },
    },
    {
      vendor: 'nvidia',
      model: 'h100',
      ram: '80Gi',
      interface: 'SXM5',
      availability: { total: 71, available: 29 },
      providerAvailability: { total: 4, available: 4 },
      price: { currency: 'USD', min: 2.01, max: 3.16, avg: 2.58, weightedAverage: 2.44, med: 2.58 },
      priceUakt: null,
    },
    {
      vendor: 'nvidia',
      model: 'rtx4090',
      ram: '24Gi',
      interface: 'PCIe',
      availability: { total: 12, available: 0 },
      providerAvailability: { total: 2, available: 0 },
      price: null,
      priceUakt: null,
    },
  ],
};

const OWNER = 'akash13265twfqejnma6cc93rw5dxk4cldyz2zyy8cdm';
const USDC_IBC = 'ibc/170C677610AC31DF0904FFE09CD3B5C657492170E7E52372E48756B71E56F2F1';

function gpuGroup(units: string, count: number, key = 'vendor/nvidia/model/a100/ram/80Gi/interface/sxm') {
  return {
    resources: {
      cpu: { units: { val: '8000' }, attributes: [] },
      gpu: { units: { val: units }, attributes: units === '0' ? [] : [{ key, value: 'true' }] },
      memory: { quantity: { val: '68719476736' }, attributes: [] },
      storage: [{ name: 'default', quantity: { val: '107374182400' }, attributes: [] }],
      endpoints: [{ kind: 'SHARED_HTTP', sequence_number: 0 }],
    },
    count,
  };
}

function bid(
  provider: string,
  denom: string,
  amount: string,
  resources = [gpuGroup('1', 1)],
  idField = 'bid_id',
  state = 'open',
) {
  return {
    bid: {
      [idField]: { owner: OWNER, dseq: '21345678', gseq: 1, oseq: 1, provider },
      state,
      price: { denom, amount },
      created_at: '21345690',
      resources_offer: resources,
    },
    escrow_account: { id: { scope: 'bid', xid: `${OWNER}/21345678/1/1/${provider}` }, owner: provider, state: 'open' },
  };
}

// The two bids of shared/provider-formats/akash-bids.json.
const readmeBids = {
  data: [
    bid('akash18ga02jzaq8cw52anyhzkwta5wygufgu6zsz6xc', 'uakt', '3053.280000000000000000'),
    bid('akash1q7spv2cw06yszgfp4f9ed59lkka6ytn8g4tkjf', 'uact', '1938.000000000000000000', []),
  ],
};

async function marketFor(body: unknown, status = 200) {
  const server = await serveJson(body, status);
  try {
    return await akash.fetchQuotes(testContext(server.url));
  } finally {
    await server.close();
  }
}

async function bidsFor(body: unknown, options: Parameters<typeof testContext>[1] = {}, dseq = '21345678') {
  const server = await serveJson(body);
  try {
    return await akashBidQuotes(testContext(server.url, { rates: { 'akash-network': 0.635 }, ...options }), dseq);
  } finally {
    await server.close();
  }
}

async function withDseq<T>(dseq: string | undefined, run: () => Promise<T>): Promise<T> {
  const before = process.env.AKASH_DSEQ;
  if (dseq === undefined) delete process.env.AKASH_DSEQ;
  else process.env.AKASH_DSEQ = dseq;
  try {
    return await run();
  } finally {
    if (before === undefined) delete process.env.AKASH_DSEQ;
    else process.env.AKASH_DSEQ = before;
  }
}

test('gpu-prices: one auction quote per model at price.med, already USD per GPU-hour', async () => {
  const { quotes, rejected } = await withDseq(undefined, () => marketFor(readmePrices));
  const a100 = quotes.find((q) => q.offerId === 'nvidia/a100/80Gi/SXM4');
  assert.ok(a100);
  assert.equal(a100.effectiveMicroUsdPerGpuHour, 1_480_000); // med 1.48 $/GPU-h x 1e6
  assert.equal(a100.gpuModel, 'A100-80G'); // "80Gi" is the memory hint
  assert.equal(a100.vramGb, 80);
  assert.equal(a100.pricingModel, 'auction');
  assert.equal(a100.unitGpus, 1);
  assert.equal(a100.availableGpus, 6); // availability.available
  assert.equal(a100.provider, 'akash');
  assert.deepEqual(a100.region, {});
  assert.deepEqual(a100.raw, { value: '1.48', unit: 'USD/GPU-hour', currency: 'USD' });
  assert.equal(a100.observedAt, NOW);
  assert.match(a100.sourceUrl, /\/v1\/gpu-prices$/);
  assert.equal(a100.tokenRate, undefined);
  const h100 = quotes.find((q) => q.offerId === 'nvidia/h100/80Gi/SXM5');
  assert.equal(h100?.effectiveMicroUsdPerGpuHour, 2_580_000); // med 2.58 (min 2.01 and avg are not used)
  assert.equal(h100?.gpuModel, 'H100-80G');
  // price: null means no recent bids: rejected, never a zero price.
  assert.equal(quotes.length, 2);
  assert.deepEqual(rejected, [
    {
      source: 'akash',
      offerId: 'nvidia/rtx4090/24Gi/PCIe',
      vendorGpuName: 'nvidia/rtx4090/24Gi/PCIe',
      reason: 'no bids: price is null',
    },
  ]);
});

test('gpu-prices snapshot: joined model names resolve, a sold-out model is a quote with 0 GPUs, unknown ones are rejected', async () => {
  const { quotes, rejected } = await withDseq(undefined, () => marketFor(prices));
  const byId = new Map(quotes.map((q) => [q.offerId, q]));
  assert.equal(byId.get('nvidia/rtxa6000/48Gi/PCIe')?.gpuModel, 'RTXA6000-48G'); // "rtxa6000" read as "rtx a6000"
  assert.equal(byId.get('nvidia/rtxa6000/48Gi/PCIe')?.effectiveMicroUsdPerGpuHour, 490_000); // med 0.49
  assert.equal(byId.get('nvidia/h200/141Gi/SXM5')?.gpuModel, 'H200-141G');
  assert.equal(byId.get('nvidia/h200/141Gi/SXM5')?.effectiveMicroUsdPerGpuHour, 2_790_000); // med 2.79
  assert.equal(byId.get('nvidia/t4/16Gi/PCIe')?.effectiveMicroUsdPerGpuHour, 110_000); // med 0.11
  const l40s = byId.get('nvidia/l40s/48Gi/PCIe');
  assert.equal(l40s?.availableGpus, 0); // priced but none free now
  assert.equal(l40s?.effectiveMicroUsdPerGpuHour, 850_000); // med 0.85
  assert.equal(quotes.length, 7);
  assert.deepEqual(
    rejected.map((r) => [r.offerId, r.reason]),
    [
      ['nvidia/a40/48Gi/PCIe', 'unknown GPU "nvidia/a40/48Gi/PCIe"'],
      ['nvidia/b200/180Gi/SXM6', 'no bids: price is null'],
    ],
  );
});

test('gpu-prices: string, missing, zero, absurd and non-USD prices are read strictly, per model', async () => {
  const body = structuredClone(readmePrices) as any;
  body.models[0].price.med = '1.52'; // a numeric string is a number
  body.models[1].price.med = null;
  body.models.push(
    { ...structuredClone(readmePrices.models[1]), model: 'h200', ram: '141Gi', price: { currency: 'USD', med: 0 } },
    { ...structuredClone(readmePrices.models[1]), model: 't4', ram: '16Gi', price: { currency: 'USD', med: 1500 } },
    { ...structuredClone(readmePrices.models[1]), model: 'l4', ram: '24Gi', price: { currency: 'EUR', med: 0.5 } },
    { vendor: 'nvidia', ram: '24Gi', price: { currency: 'USD', med: 0.5 } }, // no model
    { vendor: 'nvidia', model: 'a10', ram: '24Gi', interface: 'PCIe', price: { currency: 'USD', min: 0.2 } }, // no med
    { vendor: 'nvidia', model: 'l4', ram: '24Gi', interface: 'PCIe', price: { currency: 'USD', med: 0.25 } }, // no availability
  );
  const { quotes, rejected } = await withDseq(undefined, () => marketFor(body));
  assert.deepEqual(
    quotes.map((q) => [q.offerId, q.effectiveMicroUsdPerGpuHour, q.availableGpus]),
    [
      ['nvidia/a100/80Gi/SXM4', 1_520_000, 6], // "1.52" x 1e6
      ['nvidia/l4/24Gi/PCIe', 250_000, 0], // 0.25 x 1e6; no availability reported = none known free
    ],
  );
  const reasons = new Map(rejected.map((r) => [r.offerId, r.reason]));
  assert.match(reasons.get('nvidia/h100/80Gi/SXM5') ?? '', /price\.med is missing/);
  assert.match(reasons.get('nvidia/h200/141Gi/SXM5') ?? '', /not positive/);
  assert.match(reasons.get('nvidia/t4/16Gi/SXM5') ?? '', /absurd/);
  assert.match(reasons.get('nvidia/l4/24Gi/SXM5') ?? '', /currency is EUR/);
  assert.match(reasons.get('models.6') ?? '', /schema at model/);
  assert.match(reasons.get('nvidia/a10/24Gi/PCIe') ?? '', /price\.med is missing/);
  assert.ok(quotes.every((q) => Number.isInteger(q.effectiveMicroUsdPerGpuHour) && q.effectiveMicroUsdPerGpuHour > 0));
});

test('gpu-prices: wrong shape, malformed JSON and HTTP errors fail the whole source', async () => {
  await withDseq(undefined, async () => {
    await assert.rejects(
      marketFor({ models: {} }),
      (e: Error) => e instanceof SourceError && /schema at models/.test(e.message),
    );
    await assert.rejects(marketFor('<html>'), /malformed JSON/);
    await assert.rejects(marketFor({ error: 'boom' }, 500), /HTTP 500/);
  });
});

test('bids: per-block uakt for the whole order, x blocks per hour, x the AKT rate, / GPUs; the rate travels with the quote', async () => {
  const { quotes, rejected } = await bidsFor(readmeBids);
  assert.equal(quotes.length, 1);
  const [uakt] = quotes;
  assert.ok(uakt);
  assert.equal(uakt.offerId, '21345678/1/1/akash18ga02jzaq8cw52anyhzkwta5wygufgu6zsz6xc');
  // 3053.28 uakt/block x 3600/6.174 blocks/h = 1,780,338.19 uakt/h = 1.78033819 AKT/h
  // x $0.635 = $1.130514752/h, / 1 GPU -> 1,130,514.75 -> 1_130_515
  assert.equal(uakt.effectiveMicroUsdPerGpuHour, 1_130_515);
  assert.equal(uakt.gpuModel, 'A100-80G'); // from vendor/nvidia/model/a100/ram/80Gi/interface/sxm
  assert.equal(uakt.pricingModel, 'auction');
  assert.deepEqual(uakt.tokenRate, { tokenId: 'akash-network', usd: 0.635, updatedAt: NOW - 30 });
  assert.deepEqual(uakt.raw, { value: '3053.280000000000000000', unit: 'uakt/block/order', currency: 'AKT' });
  assert.equal(uakt.unitGpus, 1);
  assert.equal(uakt.availableGpus, 1);
  assert.deepEqual(uakt.region, {});
  assert.equal(uakt.provider, 'akash');
  assert.match(uakt.sourceUrl, /\/v1\/bids\?dseq=21345678$/);
  // The README's uact bid has an empty resources_offer: no GPUs to divide by.
  assert.equal(rejected.length, 1);
  assert.match(rejected[0]?.reason ?? '', /no GPUs/);
});

test('bids: uact and IBC USDC are $1 per token; sum of gpu units x count divides the order price', async () => {
  const body = {
    data: [
      bid('akash1uact', 'uact', '1938.000000000000000000'),
      bid('akash1ibc', USDC_IBC, '7450.000000000000000000', [gpuGroup('2', 1)]),
      bid('akash1groups', 'uact', '14406.000000000000000000', [gpuGroup('2', 1), gpuGroup('1', 2), gpuGroup('0', 3)]),
    ],
  };
  const { quotes, rejected } = await bidsFor(body, { rates: {} }); // no AKT rate needed
  assert.deepEqual(rejected, []);
  const micro = new Map(quotes.map((q) => [q.offerId.split('/').pop(), q]));
  // 1938 uact/block x 3600/6.174 = 1,130,029.15 uact/h = $1.13002915/h / 1 GPU -> 1_130_029
  assert.equal(micro.get('akash1uact')?.effectiveMicroUsdPerGpuHour, 1_130_029);
  assert.equal(micro.get('akash1uact')?.tokenRate, undefined);
  assert.deepEqual(micro.get('akash1uact')?.raw, {
    value: '1938.000000000000000000',
    unit: 'uact/block/order',
    currency: 'ACT',
  });
  // 7450 x 3600/6.174 = 4,344,023.32 uusdc/h = $4.34402332/h / 2 GPUs -> 2,172,011.66 -> 2_172_012
  assert.equal(micro.get('akash1ibc')?.effectiveMicroUsdPerGpuHour, 2_172_012);
  assert.equal(micro.get('akash1ibc')?.raw.currency, 'USDC');
  // GPUs = 2x1 + 1x2 + 0x3 = 4; 14406 x 3600/6.174 = 8,400,000 uact/h = $8.40/h / 4 -> 2_100_000
  assert.equal(micro.get('akash1groups')?.unitGpus, 4);
  assert.equal(micro.get('akash1groups')?.effectiveMicroUsdPerGpuHour, 2_100_000);
});

test('bids: the block time comes from the context', async () => {
  const { quotes } = await bidsFor({ data: [bid('akash1uact', 'uact', '1938')] }, { akashBlockTimeSec: 6.5 });
  // 1938 x 3600/6.5 = 1,073,353.85 uact/h -> $1.07335385/h -> 1_073_354
  assert.equal(quotes[0]?.effectiveMicroUsdPerGpuHour, 1_073_354);
});

test('bids: `id` is read like `bid_id`; bad bids are rejected with their reason', async () => {
  const noId = bid('akash1noid', 'uact', '1938');
  delete (noId.bid as Record<string, unknown>).bid_id;
  const noPrice = bid('akash1noprice', 'uact', '1938') as any;
  delete noPrice.bid.price;
  const body = {
    data: [
      bid('akash1v1beta5', 'uact', '1938', [gpuGroup('1', 1)], 'id'),
      bid('akash1osmo', 'uosmo', '1938'),
      bid('akash1zero', 'uact', '0.000000000000000000'),
      bid('akash1text', 'uact', 'lots'),
      bid('akash1closed', 'uact', '1938', [gpuGroup('1', 1)], 'bid_id', 'closed'),
      bid('akash1cpu', 'uact', '1938', [gpuGroup('0', 1)]),
      bid('akash1odd', 'uact', '1938', [gpuGroup('1', 1, 'vendor/nvidia/model/gtx1080/ram/8Gi')]),
      noId,
      noPrice,
    ],
  };
  const { quotes, rejected } = await bidsFor(body);
  assert.deepEqual(
    quotes.map((q) => [q.offerId, q.effectiveMicroUsdPerGpuHour]),
    [['21345678/1/1/akash1v1beta5', 1_130_029]], // as the uact bid above
  );
  const reasons = rejected.map((r) => `${r.offerId}: ${r.reason}`);
  assert.equal(reasons.length, 8);
  assert.match(reasons[0] ?? '', /akash1osmo: unknown denom "uosmo"/);
  assert.match(reasons[1] ?? '', /akash1zero: price\.amount is not positive/);
  assert.match(reasons[2] ?? '', /akash1text: price\.amount is not a number/);
  assert.match(reasons[3] ?? '', /akash1closed: bid is closed, not open/);
  assert.match(reasons[4] ?? '', /akash1cpu: bid offers no GPUs/);
  assert.match(reasons[5] ?? '', /akash1odd: unknown GPU "vendor\/nvidia\/model\/gtx1080\/ram\/8Gi"/);
  assert.match(reasons[6] ?? '', /^bids\.7: bid has neither bid_id nor id/);
  assert.match(reasons[7] ?? '', /^bids\.8: bid does not match its schema at price/);
});

test('bids: a uakt bid without an AKT rate is rejected with the rate error, not priced at $1', async () => {
  const { quotes, rejected } = await bidsFor(readmeBids, { rates: {} });
  assert.equal(quotes.length, 0);
  assert.match(rejected[0]?.reason ?? '', /no AKT rate: no CoinGecko rate for akash-network/);
});

test('bids: the request names the order and sends the Console key when there is one', async () => {
  const seen: { url: string; key: string | undefined }[] = [];
  const server = await startServer((request, response) => {
    seen.push({ url: request.url ?? '', key: request.headers['x-api-key'] as string | undefined });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ data: [] }));
  });
  try {
    await akashBidQuotes(testContext(server.url, { apiKey: 'console-key' }), '21345678');
    assert.deepEqual(seen, [{ url: '/v1/bids?dseq=21345678', key: 'console-key' }]);
    await assert.rejects(
      akashBidQuotes(testContext(server.url), '2134; drop'),
      /AKASH_DSEQ must be a deployment sequence number/,
    );
    assert.equal(seen.length, 1); // a bad dseq is never sent
  } finally {
    await server.close();
  }
});

async function serveAkash(bidsStatus: number, pricesStatus = 200) {
  return startServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const [status, body] =
      url.pathname === '/v1/gpu-prices'
        ? [pricesStatus, readmePrices]
        : url.pathname === '/v1/bids'
          ? [bidsStatus, readmeBids]
          : [404, {}];
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(status === 200 ? body : { error: 'boom' }));
  });
}

async function scan(server: { url: string }, context: Partial<SourceContext> = {}) {
  return akash.fetchQuotes(testContext(server.url, { rates: { 'akash-network': 0.635 }, ...context }));
}

test('with AKASH_DSEQ set, the source adds the order bids to the market quotes; one failing endpoint is a rejection', async () => {
  await withDseq('21345678', async () => {
    const healthy = await serveAkash(200);
    try {
      const { quotes } = await scan(healthy);
      assert.equal(quotes.length, 3); // a100 + h100 bands, one uakt bid
      assert.ok(quotes.some((q) => q.offerId === '21345678/1/1/akash18ga02jzaq8cw52anyhzkwta5wygufgu6zsz6xc'));
    } finally {
      await healthy.close();
    }
    const bidsDown = await serveAkash(500);
    try {
      const { quotes, rejected } = await scan(bidsDown);
      assert.equal(quotes.length, 2);
      assert.match(rejected.at(-1)?.reason ?? '', /^bids for dseq 21345678: HTTP 500/);
    } finally {
      await bidsDown.close();
    }
    const marketDown = await serveAkash(200, 500);
    try {
      const { quotes, rejected } = await scan(marketDown);
      assert.equal(quotes.length, 1);
      assert.match(rejected[0]?.reason ?? '', /^gpu-prices: HTTP 500/);
    } finally {
      await marketDown.close();
    }
    const allDown = await serveAkash(500, 500);
    try {
      await assert.rejects(scan(allDown), /HTTP 500/);
    } finally {
      await allDown.close();
    }
  });
});

test('the snapshot answers through the snapshot server at the real paths, bids included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'necto-akash-'));
  cpSync(new URL('snapshot.json', SNAPSHOTS), join(dir, 'snapshot.json'));
  cpSync(new URL('akash', SNAPSHOTS), join(dir, 'akash'), { recursive: true });
  const server = await startSnapshotServer({ dir });
  try {
    const { quotes, rejected } = await withDseq(SNAPSHOT_DSEQ, () =>
      akash.fetchQuotes(testContext(`${server.url}/akash`, { rates: { 'akash-network': 0.6412 } })),
    );
    const bids = quotes.filter((q) => q.offerId.startsWith(`${SNAPSHOT_DSEQ}/`));
    assert.equal(quotes.length - bids.length, 7);
    const micro = new Map(bids.map((q) => [q.offerId.split('/').pop(), q.effectiveMicroUsdPerGpuHour]));
    // Every bid is for the order's 2x H100 80Gi.
    assert.ok(bids.every((q) => q.gpuModel === 'H100-80G' && q.unitGpus === 2));
    // 7203 uact/block x 3600/6.174 = 4,200,000 uact/h = $4.20/h / 2 GPUs -> 2_100_000
    assert.equal(micro.get('akash1ccktptfkvdc67msasmesuy5m7gpc76z75kukpz'), 2_100_000);
    // 12150.5 uakt x 3600/6.174 = 7,084,839.65 uakt/h x $0.6412 = $4.54279918/h / 2 -> 2,271,399.59 -> 2_271_400
    assert.equal(micro.get('akash18ga02jzaq8cw52anyhzkwta5wygufgu6zsz6xc'), 2_271_400);
    // 6980 x 3600/6.174 = 4,069,970.85 uact/h / 2 -> 2,034,985.42 -> 2_034_985 (a bid written with `id`)
    assert.equal(micro.get('akash1q7spv2cw06yszgfp4f9ed59lkka6ytn8g4tkjf'), 2_034_985);
    // 7391.25 x 3600/6.174 = 4,309,766.76 / 2 -> 2,154,883.38 -> 2_154_883
    assert.equal(micro.get('akash1u5cdg7k3gl43mukca4aeultuz8x2j68mgwxz47'), 2_154_883);
    assert.deepEqual(
      rejected.map((r) => r.reason),
      [
        'unknown GPU "nvidia/a40/48Gi/PCIe"',
        'no bids: price is null',
        'bid offers no GPUs (resources_offer has no gpu units)',
      ],
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
