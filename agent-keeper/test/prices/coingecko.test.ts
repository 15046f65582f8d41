import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createTokenRateFeed, KNOWN_TOKEN_IDS } from '../../src/prices/coingecko.ts';
import { startServer, serveJson } from '../helpers/server.ts';
import { NOW } from '../helpers/context.ts';

const snapshot = JSON.parse(
  readFileSync(new URL('../../snapshots/coingecko/simple-price.json', import.meta.url), 'utf8'),
);
const routes = JSON.parse(readFileSync(new URL('../../snapshots/coingecko/routes.json', import.meta.url), 'utf8'));

// The README's example answer (shared/provider-formats/coingecko-simple-price.json).
const readmeAnswer = {
  'akash-network': { usd: 0.635, usd_24h_change: -1.42, last_updated_at: 1788220800 },
  'render-token': { usd: 3.12, usd_24h_change: 2.08, last_updated_at: 1788220795 },
  nosana: { usd: 0.3, usd_24h_change: null, last_updated_at: 1788220790 },
  'io-net': { usd: 0.71, usd_24h_change: 0.55, last_updated_at: 1788220801 },
  'usd-coin': { usd: 0.9998, usd_24h_change: 0.01, last_updated_at: 1788220802 },
};

/** A clock the test moves by hand. */
function clock(start = NOW) {
  let t = start;
  return { now: () => t, advance: (sec: number) => (t += sec) };
}

/** A fetch double: answers from a script and counts the calls. */
function scriptedFetch(answer: (url: URL, headers: Record<string, string>) => Response | Promise<Response>) {
  const calls: { url: URL; headers: Record<string, string> }[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>));
    calls.push({ url, headers });
    return answer(url, headers);
  }) as typeof fetch;
  return { fetchImpl, calls };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

test('one batched GET of the known ids over HTTP, rates keep last_updated_at', async () => {
  assert.deepEqual(routes, [{ method: 'GET', path: '/api/v3/simple/price', file: 'simple-price.json' }]);
  const server = await serveJson(snapshot);
  try {
    const feed = createTokenRateFeed({ baseUrl: server.url, now: () => NOW });
    assert.deepEqual(await feed.rate('nosana'), { tokenId: 'nosana', usd: 0.2964, updatedAt: 1795175962 });
    assert.deepEqual(await feed.rate('akash-network'), {
      tokenId: 'akash-network',
      usd: 0.6412,
      updatedAt: 1795175987,
    });
    assert.equal(server.requests.length, 1);
    const url = new URL(server.requests[0]?.url ?? '', server.url);
    assert.equal(url.pathname, '/api/v3/simple/price');
    assert.deepEqual(url.searchParams.get('ids')?.split(','), [...KNOWN_TOKEN_IDS].sort());
    assert.equal(url.searchParams.get('vs_currencies'), 'usd');
    assert.equal(url.searchParams.get('include_last_updated_at'), 'true');
  } finally {
    await server.close();
  }
});

test('cache: calls within cacheTtlSec, even concurrent ones, share one request; after it, one more', async () => {
  const time = clock();
  const { fetchImpl, calls } = scriptedFetch(() => json(readmeAnswer));
  const feed = createTokenRateFeed({ baseUrl: 'https://api.coingecko.com', cacheTtlSec: 60, fetchImpl, now: time.now });
  const concurrent = await Promise.all(
    ['akash-network', 'nosana', 'render-token', 'io-net'].map((id) => feed.rate(id)),
  );
  assert.equal(calls.length, 1);
  assert.deepEqual(concurrent[1], { tokenId: 'nosana', usd: 0.3, updatedAt: 1788220790 });
  time.advance(59);
  await feed.rate('usd-coin');
  await feed.rate('nosana');
  assert.equal(calls.length, 1); // 59 s < 60 s: cache hits
  time.advance(1);
  await feed.rate('nosana');
  assert.equal(calls.length, 2); // 60 s: expired
});

test('a missing id is "no CoinGecko rate for <id>"; it joins the batch, and its absence is cached too', async () => {
  const time = clock();
  const { fetchImpl, calls } = scriptedFetch(() => json(readmeAnswer)); // CoinGecko silently omits unknown ids
  const feed = createTokenRateFeed({ baseUrl: 'https://api.coingecko.com', fetchImpl, now: time.now });
  await feed.rate('nosana');
  assert.deepEqual(await feed.rate('not-a-coin'), { error: 'no CoinGecko rate for not-a-coin' });
  assert.equal(calls.length, 2); // the cached batch lacked the id: one more request, with it
  assert.ok(calls[1]?.url.searchParams.get('ids')?.split(',').includes('not-a-coin'));
  assert.deepEqual(await feed.rate('not-a-coin'), { error: 'no CoinGecko rate for not-a-coin' });
  assert.deepEqual(await feed.rate('Not-A-Coin '), { error: 'no CoinGecko rate for not-a-coin' });
  assert.equal(calls.length, 2);
  assert.deepEqual(await feed.rate('io net'), { error: '"io net" is not a CoinGecko id' });
});

test('HTTP 429 with no rate cached: an error with the reason', async () => {
  const { fetchImpl } = scriptedFetch(() =>
    json({ status: { error_code: 429, error_message: "You've exceeded the Rate Limit." } }, 429),
  );
  const feed = createTokenRateFeed({ baseUrl: 'https://api.coingecko.com', fetchImpl, now: () => NOW });
  const result = await feed.rate('nosana');
  assert.ok('error' in result);
  assert.match(result.error, /^no CoinGecko rate for nosana: CoinGecko rate limit \(HTTP 429/);
});

test('HTTP 429 with a rate cached: the last-known rate, its true updatedAt and a warning', async () => {
  const time = clock();
  let limited = false;
  const { fetchImpl, calls } = scriptedFetch(() =>
    limited ? json({ status: { error_code: 429 } }, 429) : json(readmeAnswer),
  );
  const feed = createTokenRateFeed({ baseUrl: 'https://api.coingecko.com', fetchImpl, now: time.now });
  await feed.rate('nosana');
  limited = true;
  time.advance(600);
  const result = await feed.rate('nosana');
  assert.equal(calls.length, 2);
  assert.ok(!('error' in result));
  assert.equal(result.usd, 0.3);
  assert.equal(result.updatedAt, 1788220790); // not refreshed: the engine's staleness limit sees the real age
  assert.match(result.warning ?? '', /HTTP 429.*last-known rate/);
  // Backing off: no new request for retryAfterFailureSec (10 s by default).
  time.advance(5);
  await feed.rate('nosana');
  assert.equal(calls.length, 2);
  time.advance(5);
  await feed.rate('nosana');
  assert.equal(calls.length, 3);
});

test('Retry-After on a 429 sets the back-off', async () => {
  const time = clock();
  const { fetchImpl, calls } = scriptedFetch(() => json({}, 429, { 'retry-after': '45' }));
  const feed = createTokenRateFeed({ baseUrl: 'https://api.coingecko.com', fetchImpl, now: time.now });
  await feed.rate('nosana');
  time.advance(44);
  await feed.rate('nosana');
  assert.equal(calls.length, 1);
  time.advance(1);
  await feed.rate('nosana');
  assert.equal(calls.length, 2);
});

test('HTTP 500, malformed JSON, a non-object body and a timeout are errors with their reason', async () => {
  const cases: [Parameters<typeof scriptedFetch>[0], RegExp][] = [
    [
      () => new Response('<html>oops</html>', { status: 500 }),
      /HTTP 500 from https:\/\/api\.coingecko\.com\/api\/v3\/simple\/price/,
    ],
    [() => new Response('{"nosana": {"usd": 0.3', { status: 200 }), /malformed JSON/],
    [() => json([1, 2]), /not an object keyed by coin id/],
    [() => new Promise<Response>(() => {}), /no answer from .* in 50 ms/],
  ];
  for (const [answer, reason] of cases) {
    const { fetchImpl } = scriptedFetch(answer);
    const hanging: typeof fetch = (input, init) =>
      new Promise((resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        Promise.resolve(fetchImpl(input, init)).then(resolve, reject);
      });
    const feed = createTokenRateFeed({
      baseUrl: 'https://api.coingecko.com',
      fetchImpl: hanging,
      now: () => NOW,
      timeoutMs: 50,
    });
    const result = await feed.rate('nosana');
    assert.ok('error' in result, String(reason));
    assert.match(result.error, reason);
  }
});

test('a real HTTP timeout: the server never answers', async () => {
  const server = await startServer(() => {});
  try {
    const feed = createTokenRateFeed({ baseUrl: server.url, now: () => NOW, timeoutMs: 100 });
    const started = Date.now();
    const result = await feed.rate('nosana');
    assert.ok('error' in result);
    assert.match(result.error, /no answer from .* in 100 ms/);
    assert.ok(Date.now() - started < 1500);
  } finally {
    await server.close();
  }
});

test('a stale last_updated_at passes through untouched: the feed never judges age', async () => {
  const stale = { nosana: { usd: 0.3, last_updated_at: NOW - 86_400 } };
  const { fetchImpl } = scriptedFetch(() => json(stale));
  const feed = createTokenRateFeed({ baseUrl: 'https://api.coingecko.com', fetchImpl, now: () => NOW });
  assert.deepEqual(await feed.rate('nosana'), { tokenId: 'nosana', usd: 0.3, updatedAt: NOW - 86_400 });
});

test('entries without a usable usd or last_updated_at are errors, per id', async () => {
  const answer = {
    nosana: { usd: null, last_updated_at: NOW },
    'io-net': { usd: 0.71 },
    'render-token': { usd: -3, last_updated_at: NOW },
    'akash-network': {},
    'usd-coin': { usd: 1, last_updated_at: NOW },
  };
  const { fetchImpl } = scriptedFetch(() => json(answer));
  const feed = createTokenRateFeed({ baseUrl: 'https://api.coingecko.com', fetchImpl, now: () => NOW });
  assert.deepEqual(await feed.rate('nosana'), { error: 'no CoinGecko rate for nosana' });
  assert.deepEqual(await feed.rate('akash-network'), { error: 'no CoinGecko rate for akash-network' });
  assert.match(((await feed.rate('io-net')) as { error: string }).error, /no last_updated_at/);
  assert.match(((await feed.rate('render-token')) as { error: string }).error, /not a positive number/);
  assert.deepEqual(await feed.rate('usd-coin'), { tokenId: 'usd-coin', usd: 1, updatedAt: NOW });
});

test('API keys: demo header on the public host, pro header on pro-api; none without a key', async () => {
  const seen: Record<string, string>[] = [];
  const { fetchImpl } = scriptedFetch((_url, headers) => {
    seen.push(headers);
    return json(readmeAnswer);
  });
  await createTokenRateFeed({
    baseUrl: 'https://api.coingecko.com',
    apiKey: 'CG-demo',
    fetchImpl,
    now: () => NOW,
  }).rate('nosana');
  await createTokenRateFeed({
    baseUrl: 'https://pro-api.coingecko.com',
    apiKey: 'CG-pro',
    fetchImpl,
    now: () => NOW,
  }).rate('nosana');
  await createTokenRateFeed({ baseUrl: 'https://api.coingecko.com', fetchImpl, now: () => NOW }).rate('nosana');
  assert.equal(seen[0]?.['x-cg-demo-api-key'], 'CG-demo');
  assert.equal(seen[0]?.['x-cg-pro-api-key'], undefined);
  assert.equal(seen[1]?.['x-cg-pro-api-key'], 'CG-pro');
  assert.equal(seen[1]?.['x-cg-demo-api-key'], undefined);
  assert.deepEqual(
    Object.keys(seen[2] ?? {}).filter((k) => k.startsWith('x-cg')),
    [],
  );
});

test('a caller whose source times out gets an error at once; the shared request still serves the others', async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const { fetchImpl, calls } = scriptedFetch(async () => {
    await gate;
    return json(readmeAnswer);
  });
  const feed = createTokenRateFeed({ baseUrl: 'https://api.coingecko.com', fetchImpl, now: () => NOW });
  const impatient = new AbortController();
  const first = feed.rate('nosana', impatient.signal);
  const second = feed.rate('akash-network', AbortSignal.timeout(2000));
  impatient.abort();
  assert.match(((await first) as { error: string }).error, /before the source timed out/);
  release();
  assert.deepEqual(await second, { tokenId: 'akash-network', usd: 0.635, updatedAt: 1788220800 });
  assert.equal(calls.length, 1);
  assert.deepEqual(await feed.rate('nosana'), { tokenId: 'nosana', usd: 0.3, updatedAt: 1788220790 }); // now cached
  assert.equal(calls.length, 1);
});
