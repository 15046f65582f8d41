// The Console client over real HTTP against a local server that answers as the Console API does
// (shared/provider-formats/akash-console-deploy.md): envelopes, the unwrapped lease body, bids in
// every state, 401/404/409 bodies, and the recorded chain-format bids.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { AkashConsole, ConsoleError, cheapestBids, uactCeil } from '../../../src/gateways/akash/console-client.ts';

const KEY = 'ac.sk.production.' + 'ab'.repeat(32);
const OWNER = 'akash1x3u5vm2u9w8fz7k4w3qhsrl3xyt0m8zj7hq2cd';
const PROVIDER_A = 'akash1ccktptfkvdc67msasmesuy5m7gpc76z75kukpz';
const PROVIDER_B = 'akash18ga02jzaq8cw52anyhzkwta5wygufgu6zsz6xc';
const DSEQ = '1795176000123';

let server: Server;
let url: string;
const requests: { method: string; path: string; headers: IncomingMessage['headers']; body: unknown }[] = [];
let provisioning = 2;

const bid = (provider: string, state: string, amount: string, gseq = 1) => ({
  bid: { id: { owner: OWNER, dseq: DSEQ, gseq, oseq: 1, provider, bseq: 0 }, state, price: { denom: 'uact', amount }, created_at: '28417511', resources_offer: [] },
  escrow_account: { id: { scope: 'bid', xid: 'x' }, state: {} },
});
const deployment = (leaseState = 'active') => ({
  deployment: { id: { owner: OWNER, dseq: DSEQ }, state: 'active', hash: 'aGFzaA==', created_at: '28417503' },
  leases: [{ id: { owner: OWNER, dseq: DSEQ, gseq: 1, oseq: 1, provider: PROVIDER_B, bseq: 0 }, state: leaseState, price: { denom: 'uact', amount: '6000.5' }, created_at: '28417520', closed_on: '0', status: null }],
  escrow_account: { id: { scope: 'deployment', xid: `${OWNER}/${DSEQ}` }, state: { state: 'open' } },
});

before(async () => {
  server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = raw ? JSON.parse(raw) : undefined;
    const path = req.url ?? '/';
    requests.push({ method: req.method!, path, headers: req.headers, body });
    const send = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    if (req.headers['x-api-key'] !== KEY) return send(401, { error: 'UnauthorizedError', message: 'Invalid API key', code: 'unauthorized', type: 'client_error' });
    if (req.method === 'POST' && path === '/v1/deployments') {
      if (provisioning-- > 0) return send(409, { error: 'ConflictError', message: 'Wallet is still being provisioned, please retry shortly', code: 'wallet_provisioning', type: 'client_error' });
      return send(201, { data: { dseq: DSEQ, manifest: '[{"name":"necto"}]', signTx: { code: 0, transactionHash: 'AB', rawLog: '' }, hash: 'AB' } });
    }
    if (req.method === 'GET' && path === `/v1/bids?dseq=${DSEQ}`) {
      return send(200, { data: [bid(PROVIDER_A, 'lost', '100'), bid(PROVIDER_A, 'open', '7203.000000000000000000'), bid(PROVIDER_B, 'open', '6000.500000000000000000'), bid(PROVIDER_B, 'closed', '1')] });
    }
    if (req.method === 'GET' && path === '/v1/bids?dseq=28417503') return send(200, JSON.parse(readFileSync(new URL('../../../snapshots/akash/bids-28417503.json', import.meta.url), 'utf8')));
    if (req.method === 'POST' && path === '/v1/leases') return send(200, { data: deployment() });
    if (req.method === 'GET' && path === `/v1/deployments/${DSEQ}`) return send(200, { data: deployment('closed') });
    if (req.method === 'DELETE' && path === `/v1/deployments/${DSEQ}`) return send(200, { data: { success: true } });
    return send(404, { error: 'NotFoundError', message: 'Deployment not found', code: 'not_found', type: 'client_error' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(() => server.close());

const client = (apiKey = KEY) => new AkashConsole({ baseUrl: url, apiKey, sleep: async () => {} });

test('creates a deployment (retrying while the wallet provisions), reads open bids, leases the cheapest, closes', async () => {
  const created = await client().createDeployment('version: "2.0"\n', 0.5);
  assert.deepEqual(created, { dseq: DSEQ, manifest: '[{"name":"necto"}]' });
  const creates = requests.filter((r) => r.path === '/v1/deployments');
  assert.equal(creates.length, 3, 'two 409 wallet_provisioning answers, then the create');
  assert.deepEqual(creates[2]!.body, { data: { sdl: 'version: "2.0"\n', deposit: 0.5 } });
  assert.equal(creates[2]!.headers['content-type'], 'application/json');
  assert.equal(creates[2]!.headers.authorization, undefined, 'never both x-api-key and Authorization');

  const open = await client().openBids(DSEQ);
  assert.deepEqual(open.map((b) => [b.id.provider, b.price.amount]), [[PROVIDER_A, '7203.000000000000000000'], [PROVIDER_B, '6000.500000000000000000']]);
  const chosen = cheapestBids(open, 8333n);
  assert.ok(chosen.ok);
  assert.deepEqual(chosen.bids.map((b) => b.id.provider), [PROVIDER_B]);

  const leased = await client().createLease(created.manifest, chosen.bids.map((b) => b.id));
  const lease = requests.find((r) => r.path === '/v1/leases')!;
  assert.deepEqual(lease.body, { manifest: '[{"name":"necto"}]', leases: [{ dseq: DSEQ, gseq: 1, oseq: 1, provider: PROVIDER_B }] }, 'the lease body is not wrapped in data');
  assert.equal(leased.leases[0]!.state, 'active');

  assert.equal((await client().deployment(DSEQ)).leases[0]!.state, 'closed');
  await client().close(DSEQ);
});

test('reads recorded chain-format bids (bid_id) too', async () => {
  const open = await client().openBids('28417503');
  assert.ok(open.length > 0);
  assert.ok(open.every((b) => b.id.dseq === '28417503' && b.id.provider.startsWith('akash1')));
});

test('the server’s refusals are one line with its reason', async () => {
  await assert.rejects(client('ac.sk.production.bad').deployment(DSEQ), (e: ConsoleError) => e.status === 401 && /HTTP 401 Invalid API key \(check AKASH_CONSOLE_API_KEY\)/.test(e.message));
  await assert.rejects(client().deployment('999'), (e: ConsoleError) => e.status === 404 && e.message === 'Akash Console GET /v1/deployments/999: HTTP 404 Deployment not found');
  await assert.rejects(new AkashConsole({ baseUrl: 'http://127.0.0.1:1', apiKey: KEY }).deployment(DSEQ), /no answer from http:\/\/127.0.0.1:1/);
});

test('no bid within the price, or none at all, is a reason for failover', () => {
  const at = (amount: string, gseq = 1) => ({ id: { owner: OWNER, dseq: DSEQ, gseq, oseq: 1, provider: PROVIDER_A }, price: { denom: 'uact', amount } });
  assert.deepEqual(cheapestBids([], 100n), { ok: false, reason: 'no provider has bid' });
  assert.deepEqual(cheapestBids([at('100.1')], 100n), { ok: false, reason: "every bid is above the job's price: the lowest asks 101 uact per block, the job pays at most 100" });
  const two = cheapestBids([at('90', 1), at('80', 1), at('70', 2)], 100n);
  assert.ok(two.ok);
  assert.deepEqual(two.bids.map((b) => [b.id.gseq, b.price.amount]), [[1, '80'], [2, '70']]);
  assert.equal(uactCeil('7203.000000000000000000'), 7203n);
  assert.equal(uactCeil('6000.5'), 6001n);
});
