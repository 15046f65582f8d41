// `necto operator` on the seeded local chain: a job routed to a gateway of a network whose deploy
// API is not wired is "awaiting operator" until its operator starts it and reports the seconds used.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { keccak256, stringToHex, toHex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { READY_TIMEOUT_MS, freePort } from '../../script/test/stack.ts';
import { ANVIL_MNEMONIC } from '../src/chain/buyer.ts';
import { seededChain } from './helpers/local-chain.ts';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = resolve(import.meta.dirname, '../src/cli/main.ts');

type Run = { code: number | null; stdout: string; stderr: string };

function necto(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

test('usage errors of necto operator are one line naming what was wrong', async (t) => {
  const env = { NECTO_RPC_URL: `http://127.0.0.1:${await freePort()}` };
  const cases: [string[], RegExp][] = [
    [['operator'], /^Usage: necto operator/],
    [['operator', 'frob'], /unknown operator command "frob" \(jobs, start, complete\)/],
    [['operator', 'start'], /start needs a job id/],
    [['operator', 'start', '0'], /<job> must be a job id/],
    [['operator', 'complete', '3'], /complete needs --used SECONDS/],
    [['operator', 'complete', '3', '--used', '-5'], /--used must be a whole number of seconds \(got "-5"\)/],
    [['operator', 'jobs', '--colour'], /Unknown option '--colour'/],
  ];
  for (const [args, message] of cases) {
    await t.test(args.join(' '), async () => {
      const run = await necto(args, env);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr + run.stdout, message);
      if (run.stderr) assert.match(run.stderr, /^necto: [^\n]+\n$/, 'one line, no stack trace');
    });
  }
  await t.test('operator --help', async () => {
    const run = await necto(['operator', 'jobs', '--help'], env);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: necto operator/);
  });
});

test('a job routed to a manual gateway awaits its operator, who starts it and settles it to the base unit', { timeout: READY_TIMEOUT_MS + 120_000 }, async (t) => {
  const { seed, deployment, market, rpcUrl, chain } = await seededChain(t, 'operator', { NECTO_KEEPER: 'off' });
  const env = { NECTO_RPC_URL: rpcUrl, NECTO_MARKET_ADDRESS: market, KEEPER_URL: `http://127.0.0.1:${await freePort()}` };
  const cli = (args: string[], extra: Record<string, string> = {}) => necto(args, { ...env, ...extra });

  // 8 H100s for 2 hours at most $3.00, a one-minute review window: 48 USDC escrowed.
  const requested = await cli(['request', '--gpu', 'H100', '--count', '8', '--hours', '2', '--max-price', '3.00', '--review', '60', '--no-follow', '--json']);
  assert.equal(requested.code, 0, requested.stderr);
  const jobId = BigInt(JSON.parse(requested.stdout).jobId);
  const [runpodOffer] = seed.gateways.runpod.offerIds as number[];
  await chain.send(deployment.keeper, 'route', [jobId, runpodOffer, 2_500_000n, keccak256(stringToHex(`decision ${jobId}`))]);

  await t.test('in its review window the job is listed, and a start is refused in words', async () => {
    const list = await cli(['operator', 'jobs']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`job ${jobId}  runpod +offer ${runpodOffer}  8 x H100-80G for 2 h  in review until `));
    const early = await cli(['operator', 'start', String(jobId)]);
    assert.equal(early.code, 1);
    assert.match(early.stderr, new RegExp(`^necto: job ${jobId} is in its buyer's review window until \\S+: it cannot start before\\n$`));
  });

  await t.test('only the gateway operator may report it', async () => {
    const buyerKey = toHex(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: seed.accounts.buyer.mnemonicIndex }).getHdKey().privateKey!);
    const run = await cli(['operator', 'start', String(jobId)], { NECTO_OPERATOR_KEY: buyerKey });
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`^necto: job ${jobId} runs on offer ${runpodOffer}, which is not on a gateway 0x[0-9a-fA-F]{40} operates\\n$`));
    const seeded = await cli(['operator', 'start', String(seed.trackedJob.jobId)]);
    assert.equal(seeded.code, 1);
    assert.match(seeded.stderr, /is Requested: it is not routed to any offer/);
  });

  await t.test('after the review window it awaits the operator, who starts it', async () => {
    await chain.advance(61);
    const list = await cli(['operator', 'jobs', '--network', 'runpod', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const [task] = JSON.parse(list.stdout);
    assert.equal(task.jobId, String(jobId));
    assert.equal(task.action, 'start');
    const started = await cli(['operator', 'start', String(jobId)]);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, new RegExp(`^Job ${jobId} started`));
    const job = await chain.read<{ status: number }>('getJob', [jobId]);
    assert.equal(job.status, 3); // Started
    const unknownNetwork = await cli(['operator', 'jobs', '--network', 'nosuch']);
    assert.equal(unknownNetwork.code, 2);
    assert.match(unknownNetwork.stderr, /--network: 0x[0-9a-fA-F]{40} operates no "nosuch" gateway/);
  });

  await t.test('completion is refused above the time used, then settles exactly what was used', async () => {
    const tooSoon = await cli(['operator', 'complete', String(jobId), '--used', '5400']);
    assert.equal(tooSoon.code, 1);
    assert.match(tooSoon.stderr, /^necto: 5400 seconds used is more than the \d+ the job allows now/);
    await chain.advance(5400);
    const done = await cli(['operator', 'complete', String(jobId), '--used', '5400']);
    assert.equal(done.code, 0, done.stderr);
    // $2.50 x 8 GPUs x 1.5 h = 30 USDC to the gateway's payout; 48 - 30 = 18 USDC back to the buyer.
    assert.match(done.stdout, new RegExp(`^Job ${jobId} completed after 5400 s: 30\\.00 USDC earned by ${seed.gateways.runpod.owner}, 18\\.00 USDC back to the buyer\\.`));
    const job = await chain.read<{ status: number; usedSeconds: number }>('getJob', [jobId]);
    assert.equal(job.status, 4); // Completed
    assert.equal(job.usedSeconds, 5400);
    assert.equal(await chain.read<bigint>('refundDue', [jobId]), 18_000_000n);
    const list = await cli(['operator', 'jobs']);
    assert.doesNotMatch(list.stdout, new RegExp(`job ${jobId} `), 'a settled job leaves the queue');
  });
});
