// The keeper service's latency from a request's block to its route's receipt, on a real seeded
// anvil chain with snapshot sources: 200 jobs one after another with automine, 200 jobs with
// 1 s interval mining, and a burst of 100 requests in one block. Each job's time is split by the
// keeper's own activity events into where it goes: noticing the block, the scan, the decision
// (offers, track records, engine), the record (canonical JSON, 0G root, store), the transaction.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectMarket } from '../src/chain/market.ts';
import { canonicalBytes } from '../src/decision/canonical.ts';
import { decisionRoot } from '../src/decision/root.ts';
import { LocalDecisionStore } from '../src/decision/store.ts';
import { readScanConfig } from '../src/scan.ts';
import type { ActivityEvent } from '../src/service/activity.ts';
import { KeeperService } from '../src/service/keeper.ts';
import { readKeeperSettings } from '../src/service/keeper-config.ts';
import { ALL_SOURCES } from '../src/sources/index.ts';
import { startWorld } from '../test/helpers/keeper-world.ts';
import type { World } from '../test/helpers/keeper-world.ts';
import { percentile, summarize } from './stats.ts';
import type { BenchResult } from './stats.ts';

export type LatencyResult = BenchResult & { phases: Record<string, number> };

const JOBS = 200;
const BURST = 100;

export async function benchRoutingLatency(): Promise<{ results: LatencyResult[]; burstMs: number; rootMs: number }> {
  const world = await startWorld('bench');
  const dataDir = mkdtempSync(join(tmpdir(), 'necto-bench-'));
  const blocks = await blockClock(world);
  try {
    await world.addGatewayCapacity('runpod', 'H100-80G', 10_000, 4_000_000n);
    const env = { ...process.env, ...world.env(dataDir) };
    const market = await connectMarket(env);
    const store = new LocalDecisionStore(dataDir);
    const keeper = new KeeperService({ market, store, sources: ALL_SOURCES, config: readScanConfig(env), settings: readKeeperSettings(env), pollMs: 200 });
    const events: ActivityEvent[] = [];
    keeper.activity.subscribe((e) => events.push(e));
    await keeper.start();
    await keeper.whenIdle();
    const buyer = await world.newBuyer();

    const automine: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const { jobId } = await buyer.requestAndWait();
      await routed(events, jobId.toString());
      automine.push(jobId.toString());
    }

    await world.anvil.setAutomine(false);
    await world.anvil.setIntervalMining({ interval: 1 });
    const interval: string[] = [];
    const pending = [];
    for (let i = 0; i < JOBS; i++) {
      pending.push(buyer.request());
      await new Promise((r) => setTimeout(r, 100));
    }
    const hashes = await Promise.all(pending);
    const receipts = await Promise.all(hashes.map((hash) => world.reader.waitForTransactionReceipt({ hash, timeout: 60_000 })));
    const { jobIdOf } = await import('../test/helpers/keeper-world.ts');
    for (const r of receipts) interval.push(jobIdOf(r.logs).toString());
    for (const id of interval) await routed(events, id, 60_000);
    await world.anvil.setIntervalMining({ interval: 0 });

    const burstHashes: `0x${string}`[] = [];
    for (let i = 0; i < BURST; i++) burstHashes.push(await buyer.request());
    await world.anvil.mine({ blocks: 1 });
    await world.anvil.setAutomine(true);
    const burstReceipts = await Promise.all(burstHashes.map((hash) => world.reader.waitForTransactionReceipt({ hash, timeout: 60_000 })));
    const burst = burstReceipts.map((r) => jobIdOf(r.logs).toString());
    for (const id of burst) await routed(events, id, 120_000);
    const burstBlockSeen = blocks.seenAt(burstReceipts[0]?.blockNumber ?? 0n);
    const burstMs = Math.max(...burst.map((id) => eventAt(events, id, 'routed'))) - burstBlockSeen;

    await keeper.stop();
    const sample = await store.get((await world.readJob(BigInt(automine[0] ?? '1'))).decisionRoot as `0x${string}`);
    const rootMs = await timeRoot(sample);

    const requestBlock = new Map([...automine, ...interval, ...burst].map((id) => [id, blockOfRequest(events, id)]));
    const measure = (name: string, ids: string[]) => {
      const latencies = ids.map((id) => eventAt(events, id, 'routed') - blocks.seenAt(requestBlock.get(id) ?? 0n));
      return { ...summarize(name, latencies), phases: phases(events, ids, (id) => blocks.seenAt(requestBlock.get(id) ?? 0n)) };
    };
    return {
      results: [
        measure(`request block to route receipt, automine (${JOBS} jobs)`, automine),
        measure(`request block to route receipt, 1 s blocks (${JOBS} jobs)`, interval),
        measure(`request block to route receipt, burst of ${BURST} in one block`, burst),
      ],
      burstMs,
      rootMs,
    };
  } finally {
    blocks.close();
    world.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** When each block was first seen, from a WebSocket new-head subscription of the benchmark's own. */
async function blockClock(world: World) {
  const seen = new Map<bigint, number>();
  const socket = new WebSocket(world.rpcUrl.replace('http:', 'ws:'));
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => {
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] }));
      resolve();
    };
    socket.onerror = () => reject(new Error('no WebSocket at the chain'));
  });
  socket.onmessage = (message) => {
    const at = performance.timeOrigin + performance.now();
    const head = (JSON.parse(String(message.data)) as { params?: { result?: { number?: string } } }).params?.result?.number;
    if (head && !seen.has(BigInt(head))) seen.set(BigInt(head), at);
  };
  return {
    seenAt: (block: bigint) => {
      const at = seen.get(block);
      if (at === undefined) throw new Error(`block ${block} was never seen`);
      return at;
    },
    close: () => socket.close(),
  };
}

async function routed(events: ActivityEvent[], jobId: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!events.some((e) => e.jobId === jobId && (e.kind === 'routed' || e.kind === 'unroutable'))) {
    if (Date.now() > deadline) {
      const last = events.filter((e) => e.jobId === jobId).at(-1)?.message ?? 'never seen by the keeper';
      throw new Error(`job ${jobId} was not routed within ${ms} ms: ${last}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  if (events.some((e) => e.jobId === jobId && e.kind === 'unroutable')) throw new Error(`job ${jobId} was marked unroutable`);
}

function eventAt(events: ActivityEvent[], jobId: string, kind: ActivityEvent['kind'], pattern?: RegExp): number {
  const event = events.find((e) => e.jobId === jobId && e.kind === kind && (!pattern || pattern.test(e.message)));
  if (!event) throw new Error(`job ${jobId} has no ${kind} event`);
  return event.at;
}

function blockOfRequest(events: ActivityEvent[], jobId: string): bigint {
  const event = events.find((e) => e.jobId === jobId && e.kind === 'job' && /requested in block/.test(e.message));
  return BigInt(String(event?.data?.blockNumber ?? 0));
}

/** Median milliseconds of each phase, from the block being seen to the route's receipt. */
function phases(events: ActivityEvent[], ids: string[], blockSeen: (id: string) => number): Record<string, number> {
  const steps: [string, (id: string) => number][] = [
    ['notice', (id) => eventAt(events, id, 'job', /requested in block/)],
    ['queue+reads+scan', (id) => eventAt(events, id, 'scan')],
    ['decide', (id) => eventAt(events, id, 'decision')],
    ['record+root+store', (id) => eventAt(events, id, 'store')],
    ['recheck+send', (id) => eventAt(events, id, 'tx', /^Sent /)],
    ['receipt', (id) => eventAt(events, id, 'routed')],
  ];
  const result: Record<string, number> = {};
  for (let i = 0; i < steps.length; i++) {
    const [name, at] = steps[i] as [string, (id: string) => number];
    const before = i === 0 ? blockSeen : (steps[i - 1] as [string, (id: string) => number])[1];
    result[name] = Math.round(percentile(ids.map((id) => at(id) - before(id)), 50) * 10) / 10;
  }
  return result;
}

async function timeRoot(bytes: Uint8Array): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    await decisionRoot(canonicalBytes(JSON.parse(new TextDecoder().decode(bytes))));
    samples.push(performance.now() - started);
  }
  return Math.round(percentile(samples, 50) * 10) / 10;
}
