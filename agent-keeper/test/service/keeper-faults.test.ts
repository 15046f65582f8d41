// The keeper service on a real seeded anvil chain, and the faults it must survive: a brand-new
// wallet's job routed with a verifiable record and no command typed; the RPC down and back; a
// buyer who cancels first; decision storage failing; every source failing; malformed provider
// data; the keeper killed in the middle of a burst and restarted; two keepers racing; and a
// provider that never starts (failover to another network).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Hex } from 'viem';
import { connectMarket } from '../../src/chain/market.ts';
import type { Market } from '../../src/chain/market.ts';
import { DecisionStoreError, LocalDecisionStore } from '../../src/decision/store.ts';
import type { DecisionStore } from '../../src/decision/store.ts';
import type { DecisionRecord } from '../../src/decision/record.ts';
import { readScanConfig } from '../../src/scan.ts';
import { ActivityLog } from '../../src/service/activity.ts';
import type { ActivityEvent } from '../../src/service/activity.ts';
import { connectOperator } from '../../src/chain/operator.ts';
import { AkashGateway } from '../../src/gateways/akash/akash-gateway.ts';
import type { AkashGatewayDeps } from '../../src/gateways/akash/akash-gateway.ts';
import { AkashConsole } from '../../src/gateways/akash/console-client.ts';
import { startConsoleStandin } from '../../src/gateways/akash/console-standin.ts';
import { startKeeperApi } from '../../src/service/http-api.ts';
import { KeeperService } from '../../src/service/keeper.ts';
import type { AutomatedGateway } from '../../src/service/keeper.ts';
import { readKeeperSettings } from '../../src/service/keeper-config.ts';
import type { KeeperSettings } from '../../src/service/keeper-config.ts';
import { ALL_SOURCES } from '../../src/sources/index.ts';
import type { Source } from '../../src/sources/source.ts';
import { verifyTarget } from '../../src/verify-target.ts';
import { READY_TIMEOUT_MS, STATUS, eventually, startWorld } from '../helpers/keeper-world.ts';
import type { World } from '../helpers/keeper-world.ts';

const CLI = resolve(import.meta.dirname, '../../src/cli/main.ts');

type KeeperRun = { keeper: KeeperService; store: DecisionStore; events: ActivityEvent[]; market: Market; stop(): Promise<void> };

async function startKeeper(
  world: World,
  options: { env?: Record<string, string>; sources?: readonly Source[]; store?: DecisionStore; settings?: Partial<KeeperSettings>; wrap?: (m: Market) => Market; gateway?: (activity: ActivityLog, store: DecisionStore, handBack: AkashGatewayDeps['handBack']) => AutomatedGateway } = {},
): Promise<KeeperRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'necto-keeper-'));
  const env = { ...process.env, ...world.env(dataDir, options.env) };
  const market = await connectMarket(env);
  const store = options.store ?? new LocalDecisionStore(dataDir);
  const activity = new ActivityLog();
  let keeper: KeeperService | undefined;
  const gateway = options.gateway?.(activity, store, (jobId, offerId, reason) => keeper?.handBack(jobId, offerId, reason));
  keeper = new KeeperService({
    activity,
    ...(gateway && { gateway }),
    market: options.wrap ? options.wrap(market) : market,
    store,
    sources: options.sources ?? ALL_SOURCES,
    config: readScanConfig(env),
    settings: { ...readKeeperSettings(env), retrySec: 1, rerouteCheckSec: 1, unroutableGraceSec: 0, ...options.settings },
    pollMs: 50,
  });
  const events: ActivityEvent[] = [];
  keeper.activity.subscribe((e) => events.push(e));
  await keeper.start();
  return {
    keeper,
    store,
    events,
    market,
    async stop() {
      await keeper.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const statusOf = async (world: World, jobId: bigint) => STATUS[(await world.readJob(jobId)).status];
const until = (world: World, jobId: bigint, wanted: string, ms?: number) =>
  eventually(`job ${jobId} to be ${wanted}`, async () => ((await statusOf(world, jobId)) === wanted ? true : undefined), ms);

test('the keeper service on anvil, and its faults', { timeout: READY_TIMEOUT_MS + 300_000 }, async (t) => {
  const world = await startWorld('keeper-faults');
  t.after(() => world.stop());
  await world.addGatewayCapacity('lambda', 'H100-80G', 4000, 4_000_000n);

  await t.test('a brand-new wallet job requested by a direct contract call is routed with a verifiable record', async () => {
    const run = await startKeeper(world);
    try {
      await until(world, 1n, 'Routed'); // the seeded jobs were swept at start
      await until(world, 2n, 'Routed');
      const buyer = await world.newBuyer();
      const { jobId } = await buyer.requestAndWait();
      await until(world, jobId, 'Routed');
      await eventually('the routed event', async () => run.events.find((e) => e.jobId === jobId.toString() && e.kind === 'routed'));
      const job = await world.readJob(jobId);
      const report = await verifyTarget(jobId.toString(), run.store, async () => run.market);
      assert.equal(report.ok, true, JSON.stringify(report.checks));
      const record = report.record as DecisionRecord;
      assert.equal(record.chosen?.onchainOfferId, job.offerId);
      assert.equal(typeof record.scannedAt, 'number');
      assert.equal(typeof record.scanAgeSeconds, 'number');
      // Each step is narrated for the job: sources, decision, record, transaction, outcome.
      const kinds = run.events.filter((e) => e.jobId === jobId.toString()).map((e) => e.kind);
      for (const kind of ['job', 'source', 'scan', 'decision', 'store', 'tx', 'routed']) assert.ok(kinds.includes(kind as never), `${kind} in ${kinds}`);
      assert.ok(run.events.some((e) => /^Scanning Akash\.\.\. \d+ offers/.test(e.message)));
      assert.ok(run.events.some((e) => /^Posted route 0x[0-9a-f]{64} in block \d+$/.test(e.message)));
    } finally {
      await run.stop();
    }
  });

  await t.test('the HTTP API: quotes with ages, the market board, job status, the activity stream, health, /ask without a model', async () => {
    const run = await startKeeper(world);
    const { createAsker } = await import('../../src/agent/ask-agent.ts');
    const api = await startKeeperApi(run.store, {
      port: 0,
      keeper: { toolkit: run.keeper.toolkit, activity: run.keeper.activity, health: () => run.keeper.health(), market: () => run.keeper.market(), asker: createAsker({ toolkit: run.keeper.toolkit, env: {} }) },
    });
    try {
      const quotes = await (await fetch(`${api.url}/quotes?gpu=H100&count=1&hours=2&maxPrice=3&exclude=spot`)).json();
      assert.ok(quotes.chosen, JSON.stringify(quotes).slice(0, 300));
      assert.ok(quotes.chosen.usdPerGpuHour <= 3);
      assert.notEqual(quotes.chosen.pricingModel, 'spot');
      assert.ok(quotes.ranking.every((q: { ageSeconds: number }) => Number.isInteger(q.ageSeconds) && q.ageSeconds >= 0));
      assert.equal(quotes.providers, 'snapshot');

      // As a job would be routed now: only what an on-chain offer can carry, as the route itself.
      const asJob = await (await fetch(`${api.url}/quotes?gpu=H100&count=8&hours=6&maxPrice=3&review=300`)).json();
      assert.equal(asJob.request.requireOnchainOffer, true);
      assert.ok(asJob.chosen, JSON.stringify(asJob).slice(0, 300));
      const offChain = await (await fetch(`${api.url}/quotes?gpu=H100&count=8&hours=6&maxPrice=3`)).json();
      assert.ok(asJob.eligible <= offChain.eligible, 'carriers only ever remove quotes');
      assert.ok(asJob.exclusionSummary.some((line: string) => /onchainOffer|onchain/i.test(line)), asJob.exclusionSummary.join('; '));
      const badReview = await fetch(`${api.url}/quotes?gpu=H100&review=-1`);
      assert.equal(badReview.status, 400);

      const board = await (await fetch(`${api.url}/market`)).json();
      assert.ok(board.rows.length > 50, `the snapshot's quotes and the Necto sellers: ${board.rows.length}`);
      assert.ok(board.rows.some((r: { source: string }) => r.source === 'necto'));
      assert.ok(board.snapshotRecordedAt > 0);

      const bad = await fetch(`${api.url}/quotes?gpu=H100&count=-2`);
      assert.equal(bad.status, 400);
      const badText = await bad.text();
      assert.match(JSON.parse(badText).error, /"count" must be a positive number \(got "-2"\)/);
      assert.equal(badText.trim().split('\n').length, 1, 'one JSON line');

      // The job's feed, opened before the request, follows it to its route.
      const buyer = await world.newBuyer();
      const jobId = (await run.market.jobCount()) + 1n;
      const feed = await fetch(`${api.url}/jobs/${jobId}/activity`);
      assert.equal(feed.headers.get('content-type'), 'text/event-stream');
      const requested = await buyer.requestAndWait();
      assert.equal(requested.jobId, jobId);
      const lines = await readEvents(feed, (e) => e.kind === 'routed');
      assert.ok(lines.every((e) => e.jobId === jobId.toString()));
      assert.ok(lines.some((e) => /^Chose /.test(e.message)));

      const status = await eventually('the keeper to note the route', async () => {
        const body = await (await fetch(`${api.url}/jobs/${jobId}`)).json();
        return /watching until it starts/.test(body.keeper) ? body : undefined;
      });
      assert.equal(status.status, 'Routed');
      // Routed to an external network's gateway, the job waits for that gateway's operator.
      const routedOffer = (await run.market.readOffers()).find((o) => o.offerId === status.offerId);
      if (routedOffer?.gateway) {
        assert.equal(status.fulfilment.by, 'operator');
        assert.match(status.fulfilment.state, /^(in review|awaiting operator)$/);
        assert.match(status.fulfilment.next, new RegExp(`necto operator start ${jobId}`));
        assert.ok(lines.some((e) => e.data?.fulfilment === 'operator' && /awaiting operator/.test(e.message)), 'the feed says who runs it');
      } else {
        assert.equal(status.fulfilment, undefined, 'a Necto seller runs its own jobs');
      }
      assert.equal((await fetch(`${api.url}/jobs/99999`)).status, 404);
      assert.equal((await fetch(`${api.url}/jobs/abc`)).status, 400);

      const health = await fetch(`${api.url}/health`);
      assert.equal(health.status, 200);
      const body = await health.json();
      assert.equal(body.chain.ok, true);
      assert.equal(body.backlog, 0);

      const ask = await fetch(`${api.url}/ask`, { method: 'POST', body: JSON.stringify({ question: 'cheapest 8x H100' }) });
      assert.equal(ask.status, 503);
      assert.match((await ask.json()).error, /no language model configured/);
    } finally {
      await api.close();
      await run.stop();
    }
  });

  await t.test('a route that reverts because the buyer cancelled first is diagnosed and skipped', async () => {
    const buyer = await world.newBuyer();
    let jobId = 0n;
    const run = await startKeeper(world, {
      wrap: (market) => ({
        ...market,
        async route(id, offerId, price, root) {
          if (id === jobId) await buyer.cancel(id); // the buyer wins the race, after the keeper's last check
          return market.route(id, offerId, price, root);
        },
      }),
    });
    try {
      ({ jobId } = await buyer.requestAndWait());
      const skipped = await eventually('the skip', async () => run.events.find((e) => e.jobId === jobId.toString() && e.kind === 'skipped'));
      assert.match(skipped.message, new RegExp(`job ${jobId} was cancelled`));
      assert.equal(await statusOf(world, jobId), 'Cancelled');
      assert.equal((await world.routings()).get(jobId.toString()), undefined, 'nothing was routed');
    } finally {
      await run.stop();
    }
  });

  await t.test('decision storage failing: nothing is posted and the job waits', async () => {
    const failing: DecisionStore = {
      kind: 'local',
      describe: () => 'a store whose disk is full',
      put: async () => {
        throw new DecisionStoreError('storage', 'cannot write the record: disk full');
      },
      get: async () => {
        throw new DecisionStoreError('not-found', 'nothing stored');
      },
    };
    const buyer = await world.newBuyer();
    const run = await startKeeper(world, { store: failing });
    try {
      const { jobId } = await buyer.requestAndWait();
      const error = await eventually('the storage error', async () => run.events.find((e) => e.jobId === jobId.toString() && e.kind === 'error'));
      assert.match(error.message, /disk full/);
      await eventually('a retry', async () => (run.events.filter((e) => e.jobId === jobId.toString() && e.kind === 'error').length >= 2 ? true : undefined));
      assert.equal(await statusOf(world, jobId), 'Requested');
      assert.equal((await world.routings()).get(jobId.toString()), undefined);
      await buyer.cancel(jobId);
    } finally {
      await run.stop();
    }
  });

  await t.test('every source failing: the job is marked unroutable with each reason on record', async () => {
    const broken = createHttpServer((_req, res) => res.writeHead(500).end('upstream down'));
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(broken.address() as { port: number }).port}`;
    const external = ALL_SOURCES.filter((s) => s.id !== 'necto');
    const env = Object.fromEntries([...external.map((s) => [s.urlEnv, url]), ['NECTO_COINGECKO_URL', url]]);
    const buyer = await world.newBuyer();
    const run = await startKeeper(world, { sources: external, env });
    try {
      const { jobId } = await buyer.requestAndWait();
      await until(world, jobId, 'Unroutable');
      const job = await world.readJob(jobId);
      const record = JSON.parse(new TextDecoder().decode(await run.store.get(job.decisionRoot))) as DecisionRecord;
      assert.equal(record.chosen, null);
      assert.equal(record.noEligibleOffer, 'no source returned a quote');
      assert.equal(record.sources.length, external.length);
      for (const source of record.sources) {
        assert.equal(source.status, 'failed', source.id);
        assert.ok((source.reason ?? '').length > 10, `${source.id} says why: ${source.reason}`);
      }
    } finally {
      await run.stop();
      broken.close();
    }
  });

  await t.test('no eligible offer: the job is held with its reasons and retried, then marked unroutable when its grace ends', async () => {
    const buyer = await world.newBuyer();
    const run = await startKeeper(world, { settings: { unroutableGraceSec: 3, retrySec: 1 } });
    try {
      const { jobId } = await buyer.requestAndWait({ maxPrice: 10_000n }); // $0.01/GPU-h: nobody sells at that
      const held = await eventually('the hold', async () => run.events.find((e) => e.jobId === jobId.toString() && e.kind === 'decision' && /failed/.test(e.message) && /Retrying every 1 s/.test(e.message)));
      assert.match(held.message, /marked unroutable at .* unless an offer appears/);
      assert.equal(await statusOf(world, jobId), 'Requested');
      assert.match((await run.keeper.toolkit.jobStatus(jobId)).keeper, /Retrying every 1 s/);
      await until(world, jobId, 'Unroutable', 15_000);
      const attempts = run.events.filter((e) => e.jobId === jobId.toString() && e.kind === 'job' && /^Routing job/.test(e.message)).length;
      assert.ok(attempts >= 2, `retried (${attempts} attempts)`);
      const record = JSON.parse(new TextDecoder().decode(await run.store.get((await world.readJob(jobId)).decisionRoot))) as DecisionRecord;
      assert.match(record.noEligibleOffer ?? '', /failed/);
    } finally {
      await run.stop();
    }
  });

  await t.test('malformed provider data excludes that source with its reason; the job is still routed', async () => {
    const garbage = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data": {"gpu_8x_h100'));
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(garbage.address() as { port: number }).port}`;
    const buyer = await world.newBuyer();
    const run = await startKeeper(world, { env: { NECTO_LAMBDA_URL: url } });
    try {
      const { jobId } = await buyer.requestAndWait();
      await until(world, jobId, 'Routed');
      const job = await world.readJob(jobId);
      const record = JSON.parse(new TextDecoder().decode(await run.store.get(job.decisionRoot))) as DecisionRecord;
      const lambda = record.sources.find((s) => s.id === 'lambda');
      assert.equal(lambda?.status, 'failed');
      assert.match(lambda?.reason ?? '', /JSON/i);
      assert.ok(record.quotes.every((q) => q.source !== 'lambda'));
    } finally {
      await run.stop();
      garbage.close();
    }
  });

  await t.test('RPC down, then back: the backlog is routed, each job exactly once', async () => {
    const proxy = await tcpProxy(world.port);
    const buyer = await world.newBuyer();
    const run = await startKeeper(world, { env: { NECTO_RPC_URL: proxy.url } });
    try {
      const first = await buyer.requestAndWait();
      await until(world, first.jobId, 'Routed');
      await proxy.cut();
      const during = [await buyer.requestAndWait(), await buyer.requestAndWait()];
      await eventually('the keeper to notice', async () => (run.keeper.health().chain.ok ? undefined : true));
      assert.ok(run.events.some((e) => e.kind === 'error' && /Lost the chain/.test(e.message)));
      for (const { jobId } of during) assert.equal(await statusOf(world, jobId), 'Requested');
      await proxy.restore();
      for (const { jobId } of during) await until(world, jobId, 'Routed');
      assert.ok(run.events.some((e) => /Chain back at block/.test(e.message)));
      const routings = await world.routings();
      for (const { jobId } of [first, ...during]) assert.deepEqual(routings.get(jobId.toString()), ['JobRouted']);
    } finally {
      await run.stop();
      await proxy.close();
    }
  });

  await t.test('a keeper killed in the middle of a burst and restarted routes every job exactly once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'necto-keeper-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = world.env(dataDir, { KEEPER_API_PORT: '0', NECTO_POLL_MS: '50' });
    const ids = await burst(world, 12);
    const first = keeperProcess(env);
    await first.waitFor(/Sent route/);
    first.child.kill('SIGKILL');
    await first.exited;
    const second = keeperProcess(env);
    try {
      for (const id of ids) await until(world, id, 'Routed', 30_000).catch((e: Error) => assert.fail(`${e.message}\n${second.output()}`));
      const routings = await world.routings();
      for (const id of ids) assert.deepEqual(routings.get(id.toString()), ['JobRouted'], `job ${id}`);
    } finally {
      second.child.kill('SIGINT');
      await second.exited;
    }
  });

  await t.test('two keepers racing on one chain route every job exactly once', async () => {
    const dirs = [mkdtempSync(join(tmpdir(), 'necto-a-')), mkdtempSync(join(tmpdir(), 'necto-b-'))];
    t.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
    const keepers = dirs.map((d) => keeperProcess(world.env(d, { KEEPER_API_PORT: '0', NECTO_POLL_MS: '50' })));
    try {
      await Promise.all(keepers.map((k) => k.waitFor(/Watching the market/)));
      const ids = await burst(world, 12);
      for (const id of ids) await until(world, id, 'Routed', 30_000).catch((e: Error) => assert.fail(`${e.message}\n${keepers.map((k) => k.output()).join('\n---\n')}`));
      const routings = await world.routings();
      for (const id of ids) assert.deepEqual(routings.get(id.toString()), ['JobRouted'], `job ${id}`);
      for (const k of keepers) assert.doesNotMatch(k.output(), /at .*\.ts:\d+/, 'no stack trace');
    } finally {
      for (const k of keepers) k.child.kill('SIGINT');
      await Promise.all(keepers.map((k) => k.exited));
    }
  });

  await t.test('before it starts, an opted-in job moves to a markedly cheaper offer, with a linked record', async () => {
    const buyer = await world.newBuyer();
    const run = await startKeeper(world);
    try {
      const { jobId } = await buyer.requestAndWait({ rerouteOptIn: true, reviewSeconds: 600 });
      await until(world, jobId, 'Routed');
      const before = await world.readJob(jobId);
      const check = await run.keeper.toolkit.checkReroute(jobId);
      assert.equal(check.action, 'none', check.reason);
      // A new seller lists far below the routed price (a third of it: below even its track-record handicap).
      const seller = await world.newSeller('H100-80G', 8, before.pricePerGpuHour / 3n);
      await eventually('the cheaper reroute', async () => ((await world.readJob(jobId)).offerId === seller.offerId ? true : undefined), 20_000);
      const after = await world.readJob(jobId);
      assert.equal(after.pricePerGpuHour, before.pricePerGpuHour / 3n);
      const record = JSON.parse(new TextDecoder().decode(await run.store.get(after.decisionRoot))) as DecisionRecord;
      assert.equal(record.previousRoot, before.decisionRoot);
      // The chain shows the reroute a moment before the keeper has its receipt and says so.
      await eventually('the rerouted event', async () => run.events.find((e) => e.jobId === jobId.toString() && e.kind === 'rerouted' && /a cheaper offer/.test(e.message)));
      await buyer.cancel(jobId); // frees the seller's GPUs for the next test
    } finally {
      await run.stop();
    }
  });

  await t.test('a provider that never starts: the opted-in job fails over to another network with a linked record', async () => {
    const buyer = await world.newBuyer();
    const run = await startKeeper(world);
    try {
      const { jobId } = await buyer.requestAndWait({ rerouteOptIn: true });
      await until(world, jobId, 'Routed');
      const before = await world.readJob(jobId);
      const firstRecord = JSON.parse(new TextDecoder().decode(await run.store.get(before.decisionRoot))) as DecisionRecord;
      const now = Number((await world.reader.getBlock()).timestamp);
      await world.anvil.increaseTime({ seconds: before.startDeadline - now + 5 });
      await world.anvil.mine({ blocks: 1 });
      await eventually('the failover', async () => ((await world.readJob(jobId)).decisionRoot !== before.decisionRoot ? true : undefined), 20_000);
      const after = await world.readJob(jobId);
      assert.equal(STATUS[after.status], 'Routed');
      assert.notEqual(after.offerId, before.offerId);
      const record = JSON.parse(new TextDecoder().decode(await run.store.get(after.decisionRoot))) as DecisionRecord;
      assert.equal(record.previousRoot, before.decisionRoot);
      assert.notEqual(record.chosen?.provider, firstRecord.chosen?.provider, 'another provider');
      const failed = record.excluded.filter((e) => /did not start the job by its start deadline/.test(e.reason));
      assert.ok(failed.length > 0, 'the failing provider is excluded with its reason');
      assert.deepEqual((await world.routings()).get(jobId.toString()), ['JobRouted', 'JobRerouted']);
      await eventually('the rerouted event', async () => run.events.find((e) => e.jobId === jobId.toString() && e.kind === 'rerouted' && /failed over/.test(e.message)));
    } finally {
      await run.stop();
    }
  });

  await t.test('an Akash gateway that gets no bid hands the job back, and the keeper fails it over at once', async () => {
    const key = 'ac.sk.production.' + '12'.repeat(32);
    const standin = await startConsoleStandin({ apiKey: key, bidDelayMs: 50 });
    standin.setScenario('no-bids');
    const operator = await connectOperator({ ...process.env, ...world.env('') });
    const run = await startKeeper(world, {
      settings: { rerouteMinSaving: 0.99 }, // no cheaper-offer reroute: only the gateway's failure moves it
      gateway: (activity, store, handBack) => new AkashGateway({ operator, console: new AkashConsole({ baseUrl: standin.url, apiKey: key }), activity, store, handBack, pollMs: 100, timing: { bidTimeoutMs: 500, pollMs: 50 } }),
    });
    try {
      const buyer = await world.newBuyer();
      const { jobId } = await buyer.requestAndWait({ rerouteOptIn: true, workloadURI: 'oci://ghcr.io/acme/train:1' });
      await until(world, jobId, 'Routed');
      // Whatever the keeper chose, the job is moved onto the Akash gateway's offer by hand.
      const akashOffer = await world.gatewayOffer('akash');
      if ((await world.readJob(jobId)).offerId !== akashOffer) await world.keeperRoute(jobId, akashOffer);
      const onAkash = await world.readJob(jobId);
      await eventually('the failover', async () => ((await world.readJob(jobId)).decisionRoot !== onAkash.decisionRoot ? true : undefined), 30_000);
      const after = await world.readJob(jobId);
      assert.equal(STATUS[after.status], 'Routed');
      assert.notEqual(after.offerId, akashOffer);
      const record = JSON.parse(new TextDecoder().decode(await run.store.get(after.decisionRoot))) as DecisionRecord;
      assert.equal(record.previousRoot, onAkash.decisionRoot);
      assert.ok(record.excluded.some((e) => /its gateway cannot run the job: Akash deployment \d+: no provider has bid within 1 s/.test(e.reason)), JSON.stringify(record.excluded.slice(0, 3)));
      await eventually('the gateway narrates it', async () => run.events.find((e) => e.jobId === jobId.toString() && e.kind === 'fulfilment' && /cannot run it: .*handed back to the keeper/.test(e.message)));
      const report = await run.keeper.toolkit.jobStatus(jobId);
      assert.equal(report.offerId, after.offerId);
    } finally {
      await run.stop();
      await standin.close();
    }
  });
});

/** `count` jobs requested in one block by a brand-new wallet: automine off, then one block. */
async function burst(world: World, count: number): Promise<bigint[]> {
  const buyer = await world.newBuyer();
  await world.anvil.setAutomine(false);
  const hashes: Hex[] = [];
  try {
    for (let i = 0; i < count; i++) hashes.push(await buyer.request());
    await world.anvil.mine({ blocks: 1 });
  } finally {
    await world.anvil.setAutomine(true);
  }
  const receipts = await Promise.all(hashes.map((hash) => world.reader.waitForTransactionReceipt({ hash, timeout: 20_000 })));
  assert.equal(new Set(receipts.map((r) => r.blockNumber)).size, 1, 'one block');
  const { jobIdOf } = await import('../helpers/keeper-world.ts');
  return receipts.map((r) => jobIdOf(r.logs));
}

function keeperProcess(env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'keeper'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk;
    for (const l of listeners) l();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    exited,
    output: () => output,
    waitFor(pattern: RegExp, ms = 30_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(output)) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => reject(new Error(`keeper printed no ${pattern} within ${ms} ms:\n${output}`)), ms);
        listeners.add(check);
        check();
      });
    },
  };
}

/** A TCP proxy in front of anvil that a test can cut (every connection dropped, nothing accepted)
 *  and restore on the same port. */
async function tcpProxy(targetPort: number) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve) => {
      server = createTcpServer((client) => {
        const upstream = connect(targetPort, '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server?.address() as { port: number }).port;
        resolve();
      });
    });
  const cut = async () => {
    await new Promise<void>((resolve) => {
      server?.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  };
  await open();
  return { url: `http://127.0.0.1:${port}`, cut, restore: open, close: cut };
}

/** Reads SSE activity events from a response until `last` matches one. */
async function readEvents(response: Response, last: (e: ActivityEvent) => boolean, ms = 15_000): Promise<ActivityEvent[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: ActivityEvent[] = [];
  let buffer = '';
  const deadline = Date.now() + ms;
  try {
    while (Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').find((l) => l.startsWith('data: '));
        if (!data) continue;
        const event = JSON.parse(data.slice(6)) as ActivityEvent;
        events.push(event);
        if (last(event)) return events;
      }
    }
  } finally {
    await reader.cancel();
  }
  throw new Error(`the stream ended without the last event: ${events.map((e) => e.message).join(' | ')}`);
}
