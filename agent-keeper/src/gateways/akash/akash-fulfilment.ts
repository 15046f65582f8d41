// Runs one job routed to the Akash gateway, as its operator, through the Akash Console API: wait
// out the buyer's review window (so a free cancel costs the gateway nothing), check the workload
// against its on-chain hash, deploy the job's SDL, lease the cheapest open bid within the job's
// price, report the start once the lease's service is ready, report completion with the seconds
// used when the workload exits, the lease closes early or the booked hours end, then close the
// deployment. A job it cannot run (no bid in time, no bid within the price, a lease that never
// becomes ready) comes back as `failed` with the reason, for the keeper's failover.
import type { OnchainJob } from '../../chain/jobs.ts';
import type { Operator, Settled } from '../../chain/operator.ts';
import { verifiedWorkload } from '../../chain/workload.ts';
import type { AkashConsole, ConsoleDeployment, ConsoleError, OpenBid } from './console-client.ts';
import { cheapestBids, uactCeil } from './console-client.ts';
import { BLOCKS_PER_HOUR, akashSdl } from './sdl.ts';

export type FulfilmentStep =
  | { step: 'refused'; reason: string }
  | { step: 'waiting-review'; until: number }
  | { step: 'deployed'; dseq: string }
  | { step: 'bid-accepted'; dseq: string; provider: string; uactPerBlock: string; microUsdPerGpuHour: number; routedMicroUsdPerGpuHour: number }
  | { step: 'started'; dseq: string; txHash: string }
  | { step: 'ended'; dseq: string; why: 'workload exited' | 'lease closed early' | 'booked hours ended'; usedSeconds: number }
  | { step: 'closed'; dseq: string };

export type AcceptedBid = { provider: string; uactPerBlock: string; microUsdPerGpuHour: number };

/** What a gateway keeps of a run so that a restarted keeper carries it on (see resumeOnAkash). */
export type SavedRun = { dseq: string; bid?: AcceptedBid; lastRunningAt?: number };

export type FulfilmentOutcome =
  | { outcome: 'settled'; dseq: string; bid: AcceptedBid; settled: Settled; earlyClose: boolean }
  | { outcome: 'failed'; reason: string; dseq?: string }
  | { outcome: 'gone'; reason: string; dseq?: string };

export type FulfilmentDeps = {
  operator: Pick<Operator, 'job' | 'workload' | 'start' | 'complete' | 'chainTime'>;
  console: Pick<AkashConsole, 'createDeployment' | 'openBids' | 'createLease' | 'deployment' | 'close'>;
  onStep?: (jobId: bigint, step: FulfilmentStep) => void;
  /** How long providers have to bid (Console's UI gives up after 60 s). */
  bidTimeoutMs?: number;
  /** How long a leased service has to become ready. */
  readyTimeoutMs?: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Each poll that finds the started workload still running, with the chain time. */
  onRunning?: (jobId: bigint, at: number) => void;
};

/** What an accepted bid costs per GPU-hour in micro-USD, at 600 blocks an hour and $1 per ACT. */
export function bidMicroUsdPerGpuHour(uactPerBlock: string, gpuCount: number): number {
  return Math.ceil((Number(uactPerBlock) * BLOCKS_PER_HOUR) / gpuCount);
}

export async function fulfilOnAkash(job: OnchainJob, deps: FulfilmentDeps): Promise<FulfilmentOutcome> {
  const { operator, console: akash } = deps;
  const pollMs = deps.pollMs ?? 2_000;
  const sleep = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const step = (s: FulfilmentStep) => deps.onStep?.(job.jobId, s);
  const fresh = () => operator.job(job.jobId);

  // Nothing is checked, spent or handed back while the buyer may still cancel for free.
  if ((await operator.chainTime()) < job.reviewEndsAt) step({ step: 'waiting-review', until: job.reviewEndsAt });
  while ((await operator.chainTime()) < job.reviewEndsAt) await sleep(pollMs);
  const routed = await fresh();
  if (routed.status !== 'Routed' || routed.offerId !== job.offerId) return { outcome: 'gone', reason: `job ${job.jobId} is ${routed.status}${routed.status === 'Routed' ? ` on offer ${routed.offerId}` : ''}: nothing to run` };

  const { uri, hash } = await operator.workload(job.jobId);
  const workload = verifiedWorkload(uri, hash);
  if (!workload.ok) {
    step({ step: 'refused', reason: workload.reason });
    return { outcome: 'failed', reason: workload.reason };
  }
  if (workload.workload.kind === 'unset') throw new Error('unreachable: verifiedWorkload refuses necto:unset');
  const sdl = akashSdl({ gpuModel: job.gpuModel, gpuCount: job.gpuCount, pricePerGpuHour: BigInt(job.pricePerGpuHour) }, workload.workload.manifest);
  if (!sdl.ok) {
    step({ step: 'refused', reason: sdl.reason });
    return { outcome: 'failed', reason: sdl.reason };
  }


  const { dseq, manifest } = await akash.createDeployment(sdl.sdl);
  step({ step: 'deployed', dseq });
  const closeWith = async (outcome: FulfilmentOutcome): Promise<FulfilmentOutcome> => {
    await akash.close(dseq);
    step({ step: 'closed', dseq });
    return outcome;
  };

  let bids: OpenBid[] = [];
  let lastReason = 'no provider has bid';
  for (const deadline = Date.now() + (deps.bidTimeoutMs ?? 60_000); ; ) {
    const chosen = cheapestBids(await akash.openBids(dseq), sdl.maxUactPerBlock);
    if (chosen.ok) {
      bids = chosen.bids;
      break;
    }
    lastReason = chosen.reason;
    if (Date.now() > deadline) return closeWith({ outcome: 'failed', reason: `Akash deployment ${dseq}: ${lastReason} within ${Math.round((deps.bidTimeoutMs ?? 60_000) / 1000)} s`, dseq });
    await sleep(pollMs);
  }
  const [best] = bids;
  const bid: AcceptedBid = { provider: best!.id.provider, uactPerBlock: best!.price.amount, microUsdPerGpuHour: bidMicroUsdPerGpuHour(best!.price.amount, job.gpuCount) };
  await akash.createLease(manifest, bids.map((b) => b.id));
  step({ step: 'bid-accepted', dseq, provider: bid.provider, uactPerBlock: String(uactCeil(bid.uactPerBlock)), microUsdPerGpuHour: bid.microUsdPerGpuHour, routedMicroUsdPerGpuHour: job.pricePerGpuHour });

  const ready = await waitForReady(akash, dseq, deps.readyTimeoutMs ?? 300_000, pollMs, sleep);
  if (ready !== 'ready') return closeWith({ outcome: 'failed', reason: `Akash deployment ${dseq}: ${ready}`, dseq });

  const beforeStart = await fresh();
  if (beforeStart.status !== 'Routed') return closeWith({ outcome: 'gone', reason: `job ${job.jobId} is ${beforeStart.status}: not started`, dseq });
  const txHash = await operator.start(job.jobId);
  const started = await fresh();
  step({ step: 'started', dseq, txHash });

  return watchUntilSettled(started, dseq, bid, deps, closeWith);
}

/**
 * Carries on a run a keeper restart interrupted. A started job whose deployment still runs is
 * watched as before; one whose deployment is gone is completed for the time it was last seen
 * running (never more). A routed job's half-made deployment is closed and the run starts afresh.
 */
export async function resumeOnAkash(job: OnchainJob, saved: SavedRun, deps: FulfilmentDeps): Promise<FulfilmentOutcome> {
  const { console: akash } = deps;
  const step = (s: FulfilmentStep) => deps.onStep?.(job.jobId, s);
  const closeWith = async (outcome: FulfilmentOutcome): Promise<FulfilmentOutcome> => {
    await akash.close(saved.dseq).catch(() => undefined);
    step({ step: 'closed', dseq: saved.dseq });
    return outcome;
  };
  if (job.status !== 'Started') {
    await akash.close(saved.dseq).catch(() => undefined);
    return fulfilOnAkash(job, deps);
  }
  const deployment = await akash.deployment(saved.dseq).catch((error: unknown) => {
    if ((error as ConsoleError).status === 404) return undefined;
    throw error;
  });
  const lease = deployment?.leases[0];
  const bid = saved.bid ?? (lease ? { provider: lease.id.provider, uactPerBlock: lease.price.amount, microUsdPerGpuHour: bidMicroUsdPerGpuHour(lease.price.amount, job.gpuCount) } : { provider: 'unknown', uactPerBlock: '0', microUsdPerGpuHour: 0 });
  if (deployment && watchState(deployment) === 'running') return watchUntilSettled(job, saved.dseq, bid, deps, closeWith);
  const usedSeconds = Math.min(Math.max(0, (saved.lastRunningAt ?? job.startedAt) - job.startedAt), job.hoursRequested * 3600);
  step({ step: 'ended', dseq: saved.dseq, why: 'lease closed early', usedSeconds });
  const settled = await deps.operator.complete(job.jobId, usedSeconds);
  return closeWith({ outcome: 'settled', dseq: saved.dseq, bid, settled, earlyClose: true });
}

async function watchUntilSettled(started: OnchainJob, dseq: string, bid: AcceptedBid, deps: FulfilmentDeps, closeWith: (o: FulfilmentOutcome) => Promise<FulfilmentOutcome>): Promise<FulfilmentOutcome> {
  const { operator, console: akash } = deps;
  const pollMs = deps.pollMs ?? 2_000;
  const sleep = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const booked = started.hoursRequested * 3600;
  for (;;) {
    const now = await operator.chainTime();
    const elapsed = Math.max(0, now - started.startedAt);
    const state = watchState(await akash.deployment(dseq));
    const why = state === 'closed' ? 'lease closed early' : state === 'exited' ? 'workload exited' : elapsed >= booked ? 'booked hours ended' : undefined;
    if (why) {
      const usedSeconds = Math.min(elapsed, booked);
      deps.onStep?.(started.jobId, { step: 'ended', dseq, why, usedSeconds });
      const settled = await operator.complete(started.jobId, usedSeconds);
      return closeWith({ outcome: 'settled', dseq, bid, settled, earlyClose: why === 'lease closed early' });
    }
    deps.onRunning?.(started.jobId, now);
    await sleep(pollMs);
  }
}

type LeaseState = 'running' | 'exited' | 'closed';

/** Running while its service has a ready replica; exited once none is left; closed with the lease. */
function watchState(deployment: ConsoleDeployment): LeaseState {
  const lease = deployment.leases[0];
  if (!lease || lease.state !== 'active') return 'closed';
  const services = Object.values(lease.status?.services ?? {});
  if (!lease.status) return 'running'; // the provider's status could not be read this time
  return services.some((s) => (s.ready_replicas ?? 0) > 0) ? 'running' : 'exited';
}

async function waitForReady(akash: FulfilmentDeps['console'], dseq: string, timeoutMs: number, pollMs: number, sleep: (ms: number) => Promise<void>): Promise<'ready' | string> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const lease = (await akash.deployment(dseq)).leases[0];
    if (!lease || lease.state !== 'active') return `the lease ${lease ? `is ${lease.state}${lease.reason ? ` (${lease.reason})` : ''}` : 'is missing'} before the workload was ready`;
    if (Object.values(lease.status?.services ?? {}).some((s) => (s.ready_replicas ?? 0) > 0)) return 'ready';
    if (Date.now() > deadline) return `the leased service was not ready within ${Math.round(timeoutMs / 1000)} s`;
    await sleep(pollMs);
  }
}
