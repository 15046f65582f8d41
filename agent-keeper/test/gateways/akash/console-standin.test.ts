// The Console stand-in driven by the real client with a real job's SDL: it moves deployments
// through the states the Console documents, and refuses what the Console refuses.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { AkashConsole, ConsoleError, cheapestBids } from '../../../src/gateways/akash/console-client.ts';
import { startConsoleStandin } from '../../../src/gateways/akash/console-standin.ts';
import type { ConsoleStandin } from '../../../src/gateways/akash/console-standin.ts';
import { akashSdl } from '../../../src/gateways/akash/sdl.ts';

const KEY = 'ac.sk.production.' + 'cd'.repeat(32);
const TIMES = { bidDelayMs: 150, readyDelayMs: 100, earlyCloseMs: 400, runMs: 300 };
let standin: ConsoleStandin;
let client: AkashConsole;

const sdlResult = akashSdl({ gpuModel: 'H100-80G', gpuCount: 2, pricePerGpuHour: 2_500_000n }, { schema: 'necto.workload/v1', image: 'ghcr.io/acme/train:1', command: ['python', 'train.py'] });
assert.ok(sdlResult.ok);
const { sdl, maxUactPerBlock } = sdlResult;

async function until<T>(read: () => Promise<T | undefined>, ms = 3_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(25);
  }
}

before(async () => {
  standin = await startConsoleStandin({ apiKey: KEY, ...TIMES });
  client = new AkashConsole({ baseUrl: standin.url, apiKey: KEY });
});
after(() => standin.close());

test('normal: bids arrive after a delay, the cheapest within the ceiling is leased, its service turns ready, the workload exits, the deployment closes', async () => {
  const { dseq, manifest } = await client.createDeployment(sdl);
  assert.match(dseq, /^\d{13,}$/, 'a millisecond-timestamp dseq');
  assert.deepEqual(await client.openBids(dseq), [], 'no bid at once');
  const bids = await until(async () => ((await client.openBids(dseq)).length ? client.openBids(dseq) : undefined));
  assert.equal(bids.length, 3);
  const chosen = cheapestBids(bids, maxUactPerBlock);
  assert.ok(chosen.ok);
  assert.equal(chosen.bids[0]!.price.amount, (Math.round(Number(maxUactPerBlock) * 0.7)).toFixed(18), 'the 70% bid, not the one above the ceiling');
  const leased = await client.createLease(manifest, chosen.bids.map((b) => b.id));
  assert.equal(leased.leases[0]!.state, 'active');
  const losers = (await client.openBids(dseq)).length;
  assert.equal(losers, 0, 'the other bids are lost once the lease is taken');
  const ready = await until(async () => ((await client.deployment(dseq)).leases[0]!.status?.services?.job?.ready_replicas === 1 ? true : undefined));
  assert.ok(ready);
  await until(async () => ((await client.deployment(dseq)).leases[0]!.status?.services?.job?.ready_replicas === 0 ? true : undefined));
  await client.close(dseq);
  await client.close(dseq); // idempotent
  const closed = await client.deployment(dseq);
  assert.equal(closed.deployment.state, 'closed');
  assert.equal(closed.leases[0]!.state, 'closed');
});

test('no-bids: no provider ever bids', async () => {
  standin.setScenario('no-bids');
  const { dseq } = await client.createDeployment(sdl);
  await sleep(TIMES.bidDelayMs * 3);
  assert.deepEqual(await client.openBids(dseq), []);
  await client.close(dseq);
});

test('early-close: the lease closes on its own, with a reason', async () => {
  standin.setScenario('early-close');
  const { dseq, manifest } = await client.createDeployment(sdl);
  const bids = await until(async () => ((await client.openBids(dseq)).length ? client.openBids(dseq) : undefined));
  const chosen = cheapestBids(bids, maxUactPerBlock);
  assert.ok(chosen.ok);
  await client.createLease(manifest, chosen.bids.map((b) => b.id));
  const lease = await until(async () => {
    const [l] = (await client.deployment(dseq)).leases;
    return l?.state === 'closed' ? l : undefined;
  });
  assert.equal(lease.reason, 'lease_closed_reason_unstable');
  assert.equal((await client.deployment(dseq)).deployment.state, 'active', 'the deployment stays until its owner closes it');
});

test('refuses what the Console refuses, in its words', async () => {
  const refused = async (call: Promise<unknown>, status: number, message: RegExp) =>
    assert.rejects(call, (e: ConsoleError) => e.status === status && message.test(e.message));
  await refused(client.createDeployment('version: "1.0"\n'), 400, /Invalid SDL: version must be "2.0" or "2.1"/);
  await refused(client.createDeployment(sdl.replace('nvidia:', 'amd:')), 400, /only the nvidia GPU vendor is allowed/);
  await refused(client.createDeployment(sdl, 0.1), 400, /Deposit too low/);
  await refused(client.deployment('1'), 404, /Deployment not found/);
  await refused(client.deployment('abc'), 400, /Validation error/);
  await refused(new AkashConsole({ baseUrl: standin.url, apiKey: 'ac.sk.production.wrong' }).openBids('1'), 401, /Invalid API key/);
  const { dseq, manifest } = await client.createDeployment(sdl);
  const [bid] = await until(async () => ((await client.openBids(dseq)).length ? client.openBids(dseq) : undefined));
  await client.close(dseq);
  await refused(client.createLease(manifest, [bid!.id]), 400, /The selected bid is no longer open/);
});
