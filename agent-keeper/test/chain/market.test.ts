// The keeper's chain client against a fake NectoMarket over real JSON-RPC: the v2 Job struct, every
// status including Expired, the start window read once, the team whitelist from the two-value
// teamState, the time a route would be mined at, and one-line errors for a job that does not exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringToHex, zeroAddress } from 'viem';
import { ChainError, JOB_STATUS, connectMarket } from '../../src/chain/market.ts';
import { startFakeMarket } from '../helpers/fake-market.ts';
import type { FakeJob } from '../helpers/fake-market.ts';

const ROOT = `0x${'ab'.repeat(32)}` as const;

/** An expired Untracked job: routed, never started, its review window and start window passed. */
const EXPIRED: FakeJob = {
  controller: '0x8C3229EC621644789d7F61FAa82c6d0E5F97d43D',
  mode: 1,
  status: 8,
  rerouteOptIn: false,
  excludedPricing: 0b11000,
  gpuModel: stringToHex('A100-80G', { size: 16 }),
  gpuCount: 4,
  minVramGb: 80,
  hoursRequested: 6,
  country: '0x0000',
  area: 1,
  teamId: 0,
  reviewSeconds: 600,
  maxPricePerGpuHour: 2_000_000n,
  offerId: 11,
  pricePerGpuHour: 1_300_000n,
  feeBps: 250,
  routedAt: 1_795_176_000,
  reviewEndsAt: 1_795_176_600,
  startDeadline: 1_795_183_800,
  startedAt: 0,
  completionDeadline: 0,
  usedSeconds: 0,
  decisionRoot: ROOT,
};

test('readJob decodes the v2 Job struct, field by field, and knows the Expired status', async (t) => {
  const chain = await startFakeMarket({ startWindow: 7200n, offers: [], jobs: { 2: EXPIRED } });
  t.after(() => chain.close());
  const market = await connectMarket({ NECTO_RPC_URL: chain.url });
  assert.equal(JOB_STATUS[8], 'Expired');
  assert.deepEqual(await market.readJob(2n), {
    jobId: 2n,
    status: 'Expired',
    mode: 'Untracked',
    controller: EXPIRED.controller,
    teamId: 0,
    rerouteOptIn: false,
    gpuModel: 'A100-80G',
    gpuCount: 4,
    minVramGb: 80,
    hoursRequested: 6,
    area: 'NA',
    excludedPricing: ['Spot', 'Auction'],
    reviewSeconds: 600,
    maxPricePerGpuHour: 2_000_000,
    offerId: 11,
    pricePerGpuHour: 1_300_000,
    feeBps: 250,
    routedAt: 1_795_176_000,
    reviewEndsAt: 1_795_176_600,
    startDeadline: 1_795_183_800,
    startedAt: 0,
    completionDeadline: 0,
    usedSeconds: 0,
    decisionRoot: ROOT,
  });
});

test('the start window is read once, when connecting', async (t) => {
  const chain = await startFakeMarket({ startWindow: 5400n, offers: [], jobs: { 2: EXPIRED } });
  t.after(() => chain.close());
  const market = await connectMarket({ NECTO_RPC_URL: chain.url });
  await market.readJob(2n);
  await market.readJob(2n);
  assert.equal(market.startWindow, 5400);
  assert.equal(chain.calls.filter((name) => name === 'startWindow').length, 1);
});

test('a status this keeper does not know, and a job that does not exist, are one-line ChainErrors', async (t) => {
  const chain = await startFakeMarket({ startWindow: 7200n, offers: [], jobs: { 3: { ...EXPIRED, status: 9 } } });
  t.after(() => chain.close());
  const market = await connectMarket({ NECTO_RPC_URL: chain.url });
  await assert.rejects(market.readJob(3n), (error: Error) => {
    assert.ok(error instanceof ChainError);
    assert.equal(error.message, 'job 3 has status 9, which this version of Necto does not know');
    return true;
  });
  await assert.rejects(market.readJob(4n), (error: Error) => {
    assert.ok(error instanceof ChainError);
    assert.equal(error.message, `job 4 does not exist on chain 31337 (market ${chain.market})`);
    return true;
  });
});

test('teamWhitelist reads the two-value teamState: off means any provider, on lists the allowed ones', async (t) => {
  const chain = await startFakeMarket({
    startWindow: 7200n,
    offers: [],
    teams: {
      1: { adminCount: 1, whitelistEnabled: true, allowed: [2, 3] },
      2: { adminCount: 2, whitelistEnabled: false, allowed: [2] },
    },
  });
  t.after(() => chain.close());
  const market = await connectMarket({ NECTO_RPC_URL: chain.url });
  const providers = [1, 2, 3].map((providerId) => ({ providerId }));
  assert.deepEqual(await market.teamWhitelist(1, providers), [2, 3]);
  assert.equal(await market.teamWhitelist(2, providers), undefined);
});

test('teamSubmitterActive: a User or Admin still submits, a Viewer or a revoked member does not', async (t) => {
  const [user, admin, viewer, revoked] = ['0x' + '1'.repeat(40), '0x' + '2'.repeat(40), '0x' + '3'.repeat(40), '0x' + '4'.repeat(40)];
  const chain = await startFakeMarket({
    startWindow: 7200n,
    offers: [],
    teams: { 1: { adminCount: 1, whitelistEnabled: false, allowed: [], roles: { [user]: 2, [admin]: 3, [viewer]: 1 } } },
  });
  t.after(() => chain.close());
  const market = await connectMarket({ NECTO_RPC_URL: chain.url });
  const active = async (account: string) => market.teamSubmitterActive(1, account as `0x${string}`);
  assert.deepEqual(await Promise.all([user, admin, viewer, revoked].map(active)), [true, true, false, false]);
});

test('a chain without the market at the expected address is a one-line ChainError at connect', async (t) => {
  const chain = await startFakeMarket({ startWindow: 7200n, offers: [] });
  t.after(() => chain.close());
  await assert.rejects(connectMarket({ NECTO_RPC_URL: chain.url, NECTO_MARKET_ADDRESS: zeroAddress }), (error: Error) => {
    assert.ok(error instanceof ChainError);
    assert.match(error.message, /^cannot read the market at 0x0{40} on chain 31337: /);
    assert.equal(error.message.includes('\n'), false);
    return true;
  });
});

test('routeTime: the wall clock on an idle chain, the latest block + 1 on a chain ahead of it', async (t) => {
  const wallClock = Math.floor(Date.now() / 1000);
  const idle = await startFakeMarket({ startWindow: 7200n, offers: [], blockTimestamp: wallClock - 3 * 3600 });
  const ahead = await startFakeMarket({ startWindow: 7200n, offers: [], blockTimestamp: wallClock + 7800 });
  t.after(() => Promise.all([idle.close(), ahead.close()]));
  const idleTime = await (await connectMarket({ NECTO_RPC_URL: idle.url })).routeTime();
  assert.ok(idleTime >= wallClock && idleTime <= Math.floor(Date.now() / 1000), `${idleTime} is the wall clock`);
  assert.equal(await (await connectMarket({ NECTO_RPC_URL: ahead.url })).routeTime(), wallClock + 7801);
});
