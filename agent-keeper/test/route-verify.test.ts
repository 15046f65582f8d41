// `necto route` and `necto verify` on the seeded local chain (npm start's program on a free port):
// route both seeded jobs, verify them, and make verification fail, each with its reason, on a
// tampered record, a record the chain did not commit, and a record whose replay disagrees. Also:
// an offer whose window cannot hold the review window, the start window and the hours is passed
// over exactly when the contract would refuse it, and expired jobs are reported, never rerouted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { keccak256, stringToHex, toHex, zeroAddress } from 'viem';
import type { Address } from 'viem';
import { localUsdcAbi, teamAccessAbi } from '@necto/contracts';
import { READY_TIMEOUT_MS, freePort, startStack } from '../../script/test/stack.ts';
import { canonicalBytes } from '../src/decision/canonical.ts';
import { LocalDecisionStore } from '../src/decision/store.ts';
import type { DecisionRecord } from '../src/decision/record.ts';
import { localChain } from './helpers/local-chain.ts';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = resolve(import.meta.dirname, '../src/cli/main.ts');

type Run = { code: number | null; stdout: string; stderr: string };

test('route and verify the seeded jobs', { timeout: READY_TIMEOUT_MS + 120_000 }, async (t) => {
  const port = await freePort();
  const deploymentsDir = `deployments/.test-keeper-${process.pid}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'necto-decisions-'));
  const stack = startStack(port, deploymentsDir);
  t.after(() => {
    if (stack.child.exitCode === null && stack.child.signalCode === null) stack.child.kill('SIGINT');
    rmSync(join(REPO, deploymentsDir), { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });
  await stack.ready;
  const seed = JSON.parse(readFileSync(join(REPO, deploymentsDir, '31337.seed.json'), 'utf8'));
  const deployment = JSON.parse(readFileSync(join(REPO, deploymentsDir, '31337.json'), 'utf8'));
  const chain = localChain(`http://127.0.0.1:${port}`, deployment.contracts.NectoMarket);
  const env = { NECTO_RPC_URL: `http://127.0.0.1:${port}`, NECTO_DATA_DIR: dataDir, NECTO_PROVIDERS: 'snapshot' };
  const necto = (args: string[], extra: Record<string, string> = {}) => run([CLI, ...args], { ...env, ...extra });
  const store = new LocalDecisionStore(dataDir);

  await t.test('a record that cannot be stored is never referenced on-chain', async () => {
    const failing = await necto(['route', '1'], { NECTO_DATA_DIR: '/dev/null/decisions' });
    assert.equal(failing.code, 1, failing.stderr);
    assert.match(failing.stderr, /necto: .*(store|decisions)/i);
    const verify = await necto(['verify', '1']);
    assert.equal(verify.code, 1);
    assert.match(verify.stdout, /job 1 is Requested: no decision root on-chain yet/);
  });

  let trackedRoot = '';
  await t.test('route posts the cheapest on-chain-routable offer with the record root', async () => {
    const routed = await necto(['route', '1', '--json']);
    assert.equal(routed.code, 0, routed.stderr);
    const outcome = JSON.parse(routed.stdout);
    assert.equal(outcome.status, 'routed');
    assert.match(outcome.root, /^0x[0-9a-f]{64}$/);
    trackedRoot = outcome.root;
    const again = await necto(['route', '1']);
    assert.equal(again.code, 1);
    assert.match(again.stdout, /Job 1 is Routed, not waiting for a route .*nothing sent/);
  });

  await t.test('verify passes every check on a routed job', async () => {
    const verified = await necto(['verify', '1', '--json']);
    assert.equal(verified.code, 0, verified.stdout);
    const report = JSON.parse(verified.stdout);
    assert.equal(report.root, trackedRoot);
    assert.deepEqual(report.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok]), [
      ['root', true],
      ['format', true],
      ['chain root', true],
      ['chain choice', true],
      ['replay', true],
    ]);
    const human = await necto(['verify', '1']);
    assert.match(human.stdout, /✔ replay\s+replaying \d+ quotes gives the same choice/);
    const record: DecisionRecord = report.record;
    assert.equal(record.job?.mode, 'Tracked');
    assert.equal(record.job?.buyer, seed.accounts.teamUser.address.toLowerCase());
    assert.equal(record.job?.teamId, seed.team.teamId);
    assert.equal(record.providers, 'snapshot');
    assert.ok(record.chosen?.onchainOfferId);
  });

  await t.test('an offer whose window holds the hours but not review + start window + hours is passed over, as the contract would refuse it', async () => {
    // A job like the seeded Untracked one (4x A100 for 6 h in North America, 10-minute review),
    // requested by the buyer, and the A100 offer in North America cut short.
    const reviewSeconds = seed.untrackedJob.reviewSeconds as number;
    const jobId = await requestA100Job(seed.accounts.buyer.address, reviewSeconds);
    const [offerId] = seed.sellers['oregon-ml-cloud'].offerIds as number[];
    const seller = seed.sellers['oregon-ml-cloud'].owner as Address;
    // Room for the review window, the hours and a minute: not for the start window.
    const until = (await chain.latestTimestamp()) + reviewSeconds + 6 * 3600 + 60;
    await chain.send(seller, 'setAvailability', [offerId, 0, until]);
    try {
      const price = await chain.read<bigint>('currentPrice', [offerId]);
      await assert.rejects(
        chain.simulate(deployment.keeper, 'route', [jobId, offerId, price, toHex(1, { size: 32 })]),
        /JobRegistry_OutsideWindow/,
      );
      const routed = await necto(['route', String(jobId), '--json']);
      assert.equal(routed.code, 0, routed.stderr);
      const { root } = JSON.parse(routed.stdout);
      const record = JSON.parse(new TextDecoder().decode(await store.get(root))) as DecisionRecord;
      const exclusion = record.excluded.find((e) => e.quote === `necto:${offerId}`);
      assert.equal(exclusion?.constraint, 'onchain-offer');
      assert.match(
        exclusion?.reason ?? '',
        new RegExp(`^on-chain offer ${offerId}: offer is available until \\S+Z, but the job may run until \\S+Z ` +
          `\\(review ${reviewSeconds} s \\+ start window ${deployment.startWindow} s \\+ 6 h from \\S+Z\\)$`),
      );
      assert.notEqual(record.chosen?.onchainOfferId, offerId);
      const verified = await necto(['verify', String(jobId)]);
      assert.equal(verified.code, 0, verified.stdout);
    } finally {
      await chain.send(seller, 'setAvailability', [offerId, 0, 0]);
    }
  });

  await t.test('an Untracked job routes with a record that names neither the buyer nor a team', async () => {
    const routed = await necto(['route', String(seed.untrackedJob.jobId), '--json']);
    assert.equal(routed.code, 0, routed.stderr);
    const { root } = JSON.parse(routed.stdout);
    const text = new TextDecoder().decode(await store.get(root)).toLowerCase();
    for (const who of Object.values(seed.accounts) as { address: string }[]) {
      assert.equal(text.includes(who.address.slice(2).toLowerCase()), false, `record names ${who.address}`);
    }
    assert.equal(/"teamid"|"buyer"/.test(text), false);
    const verified = await necto(['verify', root]);
    assert.equal(verified.code, 0, verified.stdout);
    assert.match(verified.stdout, /✔ privacy\s+Untracked: no buyer and no team/);
  });

  await t.test('a tampered record fails: its bytes no longer hash to the committed root', async () => {
    const file = join(dataDir, `${trackedRoot}.json`);
    const original = readFileSync(file);
    const tampered = Buffer.from(original);
    const digit = tampered.indexOf('"pricePerGpuHour":') + 19;
    tampered.writeUInt8((tampered.readUInt8(digit) ^ 1) & 0xff, digit);
    writeFileSync(file, tampered);
    try {
      const verified = await necto(['verify', '1']);
      assert.equal(verified.code, 1);
      assert.match(verified.stdout, /✘ fetch\s+record 0x[0-9a-f]{64} read from .* hashes to 0x[0-9a-f]{64}/);
      assert.match(verified.stdout, /NOT verified/);
    } finally {
      writeFileSync(file, original);
    }
  });

  const record = JSON.parse(new TextDecoder().decode(await store.get(trackedRoot))) as DecisionRecord;

  await t.test('a record whose choice differs from the chain fails the chain checks', async () => {
    const forged = structuredClone(record);
    forged.chosen = { ...forged.chosen!, onchainOfferId: (forged.chosen!.onchainOfferId ?? 0) + 1, pricePerGpuHour: 1 };
    const root = await store.put(canonicalBytes(forged));
    const verified = await necto(['verify', root]);
    assert.equal(verified.code, 1);
    assert.match(verified.stdout, /✔ root /);
    assert.match(verified.stdout, /✘ chain root\s+the chain commits 0x[0-9a-f]{64} for job 1, not 0x/);
    assert.match(verified.stdout, /✘ chain choice\s+the chain routed to offer \d+ at \d+, the record chose offer \d+ at 1/);
  });

  await t.test('a record whose replay disagrees fails the replay check', async () => {
    const forged = structuredClone(record);
    const runnerUp = forged.quotes.find((q) => `${q.source}:${q.offerId}` === forged.ranking[1]);
    assert.ok(runnerUp, 'the job has a runner-up offer');
    runnerUp.effectiveMicroUsdPerGpuHour = 1; // now cheaper than the recorded choice
    const root = await store.put(canonicalBytes(forged));
    const verified = await necto(['verify', root, '--json']);
    assert.equal(verified.code, 1);
    const replay = JSON.parse(verified.stdout).checks.find((c: { name: string }) => c.name === 'replay');
    assert.equal(replay.ok, false);
    assert.match(replay.detail, /replay chooses .*, the record /);
  });

  await t.test("a revoked member's team job is marked unroutable, with the reason, and its deposit goes back to the team", async () => {
    const teamAccess = deployment.contracts.TeamAccess as Address;
    const user = seed.accounts.teamUser.address as Address;
    const admin = seed.accounts.teamAdmin.address as Address;
    const request = a100Request(0, seed.team.teamId);
    await chain.send(user, 'requestJob', [request]);
    const jobId = BigInt(await chain.read<bigint>('jobCount'));
    const [before] = await chain.read<[bigint]>('teamFunds', [seed.team.teamId]);
    await chain.send(admin, 'setRole', [seed.team.teamId, user, 0], teamAccess, teamAccessAbi);
    try {
      const routed = await necto(['route', String(jobId), '--json']);
      assert.equal(routed.code, 0, routed.stderr);
      const outcome = JSON.parse(routed.stdout);
      assert.equal(outcome.status, 'unroutable');
      const record = JSON.parse(new TextDecoder().decode(await store.get(outcome.root))) as DecisionRecord;
      assert.ok(record.excluded.length > 0);
      assert.ok(
        record.excluded.every((e) => e.reason.includes(`the submitter ${user.toLowerCase()} is no longer a User or Admin of team ${seed.team.teamId}`) || e.constraint !== 'onchain-offer'),
      );
      const [after] = await chain.read<[bigint]>('teamFunds', [seed.team.teamId]);
      assert.equal(after - before, request.maxPricePerGpuHour * 4n * 6n, 'the deposit is back in the treasury');
      const verified = await necto(['verify', String(jobId)]);
      assert.equal(verified.code, 0, verified.stdout);
    } finally {
      await chain.send(admin, 'setRole', [seed.team.teamId, user, 2], teamAccess, teamAccessAbi);
    }
  });

  await t.test('expired jobs are reported, not routed again, and their decisions still verify', async () => {
    // Past both routed jobs' start deadlines (review end + start window), unstarted.
    await chain.advance(seed.untrackedJob.reviewSeconds + deployment.startWindow + 1);
    const untracked = String(seed.untrackedJob.jobId);
    await chain.send(seed.accounts.buyer.address, 'expire', [BigInt(untracked)]);
    const again = await necto(['route', untracked]);
    assert.equal(again.code, 1);
    assert.match(
      again.stdout,
      new RegExp(`^Job ${untracked} is Expired, not waiting for a route \\(offer \\d+ at \\$[\\d.]+/GPU-h, root 0x[0-9a-f]{64}, not started by \\S+Z\\): nothing sent\\.$`, 'm'),
    );
    const verified = await necto(['verify', untracked]);
    assert.equal(verified.code, 0, verified.stdout);
    assert.match(verified.stdout, /✔ chain choice\s+the chain routed to offer \d+ at \d+ micro-USD\/GPU-h, as recorded \(the job is Expired now\)/);

    // A team job's deposit goes back to its treasury at once: Expired, then Refunded, in one transaction.
    await chain.send(seed.accounts.buyer.address, 'expire', [1n]);
    const team = await necto(['route', '1']);
    assert.match(team.stdout, /^Job 1 is Refunded, not waiting for a route \(offer \d+ at .*\): nothing sent\.$/m);
    const teamVerified = await necto(['verify', '1']);
    assert.equal(teamVerified.code, 0, teamVerified.stdout);
    assert.match(teamVerified.stdout, /as recorded \(the job is Refunded now\)/);
  });

  /** Requests 4x A100 for 6 h in North America at up to $2.00 as `buyer`; returns the job id. */
  async function requestA100Job(buyer: Address, reviewSeconds: number): Promise<bigint> {
    const request = a100Request(reviewSeconds, 0);
    await chain.send(buyer, 'approve', [deployment.contracts.NectoMarket, request.maxPricePerGpuHour * 4n * 6n], deployment.contracts.USDC, localUsdcAbi);
    await chain.send(buyer, 'requestJob', [request]);
    return BigInt(await chain.read<bigint>('jobCount'));
  }

  /** 4x A100 for 6 h in North America at up to $2.00, for `teamId` (0: none). */
  function a100Request(reviewSeconds: number, teamId: number) {
    const maxPrice = 2_000_000n;
    const workloadURI = 'oci://docker.io/vllm/vllm-openai:v0.6.3';
    const spec = {
      gpuModel: stringToHex('A100-80G', { size: 16 }),
      gpuCount: 4,
      minVramGb: 80,
      country: '0x0000',
      area: 1,
      excludedPricing: 0,
      hoursRequested: 6,
      workloadURI,
      workloadHash: keccak256(stringToHex(workloadURI)),
    };
    return { spec, maxPricePerGpuHour: maxPrice, mode: 0, teamId, reviewSeconds, rerouteOptIn: false, jobKey: zeroAddress };
  }
});

function run(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
