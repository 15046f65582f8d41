import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { render } from '../../src/sources/render.ts';
import { SourceError } from '../../src/sources/source.ts';
import { serveJson } from '../helpers/server.ts';
import { NOW, testContext } from '../helpers/context.ts';

const bundled = JSON.parse(readFileSync(new URL('../../src/sources/render-rates.json', import.meta.url), 'utf8'));
const snapshot = JSON.parse(readFileSync(new URL('../../snapshots/render/rates.json', import.meta.url), 'utf8'));
const routes = JSON.parse(readFileSync(new URL('../../snapshots/render/routes.json', import.meta.url), 'utf8'));
const AS_OF = Date.parse('2026-11-20T00:00:00Z') / 1000;

async function quotesFor(body: unknown, status = 200) {
  const server = await serveJson(body, status);
  try {
    const result = await render.fetchQuotes(testContext(server.url));
    return { ...result, requests: server.requests };
  } finally {
    await server.close();
  }
}

test('the snapshot served in snapshot mode is the bundled table, at /rates.json', () => {
  assert.deepEqual(snapshot, bundled);
  assert.deepEqual(routes, [{ method: 'GET', path: '/rates.json', file: 'rates.json' }]);
});

test('static USD rates per GPU-hour: the top of a band, dated by asOf, labelled static with no availability', async () => {
  const { quotes, rejected, requests } = await quotesFor(bundled);
  assert.equal(requests[0]?.url, '/rates.json');
  assert.equal(rejected.length, 0);
  const byId = new Map(quotes.map((q) => [q.offerId, q]));
  const rtx5090 = byId.get('RTX5090-32G');
  assert.ok(rtx5090);
  assert.equal(rtx5090.effectiveMicroUsdPerGpuHour, 690_000); // band $0.45-$0.69: the top, $0.69 x 1e6
  assert.deepEqual(rtx5090.raw, { value: '0.69', unit: 'USD/GPU-hour', currency: 'USD' });
  assert.equal(rtx5090.pricingModel, 'fixed'); // USD-priced; RENDER only settles it
  assert.equal(rtx5090.observedAt, NOW); // read at the scan; the table stands until replaced
  assert.match(rtx5090.note ?? '', /static Render rate table of/);
  assert.equal(rtx5090.tokenRate, undefined);
  assert.equal(rtx5090.provider, 'render');
  assert.deepEqual(rtx5090.region, {});
  assert.equal(rtx5090.sourceUrl, 'https://github.com/rendernetwork/RNPs/blob/main/RNP-019.md');
  assert.match(
    rtx5090.note ?? '',
    /^static Render rate table of 2026-11-20 \(RNP-019\), no live availability; USD-priced, settled in RENDER/,
  );
  assert.match(rtx5090.note ?? '', /band \$0\.45-\$0\.69\/GPU-h, top of band quoted/);
  assert.equal(byId.get('RTX4090-24G')?.effectiveMicroUsdPerGpuHour, 350_000); // $0.35
  assert.equal(byId.get('RTX3090-24G')?.effectiveMicroUsdPerGpuHour, 310_000); // $0.31
  assert.equal(
    quotes.every((q) => q.unitGpus === 1 && q.availableGpus === 1),
    true,
  );
});

test('live mode reads the bundled file: no HTTP, same quotes', async () => {
  assert.match(render.liveBaseUrl, /^file:.*\/src\/sources\/render-rates\.json$/);
  const live = await render.fetchQuotes(testContext(render.liveBaseUrl, { mode: 'live' }));
  const { quotes } = await quotesFor(bundled);
  assert.deepEqual(
    live.quotes.map((q) => [q.offerId, q.effectiveMicroUsdPerGpuHour, q.observedAt]),
    quotes.map((q) => [q.offerId, q.effectiveMicroUsdPerGpuHour, q.observedAt]),
  );
});

test('bad rows are rejected: unknown GPU, inverted band, missing or string or absurd rates', async () => {
  const table = structuredClone(bundled);
  table.rates = [
    { gpu: 'Voodoo 5', usdPerGpuHourMin: 0.1, usdPerGpuHourMax: 0.2 },
    { gpu: 'RTX 5090', usdPerGpuHourMin: 0.69, usdPerGpuHourMax: 0.45 },
    { gpu: 'RTX 4090', usdPerGpuHourMin: 0.35 },
    { gpu: 'RTX 3090', usdPerGpuHourMin: '0.31', usdPerGpuHourMax: '0.31' },
    { gpu: 'H200', usdPerGpuHourMin: 2, usdPerGpuHourMax: 2500 },
  ];
  const { quotes, rejected } = await quotesFor(table);
  assert.deepEqual(
    quotes.map((q) => [q.offerId, q.effectiveMicroUsdPerGpuHour]),
    [['RTX3090-24G', 310_000]],
  ); // "0.31"
  assert.deepEqual(
    rejected.map((r) => r.reason.replace(/ \(.*$/, '')),
    ['unknown GPU "Voodoo 5"', 'rate band is inverted', 'usdPerGpuHourMax is missing', 'price is absurd'],
  );
});

test('a table dated in the future, or not in our format, fails the source', async () => {
  await assert.rejects(
    quotesFor({ ...bundled, asOf: '2027-06-01' }),
    (e: Error) => e instanceof SourceError && /dated in the future \(2027-06-01\)/.test(e.message),
  );
  await assert.rejects(quotesFor({ ...bundled, asOf: '20 Nov 2026' }), /schema at asOf/);
  await assert.rejects(quotesFor({ ...bundled, format: undefined }), /schema at format/);
  await assert.rejects(quotesFor({ ...bundled, currency: 'RENDER' }), /schema at currency/);
});

test('an old table still quotes, labelled with its date', async () => {
  const { quotes } = await quotesFor({ ...bundled, asOf: '2025-03-31' });
  assert.equal(quotes[0]?.observedAt, NOW);
  assert.match(quotes[0]?.note ?? '', /table of 2025-03-31/);
});

test('HTTP 500 and malformed JSON over HTTP; an unreadable or garbled bundled file', async () => {
  await assert.rejects(quotesFor({ error: 'boom' }, 500), /HTTP 500/);
  await assert.rejects(quotesFor('{"rates": ['), /malformed JSON/);
  const dir = await mkdtemp(join(tmpdir(), 'necto-render-'));
  try {
    const garbled = join(dir, 'render-rates.json');
    await writeFile(garbled, '{"asOf": ');
    await assert.rejects(
      render.fetchQuotes(testContext(pathToFileURL(garbled).href, { mode: 'live' })),
      /malformed JSON in the Render rate table/,
    );
    await assert.rejects(
      render.fetchQuotes(testContext(pathToFileURL(join(dir, 'missing.json')).href, { mode: 'live' })),
      /cannot read the Render rate table .*ENOENT/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
