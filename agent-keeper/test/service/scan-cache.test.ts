// One scan of the external sources serves every decision within its freshness; Necto's sellers
// are read for every decision; a burst of callers shares one scan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityLog } from '../../src/service/activity.ts';
import { readKeeperSettings } from '../../src/service/keeper-config.ts';
import { ScanCache } from '../../src/service/scan-cache.ts';
import type { Source, SourceContext } from '../../src/sources/source.ts';
import { ConfigError } from '../../src/scan.ts';
import { quote } from '../helpers/quotes.ts';

function countingSource(id: string, calls: string[]): Source {
  return {
    id,
    label: id,
    liveBaseUrl: `http://127.0.0.1:9/${id}`,
    urlEnv: id === 'necto' ? 'NECTO_RPC_URL' : `TEST_${id.toUpperCase()}_URL`,
    async fetchQuotes(context: SourceContext) {
      calls.push(`${id}@${context.baseUrl}`);
      await new Promise((r) => setTimeout(r, 20));
      return { quotes: [quote({ source: id, offerId: `${id}-1`, provider: id, observedAt: context.now })], rejected: [] };
    },
  };
}

test('live: a burst shares one scan, reuses it within the TTL, and scans again after it; Necto is read every time', async () => {
  const calls: string[] = [];
  let now = 1_000;
  const config = { mode: 'live' as const, timeoutMs: 1000, akashBlockTimeSec: 6, env: {} };
  const cache = new ScanCache({ sources: [countingSource('lambda', calls), countingSource('necto', calls)], config, ttlSec: 30, clock: () => now });
  const views = await Promise.all(Array.from({ length: 5 }, () => cache.view('http://chain:1')));
  assert.equal(calls.filter((c) => c.startsWith('lambda')).length, 1, 'one external scan for the burst');
  assert.equal(calls.filter((c) => c.startsWith('necto')).length, 5, 'the chain is read for each decision');
  assert.ok(calls.filter((c) => c.startsWith('necto')).every((c) => c.endsWith('@http://chain:1')));
  assert.deepEqual(views.map((v) => v.ageSeconds), [0, 0, 0, 0, 0]);
  assert.equal(views[0]?.result.quotes.length, 2);

  now += 29;
  assert.equal((await cache.view('http://chain:1')).ageSeconds, 29);
  assert.equal(calls.filter((c) => c.startsWith('lambda')).length, 1);
  now += 1;
  const fresh = await cache.view('http://chain:1');
  assert.equal(fresh.ageSeconds, 0);
  assert.equal(fresh.scannedAt, 1_030);
  assert.equal(calls.filter((c) => c.startsWith('lambda')).length, 2);
  await cache.close();
});

test('snapshot: one scan per snapshot, however old', async () => {
  const calls: string[] = [];
  let now = 1_000;
  const config = { mode: 'snapshot' as const, timeoutMs: 1000, akashBlockTimeSec: 6, env: {} };
  const cache = new ScanCache({ sources: [countingSource('lambda', calls)], config, ttlSec: 1, clock: () => now });
  await cache.view('http://chain:1');
  now += 3600;
  const later = await cache.view('http://chain:1');
  assert.equal(calls.length, 1);
  assert.equal(later.ageSeconds, 3600);
  assert.equal(later.result.mode, 'snapshot');
  await cache.close();
});

test('the activity log numbers events, filters by job and replays after a seq', () => {
  const log = new ActivityLog(() => 42);
  const seen: number[] = [];
  const unsubscribe = log.subscribe((e) => seen.push(e.seq));
  log.emit({ kind: 'service', message: 'up' });
  log.emit({ kind: 'job', jobId: '3', message: 'Job 3 requested' });
  unsubscribe();
  log.emit({ kind: 'routed', jobId: '3', message: 'Job 3 routed' });
  assert.deepEqual(seen, [1, 2]);
  assert.deepEqual(log.history({ jobId: '3' }).map((e) => e.seq), [2, 3]);
  assert.deepEqual(log.history({ afterSeq: 2 }).map((e) => e.message), ['Job 3 routed']);
  assert.equal(log.history()[0]?.at, 42);
});

test('keeper settings: defaults, and a bad value is one error naming the variable', () => {
  const defaults = readKeeperSettings({});
  assert.deepEqual(
    [defaults.apiPort, defaults.scanTtlSec, defaults.rerouteMinSaving, defaults.unroutableGraceSec, defaults.retrySec],
    [8788, 30, 0.1, 300, 30],
  );
  for (const [name, value, pattern] of [
    ['KEEPER_API_PORT', '70000', /KEEPER_API_PORT must be a TCP port/],
    ['NECTO_SCAN_TTL_S', '-1', /NECTO_SCAN_TTL_S must be a number at least 1/],
    ['NECTO_REROUTE_MIN_SAVING', '1.5', /NECTO_REROUTE_MIN_SAVING must be a number from 0 to 0.99/],
    ['NECTO_APP_ORIGINS', 'localhost:5173', /NECTO_APP_ORIGINS must list origins/],
  ] as const) {
    assert.throws(() => readKeeperSettings({ [name]: value }), (error: unknown) => error instanceof ConfigError && pattern.test((error as Error).message));
  }
});
