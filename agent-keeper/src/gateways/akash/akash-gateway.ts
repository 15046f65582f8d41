// The keeper as the Akash gateway's operator: every job routed to one of the operator's akash
// gateway offers is run through the Console (akash-fulfilment.ts), one run per job, narrated to
// the activity log and reported in the job's status. A run's fulfilment record (the bid accepted
// beside the price routed, the deployment, the start and the settlement) goes to the decision
// store; a run that cannot start is handed back to the keeper for its failover.
import type { Fulfilment } from '../../agent/toolkit.ts';
import type { Operator } from '../../chain/operator.ts';
import type { OnchainJob } from '../../chain/jobs.ts';
import { canonicalBytes } from '../../decision/canonical.ts';
import type { DecisionStore } from '../../decision/store.ts';
import { MICRO } from '../../normalize.ts';
import { isoTime } from '../../time.ts';
import type { ActivityLog } from '../../service/activity.ts';
import { operatorQueue } from '../operator-queue.ts';
import type { GatewayProvider } from '../operator-queue.ts';
import { fulfilOnAkash, resumeOnAkash } from './akash-fulfilment.ts';
import { RunBook } from './run-book.ts';
import type { FulfilmentDeps, FulfilmentOutcome, FulfilmentStep, SavedRun } from './akash-fulfilment.ts';
import type { AkashConsole } from './console-client.ts';

export const AKASH = 'akash';

export type AkashGatewayDeps = {
  operator: Operator;
  console: AkashConsole;
  activity: ActivityLog;
  store: DecisionStore;
  /** The keeper fails the job over: the gateway cannot run it on that offer, and says why. */
  handBack(jobId: bigint, offerId: number, reason: string): void;
  /** How often routed jobs are looked for, ms. */
  pollMs?: number;
  timing?: Pick<FulfilmentDeps, 'bidTimeoutMs' | 'readyTimeoutMs' | 'pollMs'>;
  /** Where runs are kept across restarts (in memory when absent). */
  runBook?: RunBook;
};

/** How often a running workload's last-seen time is written down. */
const HEARTBEAT_MS = 30_000;

type Run = { fulfilment: Fulfilment; offerId: number };

export class AkashGateway {
  readonly networks: ReadonlySet<string> = new Set([AKASH]);
  readonly #deps: AkashGatewayDeps;
  readonly #runs = new Map<string, Run>();
  readonly #book: RunBook;
  /** Started jobs this keeper has no run of: said once, left to `necto operator`. */
  readonly #unknown = new Set<string>();
  #gateways: GatewayProvider[] | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;

  constructor(deps: AkashGatewayDeps) {
    this.#deps = deps;
    this.#book = deps.runBook ?? new RunBook();
  }

  /** Looks for routed jobs now and every `pollMs`. */
  async start(): Promise<void> {
    this.#gateways = (await this.#deps.operator.gateways()).filter((g) => g.sourceTag === AKASH);
    const ids = this.#gateways.map((g) => g.providerId).join(', ');
    this.#deps.activity.emit({ kind: 'service', message: `Akash gateway: ${ids ? `operating provider ${ids} as ${this.#deps.operator.address}` : `${this.#deps.operator.address} operates no akash gateway`}; Console at ${this.#deps.console.baseUrl}` });
    if (!this.#gateways.length) return;
    await this.tick();
    this.#timer = setInterval(() => void this.tick(), this.#deps.pollMs ?? 3_000);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** What the job's run is doing, while the gateway runs or ran it. */
  fulfilment(jobId: string): Fulfilment | undefined {
    return this.#runs.get(jobId)?.fulfilment;
  }

  async tick(): Promise<void> {
    if (this.#ticking || !this.#gateways?.length) return;
    this.#ticking = true;
    try {
      const { operator } = this.#deps;
      const [jobs, offers, now] = await Promise.all([operator.jobs(), operator.offers(), operator.chainTime()]);
      const byId = new Map(jobs.map((j) => [j.jobId.toString(), j]));
      for (const task of operatorQueue(jobs, offers, this.#gateways, now)) {
        const id = task.jobId.toString();
        const run = this.#runs.get(id);
        if (run && run.offerId === task.offerId) continue;
        const job = byId.get(id)!;
        const saved = this.#book.get(RunBook.key(job.jobId, job.decisionRoot));
        if (task.action === 'complete' && !saved) {
          if (!this.#unknown.has(id)) this.#deps.activity.emit({ jobId: id, kind: 'error', message: `Job ${id} is started on the Akash gateway, but this keeper has no record of its deployment: report it with necto operator complete ${id} --used SECONDS` });
          this.#unknown.add(id);
          continue;
        }
        this.#run(job, saved);
      }
    } catch (error) {
      this.#deps.activity.emit({ kind: 'error', message: `Akash gateway: cannot read the market (${(error as Error).message}); retrying` });
    } finally {
      this.#ticking = false;
    }
  }

  #run(job: OnchainJob, saved?: SavedRun): void {
    const id = job.jobId.toString();
    const key = RunBook.key(job.jobId, job.decisionRoot);
    let lastBeat = 0;
    const keep = (patch: Partial<SavedRun>) => {
      const current = this.#book.get(key);
      if (patch.dseq || current) this.#book.set(key, { ...current, ...patch } as SavedRun);
    };
    const run: Run = { offerId: job.offerId, fulfilment: { network: AKASH, by: 'gateway', state: 'in review', until: isoTime(job.reviewEndsAt), next: 'the gateway checks the workload, then deploys once the review window ends' } };
    this.#runs.set(id, run);
    const set = (patch: Partial<Fulfilment>) => (run.fulfilment = { ...run.fulfilment, ...patch });
    const steps: FulfilmentStep[] = [];
    const say = (message: string, data: Record<string, unknown> = {}) => this.#deps.activity.emit({ jobId: id, kind: 'fulfilment', message, data: { fulfilment: 'gateway', network: AKASH, ...data } });

    const onStep = (_: bigint, step: FulfilmentStep) => {
      steps.push(step);
      switch (step.step) {
        case 'refused':
          return say(`Job ${id}: the Akash gateway refuses to deploy it: ${step.reason}`, { step: step.step });
        case 'waiting-review':
          return say(`Job ${id}: the Akash gateway deploys it once the review window ends at ${isoTime(step.until)}`, { step: step.step });
        case 'deployed':
          keep({ dseq: step.dseq });
          set({ state: 'awaiting bids', deployment: step.dseq, next: 'Akash providers bid on the deployment; the cheapest within the job\'s price is leased' });
          return say(`Job ${id}: Akash deployment ${step.dseq} created; waiting for bids`, { step: step.step, dseq: step.dseq });
        case 'bid-accepted': {
          keep({ bid: { provider: step.provider, uactPerBlock: step.uactPerBlock, microUsdPerGpuHour: step.microUsdPerGpuHour } });
          const acceptedBid = { provider: step.provider, usdPerGpuHour: step.microUsdPerGpuHour / MICRO, routedUsdPerGpuHour: step.routedMicroUsdPerGpuHour / MICRO };
          set({ state: 'leased', acceptedBid, next: 'the leased provider starts the workload; the gateway reports the start once it is ready' });
          const difference = acceptedBid.routedUsdPerGpuHour - acceptedBid.usdPerGpuHour;
          return say(`Job ${id}: leased ${step.provider} at ${step.uactPerBlock} uact/block ($${acceptedBid.usdPerGpuHour.toFixed(3)}/GPU-h; routed at $${acceptedBid.routedUsdPerGpuHour.toFixed(3)}, ${difference >= 0 ? `$${difference.toFixed(3)} under` : `$${(-difference).toFixed(3)} over`})`, { step: step.step, dseq: step.dseq, acceptedBid });
        }
        case 'started':
          set({ state: 'running', until: isoTime(job.completionDeadline || 0), next: 'the gateway reports the seconds used when the workload exits, the lease closes or the booked hours end' });
          return say(`Job ${id}: started on-chain (${step.txHash}); running on Akash deployment ${step.dseq}`, { step: step.step, txHash: step.txHash });
        case 'ended':
          return say(`Job ${id}: ${step.why} after ${step.usedSeconds} s; reporting completion`, { step: step.step, why: step.why, usedSeconds: step.usedSeconds });
        case 'closed':
          return say(`Job ${id}: Akash deployment ${step.dseq} closed`, { step: step.step, dseq: step.dseq });
      }
    };

    const onRunning = (_: bigint, at: number) => {
      if (Date.now() - lastBeat < HEARTBEAT_MS) return;
      lastBeat = Date.now();
      keep({ lastRunningAt: at });
    };
    const { operator, console: akash, timing } = this.#deps;
    const deps = { operator, console: akash, onStep, onRunning, ...timing };
    if (saved) say(`Job ${id}: carrying on its Akash run after a restart (deployment ${saved.dseq})`, { step: 'resumed', dseq: saved.dseq });
    (saved ? resumeOnAkash(job, saved, deps) : fulfilOnAkash(job, deps))
      .catch((error: unknown): FulfilmentOutcome => ({ outcome: 'failed', reason: (error as Error).message }))
      .then(async (outcome) => {
        const kept = this.#book.get(key);
        if (outcome.outcome !== 'settled' && !('dseq' in outcome && outcome.dseq) && kept?.dseq) {
          // The run broke off after deploying: close what it left behind.
          await akash.close(kept.dseq).then(
            () => say(`Job ${id}: Akash deployment ${kept.dseq} closed`, { step: 'closed', dseq: kept.dseq }),
            (error: unknown) => this.#deps.activity.emit({ jobId: id, kind: 'error', message: `Job ${id}: could not close Akash deployment ${kept.dseq} (${(error as Error).message}): close it in Console` }),
          );
        }
        this.#book.delete(key);
        const root = await this.#record(job, outcome, steps).catch(() => undefined);
        if (root) set({ record: root });
        if (outcome.outcome === 'settled') {
          const { settled } = outcome;
          set({ state: 'settled', next: `settled: ${settled.usedSeconds} s used${outcome.earlyClose ? ' (the lease closed early)' : ''}`, until: undefined });
          say(`Job ${id} settled on-chain: ${settled.usedSeconds} s used, ${(Number(settled.providerEarnings) / MICRO).toFixed(2)} USDC to the gateway, ${(Number(settled.buyerRefundDue) / MICRO).toFixed(2)} USDC back to the buyer${root ? `; fulfilment record ${root}` : ''}`, { outcome: 'settled', txHash: settled.txHash, ...(root && { root }) });
        } else if (outcome.outcome === 'failed') {
          set({ state: 'failed', reason: outcome.reason, next: 'handed back to the keeper: it fails the job over to another provider if the buyer opted in, or lets it expire for a full refund', until: undefined });
          say(`Job ${id}: the Akash gateway cannot run it: ${outcome.reason}; handed back to the keeper`, { outcome: 'failed', ...(root && { root }) });
          this.#deps.handBack(job.jobId, job.offerId, outcome.reason);
        } else {
          this.#runs.delete(id);
          say(`Job ${id}: ${outcome.reason}`, { outcome: 'gone' });
        }
      });
  }

  /** The run as a canonical record in the decision store, beside the decision it carried out. */
  async #record(job: OnchainJob, outcome: FulfilmentOutcome, steps: FulfilmentStep[]): Promise<string> {
    const record = {
      schema: 'necto.fulfilment/v1',
      jobId: job.jobId.toString(),
      decisionRoot: job.decisionRoot,
      network: AKASH,
      routedMicroUsdPerGpuHour: job.pricePerGpuHour,
      outcome: outcome.outcome,
      ...('dseq' in outcome && outcome.dseq && { deployment: outcome.dseq }),
      ...(outcome.outcome === 'settled' && { acceptedBid: outcome.bid, usedSeconds: outcome.settled.usedSeconds, completionTx: outcome.settled.txHash, earlyClose: outcome.earlyClose }),
      ...(outcome.outcome !== 'settled' && { reason: outcome.reason }),
      steps,
    };
    return this.#deps.store.put(canonicalBytes(record));
  }
}
