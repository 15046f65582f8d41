// A job routed to the Akash gateway, run end to end on the seeded anvil chain through the Console
// stand-in: deployment, bids, lease, start on-chain, completion with the seconds used, close; and
// the cases handed back for failover (no bids), paid partly (early close) or refused (a workload
// whose hash is not the job's).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keccak256, stringToHex } from 'viem';
import type { Address, Hex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { localUsdcAbi } from '@necto/contracts';
import { READY_TIMEOUT_MS } from '../../../../script/test/stack.ts';
import { ANVIL_MNEMONIC } from '../../../src/chain/buyer.ts';
import { depositFor, jobRequest } from '../../../src/chain/job-request.ts';
import type { JobTerms } from '../../../src/chain/job-request.ts';
import { connectOperator } from '../../../src/chain/operator.ts';
import { manifestURI } from '../../../src/chain/workload.ts';
import { fulfilOnAkash, resumeOnAkash } from '../../../src/gateways/akash/akash-fulfilment.ts';
import type { FulfilmentStep } from '../../../src/gateways/akash/akash-fulfilment.ts';
import { AkashConsole, cheapestBids } from '../../../src/gateways/akash/console-client.ts';
import { akashSdl } from '../../../src/gateways/akash/sdl.ts';
import { startConsoleStandin } from '../../../src/gateways/akash/console-standin.ts';
import type { StandinOptions, StandinScenario } from '../../../src/gateways/akash/console-standin.ts';
import { seededChain } from '../../helpers/local-chain.ts';

const KEY = 'ac.sk.production.' + 'ef'.repeat(32);
const PRICE = 2_500_000n; // the route's $2.50 per GPU-hour, under the akash gateway's $3.00 ceiling
const FAST = { bidDelayMs: 100, readyDelayMs: 100, earlyCloseMs: 1_500 };

test('the Akash gateway runs routed jobs through the Console', { timeout: READY_TIMEOUT_MS + 180_000 }, async (t) => {
  const { seed, deployment, market, rpcUrl, chain } = await seededChain(t, 'akash', { NECTO_KEEPER: 'off' });
  const operator = await connectOperator({ NECTO_RPC_URL: rpcUrl, NECTO_MARKET_ADDRESS: market });
  const buyer = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: seed.accounts.buyer.mnemonicIndex }).address;
  const [akashOffer] = seed.gateways.akash.offerIds as number[];
  const payout = seed.gateways.akash.owner as Address;
  const workloadURI = manifestURI({ image: 'ghcr.io/acme/train:1', command: ['python', 'train.py'] });

  /** Requests 1 H100 for 1 hour at most $3.00 and routes it to the akash gateway at $2.50. */
  async function routedJob(tamper?: (hash: Hex) => Hex) {
    const terms: JobTerms = { gpuModel: 'H100-80G', gpuCount: 1, minVramGb: 80, hours: 1, excludedPricing: [], workloadURI, maxPricePerGpuHour: 3_000_000n, reviewSeconds: 0, rerouteOptIn: true, teamId: 0 };
    const request = jobRequest(terms);
    const spec = tamper ? { ...request.spec, workloadHash: tamper(request.spec.workloadHash) } : request.spec;
    await chain.send(buyer, 'approve', [market, depositFor(terms)], deployment.contracts.USDC, localUsdcAbi as never);
    const before = await chain.read<bigint>('jobCount');
    await chain.send(buyer, 'requestJob', [{ ...request, spec }]);
    const jobId = before + 1n;
    await chain.send(deployment.keeper, 'route', [jobId, akashOffer, PRICE, keccak256(stringToHex(`decision ${jobId}`))]);
    return operator.job(jobId);
  }

  async function run(options: Partial<StandinOptions> & { scenario?: StandinScenario }, jobOf: () => ReturnType<typeof routedJob>, during?: (step: FulfilmentStep) => Promise<void>) {
    const standin = await startConsoleStandin({ apiKey: KEY, ...FAST, ...options });
    t.after(() => standin.close());
    if (options.scenario) standin.setScenario(options.scenario);
    const steps: FulfilmentStep[] = [];
    const job = await jobOf();
    const outcome = await fulfilOnAkash(job, {
      operator,
      console: new AkashConsole({ baseUrl: standin.url, apiKey: KEY }),
      onStep: (_, s) => {
        steps.push(s);
        if (during) void during(s);
      },
      bidTimeoutMs: 1_000,
      readyTimeoutMs: 5_000,
      pollMs: 50,
    });
    const deployments = await fetch(`${standin.url}/v1/deployments`, { headers: { 'x-api-key': KEY } }).then((r) => r.json() as Promise<{ data: { deployments: unknown[] } }>);
    return { job, outcome, steps, standin, activeDeployments: deployments.data.deployments.length };
  }

  await t.test('routed -> deployment -> bids -> lease -> started -> completed after the booked hour -> closed, settled to the base unit', async () => {
    const earningsBefore = await chain.read<bigint>('earningsOf', [payout]);
    // The workload runs on: the booked hour ends first, on the chain's clock.
    const { job, outcome, steps, activeDeployments } = await run({}, () => routedJob(), async (s) => {
      if (s.step === 'started') await chain.advance(3600);
    });
    assert.equal(outcome.outcome, 'settled', JSON.stringify(outcome, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
    assert.deepEqual(steps.map((s) => s.step), ['deployed', 'bid-accepted', 'started', 'ended', 'closed']);
    const accepted = steps.find((s) => s.step === 'bid-accepted')!;
    assert.ok(accepted.step === 'bid-accepted');
    // The SDL's ceiling is $2.50 x 1 GPU / 600 blocks = 4166 uact per block; the stand-in bids 70% of it.
    assert.equal(accepted.uactPerBlock, String(Math.round(4166 * 0.7)));
    assert.equal(accepted.microUsdPerGpuHour, 2916 * 600, 'the accepted bid beside the routed price');
    assert.equal(accepted.routedMicroUsdPerGpuHour, Number(PRICE));
    assert.ok(outcome.outcome === 'settled');
    assert.equal(outcome.settled.usedSeconds, 3600);
    // $2.50 x 1 GPU x 3600 s / 3600 = 2.50 USDC gross, the fee fixed at routing taken from it; 0.50 USDC back to the buyer.
    const fee = (2_500_000n * BigInt(job.feeBps)) / 10_000n;
    assert.equal(outcome.settled.providerEarnings + outcome.settled.protocolFee, 2_500_000n);
    assert.equal(outcome.settled.protocolFee, fee);
    assert.equal(outcome.settled.buyerRefundDue, 500_000n);
    assert.equal(outcome.settled.payout.toLowerCase(), payout.toLowerCase());
    assert.equal((await chain.read<bigint>('earningsOf', [payout])) - earningsBefore, outcome.settled.providerEarnings);
    assert.equal((await operator.job(job.jobId)).status, 'Completed');
    assert.equal(activeDeployments, 0, 'the deployment is closed');
  });

  await t.test('a workload that exits is completed with the seconds it ran', async () => {
    const { job, outcome, steps } = await run({ runMs: 1_500 }, () => routedJob());
    assert.ok(outcome.outcome === 'settled', JSON.stringify(outcome, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
    const ended = steps.find((s) => s.step === 'ended')!;
    assert.ok(ended.step === 'ended' && ended.why === 'workload exited');
    assert.equal(outcome.settled.usedSeconds, ended.usedSeconds);
    assert.ok(ended.usedSeconds < 3600);
    const onchain = await operator.job(job.jobId);
    assert.equal(onchain.usedSeconds, ended.usedSeconds);
    assert.equal(outcome.settled.providerEarnings + outcome.settled.protocolFee, (PRICE * BigInt(ended.usedSeconds)) / 3600n);
  });

  await t.test('no bids: the deployment is closed and the job handed back for failover, still routed', async () => {
    const { job, outcome, steps, activeDeployments } = await run({ scenario: 'no-bids' }, () => routedJob());
    assert.equal(outcome.outcome, 'failed');
    assert.match(outcome.outcome === 'failed' ? outcome.reason : '', /^Akash deployment \d+: no provider has bid within 1 s$/);
    assert.deepEqual(steps.map((s) => s.step), ['deployed', 'closed']);
    assert.equal(activeDeployments, 0);
    assert.equal((await operator.job(job.jobId)).status, 'Routed', 'left for the keeper to fail over');
  });

  await t.test('a lease closed early is paid for the time used, and flagged for failover', async () => {
    const { job, outcome, steps } = await run({ scenario: 'early-close' }, () => routedJob());
    assert.ok(outcome.outcome === 'settled', JSON.stringify(outcome, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
    assert.equal(outcome.earlyClose, true);
    const ended = steps.find((s) => s.step === 'ended')!;
    assert.ok(ended.step === 'ended' && ended.why === 'lease closed early');
    assert.ok(ended.usedSeconds < 3600);
    assert.equal((await operator.job(job.jobId)).usedSeconds, ended.usedSeconds);
    assert.equal(outcome.settled.buyerRefundDue, 3_000_000n - (PRICE * BigInt(ended.usedSeconds)) / 3600n, 'the rest of the deposit is the buyer\'s');
  });

  await t.test('after a restart, a started job whose deployment still runs is watched on and settled', async () => {
    const standin = await startConsoleStandin({ apiKey: KEY, ...FAST, runMs: 1_000 });
    t.after(() => standin.close());
    const akash = new AkashConsole({ baseUrl: standin.url, apiKey: KEY });
    // What the keeper had done before it stopped: deployed, leased, started on-chain.
    const job = await routedJob();
    const sdl = akashSdl({ gpuModel: job.gpuModel, gpuCount: job.gpuCount, pricePerGpuHour: BigInt(job.pricePerGpuHour) }, { schema: 'necto.workload/v1', image: 'ghcr.io/acme/train:1' });
    assert.ok(sdl.ok);
    const { dseq, manifest } = await akash.createDeployment(sdl.sdl);
    await new Promise((r) => setTimeout(r, FAST.bidDelayMs * 3));
    const chosen = cheapestBids(await akash.openBids(dseq), sdl.maxUactPerBlock);
    assert.ok(chosen.ok);
    await akash.createLease(manifest, chosen.bids.map((b) => b.id));
    await new Promise((r) => setTimeout(r, FAST.readyDelayMs * 2));
    await operator.start(job.jobId);
    const steps: FulfilmentStep[] = [];
    const outcome = await resumeOnAkash(await operator.job(job.jobId), { dseq }, { operator, console: akash, onStep: (_, s) => steps.push(s), pollMs: 50 });
    assert.ok(outcome.outcome === 'settled', JSON.stringify(outcome, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
    assert.deepEqual(steps.map((s) => s.step), ['ended', 'closed']);
    assert.equal((await operator.job(job.jobId)).status, 'Completed');
    assert.equal(outcome.bid.provider, chosen.bids[0]!.id.provider, 'the accepted bid read back from the lease');
  });

  await t.test('after a restart, a started job whose deployment is gone is paid only for the time it was seen running', async () => {
    const standin = await startConsoleStandin({ apiKey: KEY, ...FAST });
    t.after(() => standin.close());
    const job = await routedJob();
    await operator.start(job.jobId);
    const started = await operator.job(job.jobId);
    await chain.advance(600);
    const outcome = await resumeOnAkash(started, { dseq: '1795176000999', lastRunningAt: started.startedAt + 120 }, { operator, console: new AkashConsole({ baseUrl: standin.url, apiKey: KEY }), pollMs: 50 });
    assert.ok(outcome.outcome === 'settled');
    assert.equal(outcome.settled.usedSeconds, 120, 'exactly the time last seen running, not the 600 s since');
    assert.equal(outcome.settled.providerEarnings + outcome.settled.protocolFee, (PRICE * 120n) / 3600n);
  });

  await t.test('a workload whose hash is not the job’s is refused before any deployment', async () => {
    const { outcome, steps, activeDeployments, job } = await run({}, () => routedJob((hash) => keccak256(hash)));
    assert.equal(outcome.outcome, 'failed');
    assert.match(outcome.outcome === 'failed' ? outcome.reason : '', /is not the job's workloadHash .*refusing to run it/);
    assert.deepEqual(steps.map((s) => s.step), ['refused']);
    assert.equal(activeDeployments, 0);
    assert.equal((await operator.job(job.jobId)).status, 'Routed', 'nothing was started');
  });
});
