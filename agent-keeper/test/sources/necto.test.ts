// The Necto sellers source: offers read from the market over JSON-RPC (a fake market, then the
// recorded seeded chain), Fixed, Dynamic and Token prices, and a Token offer whose converted price
// exceeds its seller's USD ceiling rejected on its own while the rest are quoted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicClient, http } from 'viem';
import type { PublicClient } from 'viem';
import { readOffers } from '../../src/chain/offers.ts';
import { SNAPSHOT_DIR, startSnapshotServer } from '../../src/snapshot/server.ts';
import { necto, nectoMarketAddress } from '../../src/sources/necto.ts';
import { testContext } from '../helpers/context.ts';
import { offer, startFakeMarket } from '../helpers/fake-market.ts';

const OFFERS = [
  offer({ gateway: true, pricing: 'Auction', price: 3_000_000n }),
  offer({ gpuModel: 'H100-80G', country: 'DE', area: 3, price: 2_100_000n }),
  offer({ gpuModel: 'A100-80G', pricing: 'Dynamic', price: 1_300_000n, demandSlopeBps: 5_000, gpuCount: 8, gpusInUse: 4 }),
  offer({ gpuModel: 'RTX4090-24G', vramGb: 24, pricing: 'Token', price: 1_500_000n, tokenAmount: 150_000n, tokenId: 'render-token' }),
  offer({ gpuModel: 'RTX4090-24G', vramGb: 24, pricing: 'Token', price: 1_500_000n, tokenAmount: 100_000n, tokenId: 'render-token' }),
  offer({ gpuModel: 'L40S-48G', vramGb: 48, price: 850_000n }),
];

test('Fixed, Dynamic and Token offers become quotes; a Token offer above its USD ceiling is rejected, alone', async (t) => {
  const chain = await startFakeMarket({ startWindow: 7200n, offers: OFFERS, currentPrices: { 3: 1_625_000n } });
  t.after(() => chain.close());
  const result = await necto.fetchQuotes(testContext(chain.url, { rates: { 'render-token': 11 } }));
  assert.deepEqual(
    result.quotes.map((q) => [q.offerId, q.pricingModel, q.effectiveMicroUsdPerGpuHour]),
    [
      ['2', 'fixed', 2_100_000],
      ['3', 'fixed', 1_625_000],
      ['5', 'token', 1_100_000],
      ['6', 'fixed', 850_000],
    ],
  );
  assert.deepEqual(result.rejected, [
    {
      source: 'necto',
      offerId: '4',
      vendorGpuName: 'RTX4090-24G',
      reason: "converted price $1.65/GPU-h (150000 micro-render-token at $11) is above the seller's USD ceiling $1.50/GPU-h",
    },
  ]);
  assert.match(result.quotes[2]?.note ?? '', /settled in USDC at this rate \(seller's USD ceiling \$1\.50\/GPU-h\)/);
});

test('a Token offer converted exactly to its ceiling is quoted', async (t) => {
  const chain = await startFakeMarket({ startWindow: 7200n, offers: OFFERS, currentPrices: { 3: 1_625_000n } });
  t.after(() => chain.close());
  const result = await necto.fetchQuotes(testContext(chain.url, { rates: { 'render-token': 10 } }));
  assert.deepEqual(result.rejected, []);
  assert.equal(result.quotes.find((q) => q.offerId === '4')?.effectiveMicroUsdPerGpuHour, 1_500_000);
});

test('the recorded seeded chain: every seller offer is quoted, Token ones within the ceilings they commit', async (t) => {
  const server = await startSnapshotServer();
  t.after(() => server.close());
  const url = `${server.url}/necto`;
  const rates = Object.fromEntries(
    Object.entries(JSON.parse(readFileSync(join(SNAPSHOT_DIR, 'coingecko/simple-price.json'), 'utf8')) as Record<string, { usd: number }>)
      .map(([id, { usd }]) => [id, usd]),
  );
  const offers = await readOffers(createPublicClient({ transport: http(url) }) as PublicClient, nectoMarketAddress());
  assert.ok(offers.length > 0);
  // v2: every offer commits a USD price; for gateways and Token offers it is a ceiling.
  assert.deepEqual(offers.filter((o) => o.price === 0n), []);
  const sellers = offers.filter((o) => !o.gateway);
  const tokens = sellers.filter((o) => o.pricing === 'Token');
  assert.ok(tokens.length > 0, 'the seed lists a Token seller');

  const result = await necto.fetchQuotes(testContext(url, { now: server.recordedAt, rates }));
  assert.deepEqual(result.rejected, []);
  assert.deepEqual(result.quotes.map((q) => q.offerId), sellers.map((o) => String(o.offerId)));
  for (const o of tokens) {
    const q = result.quotes.find((quote) => quote.offerId === String(o.offerId));
    assert.equal(q?.effectiveMicroUsdPerGpuHour, Math.round((Number(o.tokenAmount) / 1e6) * (rates[o.tokenId] ?? 0) * 1e6));
    assert.ok(BigInt(q.effectiveMicroUsdPerGpuHour) <= o.price);
  }

  // The same offers at a token rate that puts them above their ceilings: each is rejected, the rest quoted.
  const [first] = tokens;
  assert.ok(first);
  const steep = { ...rates, [first.tokenId]: (Number(first.price) / Number(first.tokenAmount)) * 1.2 };
  const above = await necto.fetchQuotes(testContext(url, { now: server.recordedAt, rates: steep }));
  const rejectedIds = tokens.filter((o) => o.tokenId === first.tokenId).map((o) => String(o.offerId));
  assert.deepEqual(above.rejected.map((r) => r.offerId), rejectedIds);
  for (const r of above.rejected) assert.match(r.reason, /^converted price \$[\d.]+\/GPU-h .* is above the seller's USD ceiling \$[\d.]+\/GPU-h$/);
  assert.equal(above.quotes.length, sellers.length - rejectedIds.length);
});
