// The app server (app/server): /config.json from the environment with one line per bad variable,
// the built files with their compressed twins, the fallback page for the app's routes, and
// `node app/server/main.ts` failing in one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deployments } from '@necto/contracts';
import { AppConfigError, appConfigFromEnv } from '../../server/app-config.ts';
import { BUILD_DIR, startAppServer } from '../../server/serve.ts';

const MAIN = resolve(import.meta.dirname, '../../server/main.ts');
const local = deployments[31337].contracts;
const OTHER = '0x1111111111111111111111111111111111111111';

test('on the local chain every setting has a default: the bundled deployment and the default ports', () => {
  const config = appConfigFromEnv({});
  assert.equal(config.chainId, 31337);
  assert.equal(config.rpcUrl, 'http://127.0.0.1:8545');
  assert.equal(config.indexerUrl, 'http://127.0.0.1:42069');
  assert.equal(config.keeperUrl, 'http://127.0.0.1:8788');
  assert.deepEqual(config.contracts, { market: local.NectoMarket, usdc: local.USDC, teamAccess: local.TeamAccess });
  assert.equal(config.devAccounts.length, 12);
  assert.equal(config.devAccounts[0], '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
  assert.equal(config.explorerUrl, undefined);
});

test('the ports move the local URLs; explicit URLs win, without their trailing slash', () => {
  const ports = appConfigFromEnv({ NECTO_ANVIL_PORT: '1001', NECTO_INDEXER_PORT: '1002', KEEPER_API_PORT: '1003' });
  assert.deepEqual([ports.rpcUrl, ports.indexerUrl, ports.keeperUrl], ['http://127.0.0.1:1001', 'http://127.0.0.1:1002', 'http://127.0.0.1:1003']);
  const urls = appConfigFromEnv({
    NECTO_ANVIL_PORT: '1001',
    NECTO_RPC_URL: 'https://rpc.example/',
    NECTO_INDEXER_URL: 'https://indexer.example/',
    KEEPER_URL: 'https://keeper.example',
    NECTO_EXPLORER_URL: 'https://explorer.example/',
    NECTO_USDC_ADDRESS: OTHER,
  });
  assert.deepEqual([urls.rpcUrl, urls.indexerUrl, urls.keeperUrl], ['https://rpc.example', 'https://indexer.example', 'https://keeper.example']);
  assert.equal(urls.explorerUrl, 'https://explorer.example');
  assert.equal(urls.contracts.usdc, OTHER);
  assert.equal(urls.contracts.market, local.NectoMarket);
});

test('another chain needs its addresses, has no dev accounts and is named by its id unless told', () => {
  assert.throws(
    () => appConfigFromEnv({ NECTO_CHAIN_ID: '424242' }),
    (error: unknown) =>
      error instanceof AppConfigError && error.message === 'NECTO_MARKET_ADDRESS is required: chain 424242 has no deployments/424242.json',
  );
  const remote = appConfigFromEnv({
    NECTO_CHAIN_ID: '424242',
    NECTO_MARKET_ADDRESS: OTHER,
    NECTO_USDC_ADDRESS: OTHER,
    NECTO_TEAM_ACCESS_ADDRESS: OTHER,
  });
  assert.equal(remote.chainName, 'Chain 424242');
  assert.deepEqual(remote.devAccounts, []);
  assert.equal(appConfigFromEnv({ NECTO_CHAIN_NAME: 'Testnet' }).chainName, 'Testnet');
});

test('a bad value is one line naming its variable', () => {
  const cases: [NodeJS.ProcessEnv, string][] = [
    [{ NECTO_CHAIN_ID: 'abc' }, 'NECTO_CHAIN_ID must be a chain id (got "abc")'],
    [{ NECTO_RPC_URL: 'ftp://x' }, 'NECTO_RPC_URL must be an http(s) URL (got "ftp://x")'],
    [{ KEEPER_URL: 'nope' }, 'KEEPER_URL must be an http(s) URL (got "nope")'],
    [{ NECTO_MARKET_ADDRESS: '0x12' }, 'NECTO_MARKET_ADDRESS must be a 0x-prefixed 20-byte address (got "0x12")'],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => appConfigFromEnv(env), (error: unknown) => error instanceof AppConfigError && error.message === message);
  }
});

test('the server: config, files with their compressed twins, the fallback page, nothing outside the build', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'necto-app-'));
  const dir = join(root, 'build');
  mkdirSync(join(dir, '_app/immutable'), { recursive: true });
  mkdirSync(join(root, 'build-private'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html>fallback</html>');
  writeFileSync(join(dir, 'index.html.br'), 'brotli bytes');
  writeFileSync(join(dir, '_app/immutable/entry.js'), 'export {};');
  writeFileSync(join(dir, '_app/immutable/entry.js.gz'), 'gzip bytes');
  writeFileSync(join(root, 'build-private/secret.txt'), 'secret');
  const config = appConfigFromEnv({ NECTO_INDEXER_PORT: '1002' });
  const app = await startAppServer(config, { port: 0, dir });
  t.after(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.url}${path}`, { headers });

  const served = await get('/config.json');
  assert.equal(served.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await served.json(), JSON.parse(JSON.stringify(config)));

  const page = await get('/', { 'accept-encoding': 'identity' });
  assert.equal(page.status, 200);
  assert.equal(await page.text(), '<!doctype html><html>fallback</html>');
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /connect-src 'self' http:\/\/127\.0\.0\.1:8545 http:\/\/127\.0\.0\.1:1002 http:\/\/127\.0\.0\.1:8788 /);

  const route = await get('/jobs/7', { 'accept-encoding': 'identity' });
  assert.equal(route.status, 200, 'a route of the app gets the fallback page');
  assert.equal(await route.text(), '<!doctype html><html>fallback</html>');

  const brotli = await rawGet(`${app.url}/`, { 'accept-encoding': 'gzip, br' });
  assert.equal(brotli.headers['content-encoding'], 'br', 'brotli first when both are accepted');
  assert.equal(brotli.headers.vary, 'Accept-Encoding');
  assert.equal(brotli.body, 'brotli bytes');
  const gzip = await rawGet(`${app.url}/_app/immutable/entry.js`, { 'accept-encoding': 'gzip, br' });
  assert.equal(gzip.headers['content-encoding'], 'gzip', 'gzip when there is no brotli twin');
  assert.equal(gzip.body, 'gzip bytes');

  const script = await get('/_app/immutable/entry.js', { 'accept-encoding': 'identity' });
  assert.equal(script.status, 200);
  assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(script.headers.get('content-security-policy'), null);

  assert.equal((await get('/_app/immutable/missing.js')).status, 404, 'a missing asset is no page');
  for (const escape of ['/..%2Fbuild-private%2Fsecret.txt', '/%2e%2e/build-private/secret.txt', '/..%2F..%2Fetc%2Fpasswd']) {
    const answer = await get(escape, { 'accept-encoding': 'identity' });
    assert.notEqual(await answer.text(), 'secret', `${escape} reads outside the build`);
  }
  assert.equal((await get('/%E0%A4%A')).status, 400, 'a malformed path is a bad request');
  assert.equal((await fetch(`${app.url}/config.json`, { method: 'POST' })).status, 405);
});

test('main.ts: bad configuration is one line and exit 1', async () => {
  const run = await runMain({ NECTO_CHAIN_ID: '424242' });
  assert.equal(run.code, 1);
  assert.equal(run.output, 'necto app: NECTO_MARKET_ADDRESS is required: chain 424242 has no deployments/424242.json\n');
  const port = await runMain({ NECTO_APP_PORT: 'x' });
  assert.equal(port.code, 1);
  assert.equal(port.output, 'necto app: NECTO_APP_PORT must be a port number (got "x")\n');
});

test('main.ts: a used port is one line naming NECTO_APP_PORT', { skip: !existsSync(join(BUILD_DIR, 'index.html')) && 'no app build' }, async (t) => {
  const blocker = await occupy();
  t.after(() => blocker.close());
  const { port } = blocker.address() as AddressInfo;
  const run = await runMain({ NECTO_APP_PORT: String(port) });
  assert.equal(run.code, 1);
  assert.equal(run.output, `necto app: port ${port} is in use: set NECTO_APP_PORT to a free port\n`);
});

/** A GET whose body is not decompressed. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: string }> {
  return new Promise((done, fail) => {
    request(url, { headers }, (response) => {
      let body = '';
      response.setEncoding('latin1');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => done({ headers: response.headers, body }));
    })
      .on('error', fail)
      .end();
  });
}

/** Runs main.ts to its exit with only `env` (and PATH) set: exit code and everything it printed. */
function runMain(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => done({ code, output }));
  });
}

function occupy(): Promise<Server> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done(server));
  });
}
