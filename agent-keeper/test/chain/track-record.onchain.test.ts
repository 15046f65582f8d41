// TrackRecordReader against the seeded local chain (npm start's program on a free port): jobs
// routed to the seeded sellers and completed, left to miss their start, rerouted after and before
// the start deadline, cancelled, started and left to run out, each refresh reading only the
// blocks mined since the last, and the figures feeding the engine's probation rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicClient, http, keccak256, stringToHex, toHex, zeroAddress } from 'viem';
import type { Address, PublicClient } from 'viem';
import { localUsdcAbi } from '@necto/contracts';
import { READY_TIMEOUT_MS } from '../../../script/test/stack.ts';
import { TrackRecordReader } from '../../src/chain/track-record.ts';
import type { ProviderFigures } from '../../src/chain/track-record.ts';
import { NO_HISTORY, decide, withTrackRecords } from '../../src/engine/index.ts';
import { quote } from '../helpers/quotes.ts';
import { seededChain } from '../helpers/local-chain.ts';

const MAX_PRICE = 5_000_000n;
const REVIEW_SECONDS = 60;

test('the track-record reader on the local chain', { timeout: READY_TIMEOUT_MS + 120_000 }, async (t) => {
  const { seed, deployment, market, rpcUrl, chain } = await seededChain(t, 'track-record');
  const startDeadlinePassed = REVIEW_SECONDS + (deployment.startWindow as number) + 1;

  const frankfurt = seed.sellers['frankfurt-h100-lab'];
  const oregon = seed.sellers['oregon-ml-cloud'];
  const tokyo = seed.sellers['tokyo-render-farm'];
  const [frankfurtH100, frankfurtA100] = frankfurt.offerIds as [number, number];
  const [oregonA100] = oregon.offerIds as [number];
  const [runpodH100] = seed.gateways.runpod.offerIds as [number];
  const buyer = seed.accounts.buyer.address as Address;
  const keeper = deployment.keeper as Address;

  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) }) as PublicClient;
  const logRanges: [bigint, bigint][] = [];
  const spied = {
    ...client,
    getLogs: ((args: { fromBlock: bigint; toBlock: bigint }) => {
      logRanges.push([args.fromBlock, args.toBlock]);
      return client.getLogs(args as never);
    }) as PublicClient['getLogs'],
  } as PublicClient;
  const reader = new TrackRecordReader(spied, market, BigInt(deployment.startBlock));
  const figuresOf = async (providerId: number) => (await reader.refresh()).get(providerId);
  const figures = (fields: Partial<ProviderFigures>): ProviderFigures => ({ ...NO_HISTORY, ...fields });

  let roots = 0;
  let lateFrom = 0n;
  const route = (jobId: bigint, offerId: number, price: bigint) => chain.send(keeper, 'route', [jobId, offerId, price, toHex(++roots, { size: 32 })]);
  const reroute = (jobId: bigint, offerId: number, price: bigint) =>
    chain.send(keeper, 'reroute', [jobId, offerId, price, toHex(++roots, { size: 32 })]);

  await t.test('before any route: every seller at zero, the gateways absent', async () => {
    const all = await reader.refresh();
    assert.deepEqual([...all.keys()].sort((a, b) => a - b), [frankfurt.providerId, oregon.providerId, tokyo.providerId]);
    for (const seller of all.values()) assert.deepEqual(seller, NO_HISTORY);
  });

  await t.test('routed, started and completed: one routing, one start, one completion', async () => {
    const jobId = await requestJob('H100-80G');
    await route(jobId, frankfurtH100, 2_100_000n);
    assert.deepEqual(await figuresOf(frankfurt.providerId), figures({ routed: 1, openRoutings: 1 }));
    await chain.advance(REVIEW_SECONDS);
    await chain.send(frankfurt.owner, 'startJob', [jobId]);
    assert.deepEqual(await figuresOf(frankfurt.providerId), figures({ routed: 1, startedOnTime: 1, running: 1 }));
    await chain.send(frankfurt.owner, 'completeJob', [jobId, 0]);
    assert.deepEqual(await figuresOf(frankfurt.providerId), figures({ routed: 1, startedOnTime: 1, completed: 1 }));
  });

  await t.test('started and never completed: expired once past hours + completion grace, before anyone calls expire', async () => {
    const jobId = await requestJob('A100-80G');
    await route(jobId, oregonA100, await chain.read<bigint>('currentPrice', [oregonA100]));
    await chain.advance(REVIEW_SECONDS);
    await chain.send(oregon.owner, 'startJob', [jobId]);
    await chain.advance(3600 + (deployment.completionGrace as number) + 1);
    const overdue = figures({ routed: 1, startedOnTime: 1, expired: 1 });
    assert.deepEqual(await figuresOf(oregon.providerId), overdue);
    await chain.send(buyer, 'expire', [jobId]);
    assert.deepEqual(await figuresOf(oregon.providerId), overdue, 'counted once');
  });

  await t.test('routed and never started: a missed start once past the start deadline, counted once', async () => {
    const jobId = await requestJob('H100-80G');
    await route(jobId, frankfurtH100, 2_100_000n);
    await chain.advance(startDeadlinePassed);
    const missed = figures({ routed: 2, startedOnTime: 1, completed: 1, missed: 1 });
    assert.deepEqual(await figuresOf(frankfurt.providerId), missed);
    await chain.send(buyer, 'expire', [jobId]);
    assert.deepEqual(await figuresOf(frankfurt.providerId), missed);
  });

  await t.test('rerouted away after the start deadline: a missed start; the new seller has an open routing', async () => {
    const jobId = await requestJob('A100-80G');
    await route(jobId, oregonA100, await chain.read<bigint>('currentPrice', [oregonA100]));
    await chain.advance(startDeadlinePassed);
    await reroute(jobId, frankfurtA100, 1_450_000n);
    const all = await reader.refresh();
    assert.deepEqual(all.get(oregon.providerId), figures({ routed: 2, startedOnTime: 1, missed: 1, expired: 1 }));
    assert.deepEqual(all.get(frankfurt.providerId), figures({ routed: 3, startedOnTime: 1, completed: 1, missed: 1, openRoutings: 1 }));
  });

  await t.test('rerouted to a gateway before the deadline, or cancelled by the buyer: neutral', async () => {
    const rerouted = await requestJob('H100-80G');
    lateFrom = (await client.getBlockNumber()) + 1n;
    await route(rerouted, frankfurtH100, 2_100_000n);
    await reroute(rerouted, runpodH100, 3_000_000n);
    const cancelled = await requestJob('H100-80G');
    await route(cancelled, frankfurtH100, 2_100_000n);
    await chain.send(buyer, 'cancel', [cancelled]);
    const all = await reader.refresh();
    assert.deepEqual(all.get(frankfurt.providerId), figures({ routed: 5, startedOnTime: 1, completed: 1, missed: 1, openRoutings: 1 }));
    assert.deepEqual(all.get(tokyo.providerId), NO_HISTORY);
    assert.equal(all.has(seed.gateways.runpod.providerId), false);
  });

  await t.test('each refresh reads only the blocks mined since the last one', async () => {
    const ranges = logRanges.length;
    const before = await reader.refresh();
    assert.equal(logRanges.length, ranges, 'no new block, no getLogs');
    const [, lastRead] = logRanges.at(-1) as [bigint, bigint];
    const jobId = await requestJob('H100-80G');
    const after = await reader.refresh();
    assert.deepEqual(logRanges.at(-1), [lastRead + 1n, lastRead + 2n], 'approve and request: two blocks');
    assert.deepEqual(after, before, 'a request alone changes no figure');
    await chain.send(buyer, 'cancel', [jobId]);
  });

  await t.test('a reader that reads in small chunks, or starts late, agrees', async () => {
    const whole = await reader.refresh();
    const chunked = await new TrackRecordReader(client, market, BigInt(deployment.startBlock), { chunkBlocks: 3n }).refresh();
    assert.deepEqual(chunked, whole);
    // From the route of the job rerouted to RunPod: its request, the offers and their providers
    // came earlier, and are read from the contract.
    const late = await new TrackRecordReader(client, market, lateFrom).refresh();
    assert.deepEqual([...late.keys()], [frankfurt.providerId], 'the gateway is known as one, and not scored');
    assert.deepEqual(late.get(frankfurt.providerId), figures({ routed: 2 }), 'the two neutral routings');
  });

  await t.test("the figures feed the engine: Frankfurt holds an open routing with 1 of 3 completed, so it is on probation", async () => {
    const all = await reader.refresh();
    const quotes = withTrackRecords(
      [
        quote({ source: 'necto', offerId: String(frankfurtH100), provider: `necto:${frankfurt.providerId}`, effectiveMicroUsdPerGpuHour: 2_100_000 }),
        quote({ source: 'runpod', offerId: 'h100', provider: 'runpod', effectiveMicroUsdPerGpuHour: 3_000_000 }),
      ],
      all,
    );
    const decision = decide({ gpuModel: 'H100-80G', gpuCount: 1, hours: 1 }, quotes, quotes[0]!.observedAt);
    assert.deepEqual(decision.ranking.map((q) => q.source), ['runpod']);
    assert.equal(
      decision.excluded[0]?.reason,
      `necto:${frankfurt.providerId} is on probation: 1 routing awaiting start, 1 of 3 completed`,
    );
  });

  /** Requests 1 GPU of `model` for 1 h anywhere at up to $5.00, 60 s review, reroutable; returns its id. */
  async function requestJob(model: string): Promise<bigint> {
    const workloadURI = 'oci://docker.io/library/busybox:1.37';
    const spec = {
      gpuModel: stringToHex(model, { size: 16 }),
      gpuCount: 1,
      minVramGb: 80,
      country: '0x0000',
      area: 0,
      excludedPricing: 0,
      hoursRequested: 1,
      workloadURI,
      workloadHash: keccak256(stringToHex(workloadURI)),
    };
    await chain.send(buyer, 'approve', [market, MAX_PRICE], deployment.contracts.USDC, localUsdcAbi);
    const request = { spec, maxPricePerGpuHour: MAX_PRICE, mode: 0, teamId: 0, reviewSeconds: REVIEW_SECONDS, rerouteOptIn: true, jobKey: zeroAddress };
    await chain.send(buyer, 'requestJob', [request]);
    return BigInt(await chain.read<bigint>('jobCount'));
  }
});
