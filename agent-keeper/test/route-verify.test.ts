// `necto route` and `necto verify` on the seeded local chain (npm start's program on a free port):
// route both seeded jobs, verify them, and make verification fail, each with its reason, on a
// tampered record, a record the chain did not commit, and a record whose replay disagrees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { READY_TIMEOUT_MS, freePort, startStack } from '../../script/test/stack.ts';
import { canonicalBytes } from '../src/decision/canonical.ts';
import { LocalDecisionStore } from '../src/decision/store.ts';
import type { DecisionRecord } from '../src/decision/record.ts';

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
