import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalBytes } from '../../src/decision/canonical.ts';
import { LocalDecisionStore } from '../../src/decision/store.ts';
import { startKeeperApi } from '../../src/service/http-api.ts';
import type { KeeperBackend } from '../../src/service/http-api.ts';
import { ScanCache } from '../../src/service/scan-cache.ts';
import { SNAPSHOT_DIR } from '../../src/snapshot/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'necto-api-'));
const store = new LocalDecisionStore(dir);
const api = await startKeeperApi(store, { port: 0 });
after(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

test('GET /decisions/:root returns the stored bytes exactly, readable from the app in a browser only', async () => {
  const bytes = canonicalBytes({ schema: 'necto.decision/v1', chosen: null });
  const root = await store.put(bytes);
  const response = await fetch(`${api.url}/decisions/${root}`, { headers: { origin: 'http://127.0.0.1:5173' } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('access-control-allow-origin'), 'http://127.0.0.1:5173');
  assert.deepEqual(new Uint8Array(await response.arrayBuffer()), bytes);
  const elsewhere = await fetch(`${api.url}/decisions/${root}`, { headers: { origin: 'https://evil.example' } });
  assert.equal(elsewhere.headers.get('access-control-allow-origin'), null);
});

test('unknown, malformed and tampered roots get 404, 400 and 502 with the reason', async () => {
  const unknown = await fetch(`${api.url}/decisions/0x${'1'.repeat(64)}`);
  assert.equal(unknown.status, 404);
  const malformed = await fetch(`${api.url}/decisions/not-a-root`);
  assert.equal(malformed.status, 400);
  assert.match((await malformed.json()).error, /not a decision root/);

  const root = await store.put(canonicalBytes({ n: 1 }));
  const file = join(dir, `${root}.json`);
  writeFileSync(file, readFileSync(file, 'utf8').replace('1', '2'));
  const tampered = await fetch(`${api.url}/decisions/${root}`);
  assert.equal(tampered.status, 502);
  assert.match((await tampered.json()).error, /hashes to/);
});

test('health answers; other paths and methods are refused', async () => {
  assert.equal((await fetch(`${api.url}/health`)).status, 200);
  assert.equal((await fetch(`${api.url}/nope`)).status, 404);
  assert.equal((await fetch(`${api.url}/health`, { method: 'POST' })).status, 405);
});

test('GET /token-rate answers the CoinGecko rate the keeper converts token offers with, or why not in words', async () => {
  const scans = new ScanCache({ sources: [], config: { mode: 'snapshot', timeoutMs: 3000, akashBlockTimeSec: 6, env: {} }, ttlSec: 30 });
  const keeper = { tokenRate: async (id: string) => {
    const rate = await scans.tokenRate(id);
    return 'error' in rate ? rate : { id: rate.tokenId, usd: rate.usd, observedAt: rate.updatedAt, source: 'CoinGecko (snapshot)' };
  } } as unknown as KeeperBackend;
  const served = await startKeeperApi(store, { port: 0, keeper });
  try {
    const recorded = JSON.parse(readFileSync(join(SNAPSHOT_DIR, 'coingecko', 'simple-price.json'), 'utf8')) as Record<string, { usd: number; last_updated_at: number }>;
    const known = await fetch(`${served.url}/token-rate?id=render-token`);
    assert.equal(known.status, 200);
    assert.deepEqual(await known.json(), { id: 'render-token', usd: recorded['render-token']!.usd, observedAt: recorded['render-token']!.last_updated_at, source: 'CoinGecko (snapshot)' });

    const unknown = await fetch(`${served.url}/token-rate?id=no-such-coin`);
    assert.equal(unknown.status, 404);
    assert.match((await unknown.json()).error, /no CoinGecko rate for no-such-coin/);
    const missing = await fetch(`${served.url}/token-rate`);
    assert.equal(missing.status, 400);
    assert.match((await missing.json()).error, /"id" is required/);
    const malformed = await fetch(`${served.url}/token-rate?id=${encodeURIComponent('Render Token!')}`);
    assert.equal(malformed.status, 400);
    assert.match((await malformed.json()).error, /not a CoinGecko coin id/);
  } finally {
    await served.close();
    await scans.close();
  }
  const recordsOnly = await fetch(`${api.url}/token-rate?id=render-token`);
  assert.equal(recordsOnly.status, 404);
});
