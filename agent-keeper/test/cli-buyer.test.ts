// The buyer's commands (`necto request`, `jobs`, `cancel`) as a user runs them, against the seeded
// local chain (npm start's program on a free port, with no keeper): permit funding, team treasury
// funding, Untracked job keys written before anything is sent, cancels by signature, decoded
// errors, and following a job through the keeper's activity feed or, without a keeper, the chain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPublicClient, http, keccak256, stringToHex, toHex } from 'viem';
import type { Address } from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { localUsdcAbi, nectoMarketAbi } from '@necto/contracts';
import { READY_TIMEOUT_MS, freePort, startStack } from '../../script/test/stack.ts';
import { ANVIL_MNEMONIC } from '../src/chain/buyer.ts';
import type { ActivityEvent } from '../src/service/activity.ts';
import { localChain } from './helpers/local-chain.ts';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = resolve(import.meta.dirname, '../src/cli/main.ts');

type Run = { code: number | null; stdout: string; stderr: string };

test('buyer commands refuse bad flags with a usage error naming the flag, and print their help', async (t) => {
  // No chain: every one of these fails (or answers) before connecting.
  const env = { NECTO_RPC_URL: `http://127.0.0.1:${await freePort()}` };
  const base = ['request', '--gpu', 'H100', '--count', '8', '--hours', '6', '--max-price', '3.00'];
  const cases: [string[], RegExp][] = [
    [['request', '--gpu', 'H100', '--count', '-3', '--hours', '6', '--max-price', '3'], /--count must be a whole number from 1 to 65535 \(got "-3"\)/],
    [['request', '--gpu', 'H100', '--count', '8', '--hours', '0', '--max-price', '3'], /--hours must be a whole number from 1/],
    [['request', '--gpu', 'H100', '--count', '8', '--hours', '6', '--max-price', '-1'], /--max-price must be a price in USD per GPU-hour above 0/],
    [['request', '--gpu', 'H100', '--count', '8', '--hours', '6', '--max-price', '3.0000001'], /--max-price .*at most 6 decimals/],
    [['request', '--gpu', 'Z9000', '--count', '8', '--hours', '6', '--max-price', '3'], /--gpu: unknown GPU model "Z9000"/],
    [['request', '--count', '8', '--hours', '6', '--max-price', '3'], /--gpu is required/],
    [[...base, '--untracked', '--team', '1'], /--team cannot be combined with --untracked/],
    [[...base, '--review', '3601'], /--review must be a whole number from 0 to 3600/],
    [[...base, '--region', 'EU,NA'], /--region: a job names at most one area and one country/],
    [[...base, '--exclude', 'spot,cheap'], /--exclude: "cheap" is not a pricing model/],
    [[...base, '--wait', '-5'], /--wait must be a whole number/],
    [[...base, '--key-file', 'k.json'], /--key-file goes with --untracked/],
    [[...base, '--colour'], /Unknown option '--colour'/],
    [['cancel'], /cancel needs a job id/],
    [['cancel', 'abc'], /<job> must be a job id/],
    [['cancel', '0'], /<job> must be a job id/],
    [['jobs', '--mine'], /Unknown option '--mine'/],
  ];
  for (const [args, message] of cases) {
    await t.test(args.join(' '), async () => {
      const run = await necto(args, env);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /^necto: [^\n]+\n$/, 'one line, no stack trace');
    });
  }
  for (const command of ['request', 'jobs', 'cancel']) {
    await t.test(`${command} --help`, async () => {
      const run = await necto([command, '--help'], env);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^Usage: necto ${command}`));
    });
  }
  await t.test('a chain that does not answer is one line naming NECTO_RPC_URL', async () => {
    const run = await necto(['jobs'], env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^necto: cannot reach the chain at http:\/\/127\.0\.0\.1:\d+ \(NECTO_RPC_URL[^\n]*\n$/);
  });
  await t.test('a malformed NECTO_BUYER_KEY is named', async () => {
    const run = await necto(['jobs'], { ...env, NECTO_BUYER_KEY: '0x1234' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^necto: NECTO_BUYER_KEY must be a 0x-prefixed 32-byte hex private key[^\n]*\n$/);
  });
});

test('request, follow, list and cancel jobs on the seeded local chain', { timeout: READY_TIMEOUT_MS + 180_000 }, async (t) => {
  const port = await freePort();
  const deploymentsDir = `deployments/.test-buyer-${process.pid}`;
  const workDir = mkdtempSync(join(tmpdir(), 'necto-buyer-'));
  const stack = startStack(port, deploymentsDir, { NECTO_KEEPER: 'off' });
  t.after(() => {
    if (stack.child.exitCode === null && stack.child.signalCode === null) stack.child.kill('SIGINT');
    rmSync(join(REPO, deploymentsDir), { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });
  await stack.ready;
  const seed = JSON.parse(readFileSync(join(REPO, deploymentsDir, '31337.seed.json'), 'utf8'));
  const deployment = JSON.parse(readFileSync(join(REPO, deploymentsDir, '31337.json'), 'utf8'));
  const market = deployment.contracts.NectoMarket as Address;
  const usdcAddress = deployment.contracts.USDC as Address;
  const rpcUrl = `http://127.0.0.1:${port}`;
  const chain = localChain(rpcUrl, market);
  const reader = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  const buyer = seed.accounts.buyer.address as Address;
  const teamUser = seed.accounts.teamUser.address as Address;
  const teamUserKey = toHex(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: seed.accounts.teamUser.mnemonicIndex }).getHdKey().privateKey!);
  // Nothing listens here: the CLI finds no keeper, and never one of the usual ports.
  const noKeeper = `http://127.0.0.1:${await freePort()}`;
  const env = { NECTO_RPC_URL: rpcUrl, NECTO_MARKET_ADDRESS: market, KEEPER_URL: noKeeper };
  const cli = (args: string[], extra: Record<string, string> = {}, cwd = workDir) => necto(args, { ...env, ...extra }, cwd);

  const balanceOf = (who: Address) => reader.readContract({ address: usdcAddress, abi: localUsdcAbi, functionName: 'balanceOf', args: [who] });
  const getJob = (jobId: bigint) => reader.readContract({ address: market, abi: nectoMarketAbi, functionName: 'getJob', args: [jobId] });
  const jobCount = () => reader.readContract({ address: market, abi: nectoMarketAbi, functionName: 'jobCount' });
  const [frankfurtH100] = seed.sellers['frankfurt-h100-lab'].offerIds as number[];
  const route = (jobId: bigint) => chain.send(deployment.keeper, 'route', [jobId, frankfurtH100, 2_100_000n, keccak256(stringToHex(`decision ${jobId}`))]);
  /** 2 H100s in the EU for an hour: what the Frankfurt seller's Fixed $2.10 offer can carry. */
  const routable = ['request', '--gpu', 'H100', '--count', '2', '--hours', '1', '--max-price', '3.00', '--region', 'EU'];

  await t.test('an own-funded Tracked request pays by permit: the wallet drops by exactly the deposit, the job holds the flags', async () => {
    const before = await balanceOf(buyer);
    const nonceBefore = await reader.readContract({ address: usdcAddress, abi: localUsdcAbi, functionName: 'nonces', args: [buyer] });
    const run = await cli([
      'request', '--gpu', 'H100', '--count', '8', '--hours', '6', '--max-price', '3.00', '--region', 'EU',
      '--exclude', 'spot,token', '--review', '60', '--reroute', '--workload', 'oci://ghcr.io/acme/train:1', '--no-follow', '--json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    const deposit = 3_000_000n * 8n * 6n;
    assert.equal(out.deposit, String(deposit));
    assert.equal(out.funding, 'permit');
    assert.match(run.stderr, /Deposit: 144\.00 USDC \(\$3\.00 x 8 GPUs x 6 h\)[\s\S]*Job \d+ requested/, 'the deposit is printed before the request');
    assert.equal(before - (await balanceOf(buyer)), deposit);
    // The permit, not an approval, moved exactly the deposit: its nonce was used and no allowance is left.
    const nonceAfter = await reader.readContract({ address: usdcAddress, abi: localUsdcAbi, functionName: 'nonces', args: [buyer] });
    assert.equal(nonceAfter, nonceBefore + 1n);
    assert.equal(await reader.readContract({ address: usdcAddress, abi: localUsdcAbi, functionName: 'allowance', args: [buyer, market] }), 0n);

    const job = await getJob(BigInt(out.jobId));
    assert.equal(job.controller, buyer);
    assert.equal(job.mode, 0);
    assert.equal(job.status, 1);
    assert.equal(job.gpuModel, stringToHex('H100-80G', { size: 16 }));
    assert.equal(job.gpuCount, 8);
    assert.equal(job.hoursRequested, 6);
    assert.equal(job.minVramGb, 80);
    assert.equal(job.area, 3); // EU
    assert.equal(job.country, '0x0000');
    assert.equal(job.excludedPricing, (1 << 2) | (1 << 3)); // Token, Spot
    assert.equal(job.reviewSeconds, 60);
    assert.equal(job.rerouteOptIn, true);
    assert.equal(job.maxPricePerGpuHour, 3_000_000n);
    assert.equal(job.teamId, 0);
    const [requested] = await reader.getContractEvents({ address: market, abi: nectoMarketAbi, eventName: 'JobRequested', args: { jobId: BigInt(out.jobId) }, fromBlock: 0n });
    assert.equal(requested?.args.spec?.workloadURI, 'oci://ghcr.io/acme/train:1');
    assert.equal(requested?.args.spec?.workloadHash, keccak256(stringToHex('oci://ghcr.io/acme/train:1')));
  });

  let untracked: { jobId: bigint; keyFile: string; deposit: bigint; address: Address } | undefined;
  await t.test('an Untracked request writes an owner-only key file first; the key, not the buyer, controls the job', async () => {
    const before = await balanceOf(buyer);
    const run = await cli(['request', '--gpu', 'A100-80G', '--count', '4', '--hours', '6', '--max-price', '2.00', '--untracked', '--no-follow', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.mode, 'Untracked');
    assert.match(run.stderr, /written to .*necto-job-key-0x[0-9a-fA-F]{40}\.json \(mode 0600\)[\s\S]*It alone controls the job[\s\S]*Job \d+ requested/);
    const keyFile = out.keyFile as string;
    assert.equal(keyFile, join(workDir, `necto-job-key-${out.controller}.json`));
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const key = JSON.parse(readFileSync(keyFile, 'utf8'));
    assert.equal(privateKeyToAccount(key.privateKey).address, key.address);
    assert.equal(key.chainId, 31337);
    assert.equal(key.market, market);
    assert.equal(key.jobId, out.jobId, 'annotated with the job id after the receipt');
    const job = await getJob(BigInt(out.jobId));
    assert.equal(job.controller, key.address);
    assert.notEqual(job.controller, buyer);
    assert.equal(job.mode, 1);
    const deposit = 2_000_000n * 4n * 6n;
    assert.equal(before - (await balanceOf(buyer)), deposit);
    untracked = { jobId: BigInt(out.jobId), keyFile, deposit, address: key.address };
  });

  await t.test('when the job key cannot be saved, nothing is sent', async () => {
    const count = await jobCount();
    const balance = await balanceOf(buyer);
    const unwritable = await cli([...routable, '--untracked', '--no-follow', '--key-file', join(workDir, 'no-such-dir', 'key.json')]);
    assert.equal(unwritable.code, 1);
    assert.match(unwritable.stderr, /^necto: cannot write the job key to .*no-such-dir\/key\.json \(ENOENT\): nothing was sent\n$/);
    const taken = join(workDir, 'taken.json');
    writeFileSync(taken, 'an earlier key\n');
    const existing = await cli([...routable, '--untracked', '--no-follow', '--key-file', taken]);
    assert.equal(existing.code, 1);
    assert.match(existing.stderr, /cannot write the job key to .*taken\.json \(EEXIST\): nothing was sent/);
    assert.equal(readFileSync(taken, 'utf8'), 'an earlier key\n', 'an existing file is never overwritten');
    assert.equal(await jobCount(), count);
    assert.equal(await balanceOf(buyer), balance);
  });

  await t.test("a team request draws on the team's treasury, not on the member's wallet", async () => {
    const teamId = seed.team.teamId as number;
    const [treasuryBefore] = await reader.readContract({ address: market, abi: nectoMarketAbi, functionName: 'teamFunds', args: [teamId] });
    const walletBefore = await balanceOf(teamUser);
    const run = await cli(['request', '--gpu', 'H100', '--count', '2', '--hours', '3', '--max-price', '2.50', '--team', String(teamId), '--no-follow', '--json'], { NECTO_BUYER_KEY: teamUserKey });
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.funding, 'team');
    assert.match(run.stderr, new RegExp(`Deposit: 15\\.00 USDC .*from team ${teamId}'s treasury`));
    const [treasuryAfter] = await reader.readContract({ address: market, abi: nectoMarketAbi, functionName: 'teamFunds', args: [teamId] });
    assert.equal(treasuryBefore - treasuryAfter, 2_500_000n * 2n * 3n);
    assert.equal(await balanceOf(teamUser), walletBefore);
    const job = await getJob(BigInt(out.jobId));
    assert.equal(job.teamId, teamId);
    assert.equal(job.controller, teamUser);
  });

  await t.test("a request the treasury cannot cover is refused in words, before anything is sent", async () => {
    const count = await jobCount();
    const run = await cli(['request', '--gpu', 'H100', '--count', '8', '--hours', '200', '--max-price', '2.50', '--team', String(seed.team.teamId), '--no-follow'], { NECTO_BUYER_KEY: teamUserKey });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^necto: team 1's treasury holds [\d.]+ USDC, the deposit needs 4000\.00 USDC\n$/);
    const outsider = await cli(['request', '--gpu', 'H100', '--count', '1', '--hours', '1', '--max-price', '2.50', '--team', String(seed.team.teamId), '--no-follow']);
    assert.equal(outsider.code, 1);
    assert.match(outsider.stderr, new RegExp(`^necto: ${buyer} is not a member of team 1`));
    assert.equal(await jobCount(), count);
  });

  await t.test('cancelling an Untracked job with its key refunds the buyer exactly; the key sends nothing', async () => {
    assert.ok(untracked, 'the Untracked request ran');
    const other = await cli(['cancel', String(seed.untrackedJob.jobId), '--key-file', untracked.keyFile]);
    assert.equal(other.code, 1);
    assert.match(other.stderr, new RegExp(`^necto: the key in .* is ${untracked.address}, but job ${seed.untrackedJob.jobId} is controlled by ${seed.untrackedJob.jobKey}\\n$`, 'i'));

    const before = await balanceOf(buyer);
    // No --key-file: the key file in the current directory is found by the job's controller.
    const run = await cli(['cancel', String(untracked.jobId)]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`Job ${untracked.jobId} cancelled \\(was Requested, signed by the job key in .*\\): refund 48\\.00 USDC paid to ${buyer}`));
    assert.equal((await balanceOf(buyer)) - before, untracked.deposit);
    assert.equal((await getJob(untracked.jobId)).status, 5); // Cancelled
    assert.equal(await reader.getTransactionCount({ address: untracked.address }), 0, 'the job key signed, the buyer sent');
    assert.equal(await reader.getBalance({ address: untracked.address }), 0n);

    const again = await cli(['cancel', String(untracked.jobId)]);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, `necto: job ${untracked.jobId} is Cancelled: it can no longer be cancelled\n`);
  });

  await t.test("cancelling someone else's job is refused in one decoded line", async () => {
    const run = await cli(['cancel', String(seed.trackedJob.jobId)]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `necto: job ${seed.trackedJob.jobId} is not yours: it is controlled by ${teamUser}\n`);
    const missing = await cli(['cancel', '9999']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `necto: job 9999 does not exist on chain 31337 (market ${market})\n`);
    const keyless = await cli(['cancel', String(seed.untrackedJob.jobId)]);
    assert.equal(keyless.code, 1);
    assert.match(keyless.stderr, /^necto: job \d+ is Untracked and controlled by job key 0x[0-9a-fA-F]{40}: pass its key file with --key-file PATH/);
  });

  await t.test('without a keeper, follow watches the chain and gives up at --wait with exit 1', async () => {
    const started = Date.now();
    const run = await cli([...routable, '--wait', '2']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, new RegExp(`Keeper not reachable at ${noKeeper} \\(KEEPER_URL\\): ECONNREFUSED; watching the chain for up to 2 s`));
    assert.match(run.stderr, /^necto: job (\d+) is still Requested after 2 s: no keeper routed it yet\. .*necto cancel \1/);
    assert.ok(Date.now() - started < 30_000);
  });

  await t.test('without a keeper, follow sees the route on the chain and prints the outcome', async () => {
    const count = await jobCount();
    const running = cli([...routable, '--wait', '60']);
    const jobId = await waitFor(async () => ((await jobCount()) > count ? count + 1n : undefined));
    await route(jobId);
    const run = await running;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /watching the chain/);
    assert.match(run.stdout, new RegExp(`Job ${jobId} routed to offer ${frankfurtH100} at \\$2\\.10/GPU-h, decision 0x[0-9a-f]{64}; the provider must start it by \\S+Z\\.`));
  });

  await t.test("with a keeper, follow prints the job's activity until it is routed", async () => {
    const keeper = await activityServer(async (jobId, send) => {
      send({ seq: 1, at: Date.now(), jobId: '999', kind: 'job', message: 'Noticed job 999' });
      send({ seq: 2, at: Date.now(), jobId: String(jobId), kind: 'job', message: `Noticed job ${jobId}` });
      send({ seq: 3, at: Date.now(), jobId: String(jobId), kind: 'source', message: 'Scanning Akash... 6 offers' });
      send({ seq: 4, at: Date.now(), jobId: String(jobId), kind: 'decision', message: 'Chose necto 6 at $2.10/GPU-h' });
      await route(jobId);
      send({ seq: 5, at: Date.now(), jobId: String(jobId), kind: 'routed', message: `Routed job ${jobId} to offer ${frankfurtH100}` });
      // The stream stays open: the CLI must stop at the terminal event, not at the stream's end.
    });
    try {
      const run = await cli([...routable, '--wait', '60'], { KEEPER_URL: keeper.url });
      assert.equal(run.code, 0, run.stderr);
      const jobId = /Job (\d+) requested/.exec(run.stdout)?.[1];
      assert.ok(jobId, run.stdout);
      assert.match(
        run.stdout,
        new RegExp(
          `Following the keeper at ${keeper.url}\\n  Noticed job ${jobId}\\n  Scanning Akash\\.\\.\\. 6 offers\\n  Chose necto 6 at \\$2\\.10/GPU-h\\n` +
            `  Routed job ${jobId} to offer ${frankfurtH100}\\nJob ${jobId} routed to offer ${frankfurtH100} at \\$2\\.10/GPU-h`,
        ),
      );
      assert.doesNotMatch(run.stdout, /Noticed job 999/, "another job's events are not printed");
    } finally {
      await keeper.close();
    }
  });

  await t.test("a keeper that finds no offer within --wait: exit 1 with the keeper's last word", async () => {
    const keeper = await activityServer(async (jobId, send) => {
      send({ seq: 1, at: Date.now(), jobId: String(jobId), kind: 'decision', message: 'No eligible offer among 143 quotes' });
      send({ seq: 2, at: Date.now(), jobId: String(jobId), kind: 'job', message: 'no eligible offer: retrying every 30 s' });
    });
    try {
      const run = await cli([...routable, '--wait', '2'], { KEEPER_URL: keeper.url });
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /  No eligible offer among 143 quotes\n  no eligible offer: retrying every 30 s\n/);
      assert.match(run.stderr, /^necto: job (\d+) is still Requested after 2 s: the keeper's last word: "no eligible offer: retrying every 30 s"\. It stays open; .*necto cancel \1`\n$/);
    } finally {
      await keeper.close();
    }
  });

  await t.test('jobs lists the buyer\'s jobs and those of key files here; --all lists every job', async () => {
    const mine = await cli(['jobs', '--json']);
    assert.equal(mine.code, 0, mine.stderr);
    const listed = JSON.parse(mine.stdout) as { jobId: string; controller: string }[];
    const ids = listed.map((j) => j.jobId);
    assert.ok(untracked && ids.includes(String(untracked.jobId)), 'the Untracked job whose key file is here');
    assert.ok(!ids.includes(String(seed.trackedJob.jobId)), "the team User's job is not the buyer's");
    assert.ok(!ids.includes(String(seed.untrackedJob.jobId)), 'an Untracked job whose key is elsewhere is not listed');
    assert.ok(listed.every((j) => j.controller === buyer || j.controller === untracked?.address));

    const elsewhere = mkdtempSync(join(tmpdir(), 'necto-buyer-elsewhere-'));
    try {
      const withoutKeys = JSON.parse((await cli(['jobs', '--json'], {}, elsewhere)).stdout) as { jobId: string }[];
      assert.deepEqual(withoutKeys.map((j) => j.jobId), ids.filter((id) => id !== String(untracked?.jobId)));
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }

    const all = JSON.parse((await cli(['jobs', '--all', '--json'])).stdout) as { jobId: string }[];
    assert.deepEqual(all.map((j) => j.jobId), Array.from({ length: Number(await jobCount()) }, (_, i) => String(i + 1)));

    const table = await cli(['jobs']);
    assert.equal(table.code, 0, table.stderr);
    const [header, ...rows] = table.stdout.split('\n');
    assert.match(header ?? '', /^ID\s+STATUS\s+MODE\s+GPU\s+HOURS\s+MAX \$\/GPU-H\s+PRICE\s+OFFER\s+NEXT DEADLINE$/);
    assert.ok(rows.some((row) => new RegExp(`^\\d+\\s+Routed\\s+Tracked\\s+H100-80G x2\\s+1\\s+\\$3\\.00\\s+\\$2\\.10\\s+${frankfurtH100}\\s+start in \\d+[smh]$`).test(row)), table.stdout);
    assert.ok(rows.some((row) => new RegExp(`^${untracked?.jobId}\\s+Cancelled\\s+Untracked \\(key here\\)\\s+A100-80G x4`).test(row)), table.stdout);
  });
});

/** A stand-in for the keeper's activity feed: GET /jobs/<id>/activity as Server-Sent Events. */
async function activityServer(
  script: (jobId: bigint, send: (event: ActivityEvent) => void) => Promise<void>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const match = /^\/jobs\/(\d+)\/activity$/.exec(request.url ?? '');
    if (!match) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write(': connected\n\n');
    const send = (event: ActivityEvent) => {
      const frame = `id: ${event.seq}\nevent: activity\ndata: ${JSON.stringify(event)}\n\n`;
      // Split mid-frame, as a network may: the reader must buffer partial lines.
      response.write(frame.slice(0, 7));
      response.write(frame.slice(7));
    };
    void script(BigInt(match[1] as string), send);
  });
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`nothing within ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

function necto(args: string[], env: Record<string, string>, cwd?: string): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, ...(cwd && { cwd }) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

