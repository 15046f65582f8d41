// The local stack end to end: every port is checked before anything starts (a used one is one line
// naming its variable); on free ports, `npm start`'s program deploys the contracts at the committed
// local addresses, seeds the demo world, lets the keeper route the seeded jobs, serves the app
// pointed at all of it, calls itself ready only once the indexer serves all of it, runs a job
// routed to the Akash gateway through the stand-in Console until it settles, and leaves nothing
// running after Ctrl-C (SIGINT).
// Then: a fresh build generates exactly the committed bindings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { join, resolve } from 'node:path';
import { READY_TIMEOUT_MS, freePort, startFullStack, startStack } from './stack.ts';
import { nectoMarketAbi } from '../../contracts/bindings/index.ts';

const root = resolve(import.meta.dirname, '../..');
const cast = join(root, 'script/bin/cast');
const forge = join(root, 'script/bin/forge');

const JOB_ROUTED = 2;
const MODE_TRACKED = 0;
const MODE_UNTRACKED = 1;
const PRICING = { Fixed: 0, Dynamic: 1, Token: 2, Spot: 3, Auction: 4 };
/** The stack stops at its configuration, before any step: no forge, no anvil. */
const CONFIG_FAILURE_TIMEOUT_MS = 20_000;

for (const variable of ['NECTO_ANVIL_PORT', 'NECTO_INDEXER_PORT', 'KEEPER_API_PORT', 'NECTO_APP_PORT']) {
  test(`a used ${variable} is one line naming it, and nothing starts`, { timeout: CONFIG_FAILURE_TIMEOUT_MS }, async (t) => {
    const ports = {
      NECTO_ANVIL_PORT: await freePort(),
      NECTO_INDEXER_PORT: await freePort(),
      KEEPER_API_PORT: await freePort(),
      NECTO_APP_PORT: await freePort(),
    };
    const used = ports[variable as keyof typeof ports];
    const blocker = await occupy(used);
    t.after(() => blocker.close());

    const { NECTO_ANVIL_PORT: anvilPort, ...others } = ports;
    const failure = await stackFailure(anvilPort, Object.fromEntries(Object.entries(others).map(([k, v]) => [k, String(v)])));
    assert.equal(failure.code, 1, failure.output);
    assert.equal(
      failure.output,
      `port ${used} (${variable}) is in use, probably by another Necto stack: stop it or set ${variable} to a free port\n`,
    );
    if (variable !== 'NECTO_ANVIL_PORT') assert.ok(await isPortFree(anvilPort), 'anvil was started');
  });
}

test('NECTO_INDEXER=off leaves the indexer port unchecked', { timeout: CONFIG_FAILURE_TIMEOUT_MS }, async (t) => {
  const [anvilPort, indexerPort, keeperPort] = [await freePort(), await freePort(), await freePort()];
  const blockers = [await occupy(indexerPort), await occupy(keeperPort)];
  t.after(() => blockers.forEach((blocker) => blocker.close()));
  const failure = await stackFailure(anvilPort, {
    NECTO_INDEXER: 'off',
    NECTO_INDEXER_PORT: String(indexerPort),
    KEEPER_API_PORT: String(keeperPort),
  });
  assert.equal(failure.code, 1, failure.output);
  assert.match(failure.output, new RegExp(`^port ${keeperPort} \\(KEEPER_API_PORT\\) is in use`));
});

test('two services on one port is one line naming both variables', { timeout: CONFIG_FAILURE_TIMEOUT_MS }, async () => {
  const port = await freePort();
  const failure = await stackFailure(port, { NECTO_INDEXER_PORT: String(port) });
  assert.equal(failure.code, 1, failure.output);
  assert.equal(failure.output, `NECTO_ANVIL_PORT and NECTO_INDEXER_PORT are both ${port}: give each service its own port\n`);

  const shared = await freePort();
  const keeperAndIndexer = await stackFailure(await freePort(), {
    NECTO_INDEXER_PORT: String(shared),
    KEEPER_API_PORT: String(shared),
  });
  assert.equal(keeperAndIndexer.code, 1, keeperAndIndexer.output);
  assert.equal(
    keeperAndIndexer.output,
    `NECTO_INDEXER_PORT and KEEPER_API_PORT are both ${shared}: give each service its own port\n`,
  );
});

for (const variable of ['NECTO_KEEPER', 'NECTO_APP']) {
  test(`${variable} takes "on" or "off" only`, { timeout: CONFIG_FAILURE_TIMEOUT_MS }, async () => {
    const failure = await stackFailure(await freePort(), { [variable]: 'yes' });
    assert.equal(failure.code, 1, failure.output);
    assert.equal(failure.output, `${variable} must be "on" or "off", got "yes"\n`);
  });
}

test(
  'the local stack deploys, seeds, routes the seeded jobs, serves the app and stops cleanly',
  { timeout: READY_TIMEOUT_MS + 60_000 },
  async (t) => {
    const started = performance.now();
    // The stand-in Console's workloads exit after 2 s, so a job routed to Akash settles within the test.
    const stack = await startFullStack({ env: { NECTO_AKASH_STANDIN_RUN_S: '2', NECTO_AKASH_STANDIN_BID_S: '1' } });
    t.after(() => stack.cleanup());
    const { deploymentsDir } = stack;
    const { anvil: port, indexer: indexerPort, keeper: keeperPort, app: appPort } = stack.ports as Required<typeof stack.ports>;
    await stack.ready;
    // Read at once, before anything else gives the indexer time to catch up.
    const indexed = await graphql(
      indexerPort,
      '{ providers { totalCount } jobs { items { id mode status buyer offerId decisionRoot } } }',
    );
    t.diagnostic(`ready after ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const read = (name: string) => JSON.parse(readFileSync(join(root, deploymentsDir, name), 'utf8'));
    const deployment = read('31337.json');
    const seed = read('31337.seed.json');
    const call = contractReader(`http://127.0.0.1:${port}`, deployment.contracts.NectoMarket);

    await t.test('once ready, the index already holds the seeded world and the routes the keeper posted', () => {
      assert.equal(indexed.errors, undefined);
      assert.equal(indexed.data.providers.totalCount, 11);
      const jobs = [...indexed.data.jobs.items].sort((a, b) => Number(a.id) - Number(b.id));
      assert.deepEqual(
        jobs.map((j) => [j.id, j.mode, j.status]),
        [['1', 'Tracked', 'Routed'], ['2', 'Untracked', 'Routed']],
      );
      for (const j of jobs) {
        const onChain = call('getJob', j.id);
        assert.equal(j.offerId, onChain.offerId, `job ${j.id} offer`);
        assert.equal(j.decisionRoot, onChain.decisionRoot, `job ${j.id} decision root`);
      }
      assert.equal(jobs[1].buyer, null, 'an Untracked job has no buyer in the index');
    });

    await t.test('the summary names every service and says the keeper routed the seeded jobs', () => {
      assert.match(stack.output(), new RegExp(`Indexer GraphQL at http://127\\.0\\.0\\.1:${indexerPort}/graphql`));
      assert.match(stack.output(), new RegExp(`Keeper API at http://127\\.0\\.0\\.1:${keeperPort} `));
      assert.match(stack.output(), /Seeded jobs, routed by the keeper at start/);
    });

    await t.test('the summary ends with the app URL, right above the ready line', () => {
      const lines = stack.output().trimEnd().split('\n');
      const ready = lines.findIndex((line) => line.startsWith('Necto local stack ready at'));
      assert.match(lines[ready - 1], new RegExp(`^App: http://127\\.0\\.0\\.1:${appPort} `));
    });

    await t.test("the app serves its page and a /config.json naming this stack's services and contracts", async () => {
      const page = await fetch(`${stack.urls.app}/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await page.text(), /<html/i);
      const config = await (await fetch(`${stack.urls.app}/config.json`)).json();
      assert.equal(config.chainId, 31337);
      assert.equal(config.rpcUrl, `http://127.0.0.1:${port}`);
      assert.equal(config.indexerUrl, `http://127.0.0.1:${indexerPort}`);
      assert.equal(config.keeperUrl, `http://127.0.0.1:${keeperPort}`);
      assert.deepEqual(config.contracts, {
        market: deployment.contracts.NectoMarket,
        usdc: deployment.contracts.USDC,
        teamAccess: deployment.contracts.TeamAccess,
      });
    });

    await t.test("the app's origin may call the keeper and the indexer from a browser", async () => {
      const origin = `http://127.0.0.1:${appPort}`;
      const keeper = await fetch(`http://127.0.0.1:${keeperPort}/health`, { headers: { origin } });
      assert.equal(keeper.headers.get('access-control-allow-origin'), origin, 'NECTO_APP_ORIGINS follows NECTO_APP_PORT');
      const indexer = await fetch(`http://127.0.0.1:${indexerPort}/graphql`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ providers { totalCount } }' }),
      });
      assert.equal(indexer.status, 200);
      assert.equal(indexer.headers.get('access-control-allow-origin'), '*', "Ponder's /graphql answers any origin");
    });

    await t.test('a fresh chain gets the committed local deployment', () => {
      assert.deepEqual(deployment, JSON.parse(readFileSync(join(root, 'deployments/31337.json'), 'utf8')));
    });

    await t.test('the keeper routed the two seeded jobs: a Tracked team job and an Untracked one', () => {
      assert.equal(call('jobCount'), 2);
      const tracked = call('getJob', seed.trackedJob.jobId);
      assert.equal(tracked.status, JOB_ROUTED);
      assert.equal(tracked.mode, MODE_TRACKED);
      assert.equal(tracked.teamId, seed.team.teamId);
      assert.equal(tracked.controller, seed.accounts.teamUser.address);
      assert.equal(tracked.reviewSeconds, 0);
      const untracked = call('getJob', seed.untrackedJob.jobId);
      assert.equal(untracked.status, JOB_ROUTED);
      assert.equal(untracked.mode, MODE_UNTRACKED);
      assert.equal(untracked.teamId, 0);
      assert.equal(untracked.controller, seed.untrackedJob.jobKey);
      assert.equal(untracked.reviewSeconds, seed.untrackedJob.reviewSeconds);
      assert.ok(untracked.reviewSeconds > 0, 'the Untracked job has a review window');
    });

    await t.test("the team job is drawn on the team's treasury, within its cap", () => {
      const [balance, windowSpend, cap] = call('teamFunds', seed.team.teamId);
      assert.equal(BigInt(balance), BigInt(seed.team.treasuryDeposit - seed.trackedJob.deposit));
      assert.equal(BigInt(windowSpend), BigInt(seed.trackedJob.deposit));
      assert.equal(BigInt(cap), BigInt(seed.team.spendingCap));
    });

    await t.test(
      '8 gateways price as their networks do; 3 sellers list Fixed, Dynamic and Token offers',
      () => {
        assert.equal(call('providerCount'), 11);
        const expected: Record<string, { pricing: number; tokenId?: string }> = {
          akash: { pricing: PRICING.Auction },
          ionet: { pricing: PRICING.Token, tokenId: 'io-net' },
          'aws-spot': { pricing: PRICING.Spot },
          render: { pricing: PRICING.Token, tokenId: 'render-token' },
          nosana: { pricing: PRICING.Token, tokenId: 'nosana' },
          runpod: { pricing: PRICING.Fixed },
          lambda: { pricing: PRICING.Fixed },
          vast: { pricing: PRICING.Fixed },
        };
        assert.deepEqual(Object.keys(seed.gateways).sort(), Object.keys(expected).sort());
        for (const [source, { providerId, offerIds }] of Object.entries<any>(seed.gateways)) {
          assert.equal(ascii(call('getProvider', providerId).sourceTag), source);
          assert.ok(offerIds.length > 0, `${source} has an offer`);
          const offer = call('getOffer', offerIds[0]);
          assert.equal(offer.providerId, providerId);
          assert.equal(offer.pricing, expected[source].pricing, `${source} pricing model`);
          assert.equal(ascii(offer.tokenId), expected[source].tokenId ?? '', `${source} token id`);
          assert.ok(BigInt(offer.price) > 0n, `${source} commits a USD ceiling`);
          assert.equal(BigInt(call('currentPrice', offerIds[0])), BigInt(offer.price), `${source} ceiling`);
        }

        const sellerPricing = new Set<number>();
        for (const { providerId, owner, offerIds } of Object.values<any>(seed.sellers)) {
          const provider = call('getProvider', providerId);
          assert.equal(ascii(provider.sourceTag), '', 'a Necto seller has no source tag');
          assert.equal(provider.owner, owner);
          for (const offerId of offerIds) {
            const offer = call('getOffer', offerId);
            sellerPricing.add(offer.pricing);
            assert.ok(BigInt(offer.price) > 0n, 'every offer commits a USD price, floor or ceiling');
          }
        }
        assert.equal(Object.keys(seed.sellers).length, 3);
        assert.deepEqual([...sellerPricing].sort(), [PRICING.Fixed, PRICING.Dynamic, PRICING.Token]);
      },
    );

    await t.test('a job routed to the Akash gateway runs through the stand-in Console on its own and settles on-chain', async () => {
      // 16 H100s in one unit: on the seeded market only the Akash gateway carries it.
      const cli = spawnSync(process.execPath, [join(root, 'agent-keeper/src/cli/main.ts'), 'request', '--gpu', 'H100', '--count', '16', '--hours', '1', '--max-price', '3', '--workload', 'oci://ghcr.io/acme/train:1', '--no-follow', '--json'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NECTO_RPC_URL: `http://127.0.0.1:${port}`, NECTO_MARKET_ADDRESS: deployment.contracts.NectoMarket, KEEPER_URL: `http://127.0.0.1:${keeperPort}` },
      });
      assert.equal(cli.status, 0, cli.stderr);
      const { jobId } = JSON.parse(cli.stdout) as { jobId: string };
      type Report = { status: string; offerId?: number; fulfilment?: { by: string; state: string; deployment?: string; acceptedBid?: { usdPerGpuHour: number; routedUsdPerGpuHour: number }; record?: string } };
      let report: Report | undefined;
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
        // A poll can meet a keep-alive socket the keeper just closed (Node's 5 s idle timeout): ask again.
        report = (await fetch(`http://127.0.0.1:${keeperPort}/jobs/${jobId}`).then((r) => r.json()).catch(() => report)) as Report | undefined;
        if (report?.fulfilment?.state === 'settled' || report?.fulfilment?.state === 'failed') break;
      }
      assert.equal(report?.offerId, seed.gateways.akash.offerIds[0], 'routed to the Akash gateway');
      assert.equal(report?.fulfilment?.by, 'gateway');
      assert.equal(report?.fulfilment?.state, 'settled', JSON.stringify(report));
      const fulfilment = report!.fulfilment!;
      assert.match(fulfilment.deployment!, /^\d{13,}$/);
      assert.ok(fulfilment.acceptedBid!.usdPerGpuHour <= fulfilment.acceptedBid!.routedUsdPerGpuHour, 'no bid above the routed price');
      assert.match(fulfilment.record!, /^0x[0-9a-f]{64}$/);
      const job = call('getJob', BigInt(jobId));
      assert.equal(job.status, 4, 'Completed on-chain');
      assert.ok(job.usedSeconds >= 2 && job.usedSeconds < 3600, `${job.usedSeconds} s used`);
    });

    await t.test('SIGINT stops the app, the keeper, the indexer and anvil and frees their ports', async () => {
      const exitCode = await stack.stop();
      assert.equal(exitCode, 0, stack.output());
      assert.match(stack.output(), /Stopping app\.\.\. ok/);
      assert.match(stack.output(), /Stopping keeper\.\.\. ok/);
      assert.match(stack.output(), /Stopping indexer\.\.\. ok/);
      assert.match(stack.output(), /Stopping anvil\.\.\. ok/);
      for (const used of [port, indexerPort, keeperPort, appPort]) assert.ok(await isPortFree(used), `port ${used} is still in use`);
    });
  },
);

test('a fresh build generates exactly the committed bindings', () => {
  const build = spawnSync(forge, ['build', '--skip', 'test'], { cwd: root, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stdout + build.stderr);
  const check = spawnSync(process.execPath, [join(root, 'contracts/tools/generate-bindings.ts'), '--check'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(check.status, 0, check.stderr);
});

/* HELPERS */

/** Runs the stack expecting it to stop at its configuration: exit code and everything it printed. */
async function stackFailure(port: number, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const stack = startStack(port, `deployments/.test-config-${process.pid}`, env);
  const code = await stack.exited;
  return { code, output: stack.output() };
}

/** Holds a port as another program would. */
function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function graphql(port: number, query: string): Promise<{ data: any; errors?: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data: any; errors?: unknown };
}

type AbiParameter = { name: string; type: string; components?: readonly AbiParameter[] };

/** Calls a NectoMarket view through cast, typed from the bindings' ABI; structs come back as objects,
 * several results as an array. */
function contractReader(rpcUrl: string, address: string) {
  const typeOf = (p: AbiParameter): string =>
    p.type.startsWith('tuple') ? `(${p.components!.map(typeOf).join(',')})${p.type.slice(5)}` : p.type;
  return (name: string, ...args: (string | number)[]): any => {
    const fn = nectoMarketAbi.find((item) => item.type === 'function' && item.name === name) as unknown as {
      inputs: AbiParameter[];
      outputs: AbiParameter[];
    };
    const signature = `${name}(${fn.inputs.map(typeOf).join(',')})(${fn.outputs.map(typeOf).join(',')})`;
    const json = execFileSync(
      cast,
      ['call', address, signature, ...args.map(String), '--rpc-url', rpcUrl, '--json'],
      {
        encoding: 'utf8',
      },
    );
    const values = JSON.parse(json);
    if (fn.outputs.length > 1) return values;
    const [value] = values;
    const [output] = fn.outputs;
    if (!output.components) return value;
    return Object.fromEntries(output.components.map((component, i) => [component.name, value[i]]));
  };
}

/** A bytesN value holding left-aligned ASCII, as the contracts store source tags and token ids. */
function ascii(hex: string): string {
  return Buffer.from(hex.slice(2), 'hex').toString('latin1').replace(/\0+$/, '');
}


function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
