// The keeper's real toolkit: what the agent's tools do, over the chain, the store, the shared scan
// and the activity log. The policies live here: a job with no eligible offer is held and retried
// until its grace ends, then marked unroutable; routes are decided one at a time (each sees the
// GPUs the previous one reserved) and sent back to back.
import type { Hex } from 'viem';
import { comparison, line } from '../agent/comparison.ts';
import type { Fulfilment, JobReport, KeeperToolkit, RoutingAction } from '../agent/toolkit.ts';
import type { Market, OnchainJob } from '../chain/market.ts';
import { withCarriers } from '../chain/carriers.ts';
import { PendingReservations } from '../chain/pending-reservations.ts';
import type { DecisionRecord } from '../decision/record.ts';
import type { DecisionStore } from '../decision/store.ts';
import { decide, parseRoutingRequest, RoutingRequestError } from '../engine/index.ts';
import { formatPrice, MICRO } from '../normalize.ts';
import { quoteKey } from '../quote.ts';
import { decisionTime, prospectiveJob, rerouteJob, routeJob } from '../route-job.ts';
import type { RerouteOutcome, RouteDeps, RouteOutcome, RouteStep, ScanView } from '../route-job.ts';
import type { ScanConfig, SourceStatus } from '../scan.ts';
import type { Source } from '../sources/source.ts';
import { isoTime } from '../time.ts';
import { verifyTarget } from '../verify-target.ts';
import { operatorQueue } from '../gateways/operator-queue.ts';
import type { OperatorTask } from '../gateways/operator-queue.ts';
import type { ActivityLog } from './activity.ts';
import type { KeeperSettings } from './keeper-config.ts';
import type { ScanCache } from './scan-cache.ts';

export type ToolkitDeps = {
  market: Market;
  store: DecisionStore;
  sources: readonly Source[];
  config: ScanConfig;
  settings: KeeperSettings;
  scans: ScanCache;
  activity: ActivityLog;
  /** What the keeper is doing about a job, in words (the service's view). */
  keeperNote(jobId: string): string;
  /** When the keeper first saw the job waiting for a route (unix ms): its no-offer grace runs from it. */
  firstSeen(jobId: string): number;
  prepareQuotes?: RouteDeps['prepareQuotes'];
  /** Why the gateway of the job's routed offer cannot run it, when it said so: it fails over now. */
  gatewayFailure?(jobId: string, offerId: number): string | undefined;
  /** Who runs a job on a network whose gateway is automated (Akash through its Console). */
  automatedFulfilment?(jobId: string): Fulfilment | undefined;
  /** The networks whose gateway runs jobs itself, with no operator at the keyboard. */
  automatedNetworks?: ReadonlySet<string>;
};

/** The actions plus the keeper-only one the agent's loop needs (expiring a dead job). */
export type KeeperActions = KeeperToolkit & { expireJob(jobId: bigint): Promise<RoutingAction> };

export function createKeeperToolkit(deps: ToolkitDeps): KeeperActions {
  const { market, store, activity } = deps;
  const pending = new PendingReservations();
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(section: () => Promise<T>): Promise<T> => {
    const run = turn.then(section);
    turn = run.catch(() => undefined);
    return run;
  };

  /** `quiet`: a periodic check, which narrates nothing unless it acts. */
  const routeDeps = (jobId: bigint, quiet = false): RouteDeps => {
    const id = jobId.toString();
    const scan = async (rpcUrl: string) => {
      const view = await deps.scans.view(rpcUrl);
      if (!quiet) narrateScan(activity, id, view);
      return view;
    };
    return {
      market,
      store,
      sources: deps.sources,
      config: deps.config,
      scan,
      exclusive,
      pending,
      ...(!quiet && { onStep: (step: RouteStep) => narrateStep(activity, id, step, store) }),
      ...(deps.prepareQuotes && { prepareQuotes: deps.prepareQuotes }),
    };
  };

  const toolkit: KeeperActions = {
    async compareProviders(spec, limit = 10, asJob) {
      const view = await deps.scans.view(market.rpcUrl);
      let quotes = view.result.quotes;
      let request = spec;
      if (asJob) {
        const parsed = parseRoutingRequest(spec);
        if (!parsed.ok) throw new RoutingRequestError(parsed.problems);
        const [offers, providers, now] = await Promise.all([market.readOffers(), market.readProviders(), market.routeTime()]);
        const job = prospectiveJob(parsed.request, asJob.reviewSeconds);
        quotes = withCarriers(quotes, job, { offers: pending.apply(offers), providers, now, startWindow: market.startWindow });
        request = { ...spec, requireOnchainOffer: true };
      }
      if (deps.prepareQuotes) quotes = await deps.prepareQuotes(quotes);
      const decision = decide(request, quotes, decisionTime(view));
      return comparison(request, decision, view, limit);
    },

    async routeJob(jobId) {
      const id = jobId.toString();
      const graceOver = Date.now() - deps.firstSeen(id) >= deps.settings.unroutableGraceSec * 1000;
      const outcome = await routeJob(jobId, routeDeps(jobId), { onNoOffer: graceOver ? 'mark-unroutable' : 'hold' });
      if (outcome.status === 'routed') narrateFulfilment(activity, id, outcome.record, deps.automatedNetworks);
      return routingAction(outcome, deps.settings, deps.firstSeen(id));
    },

    async checkReroute(jobId) {
      const job = await market.readJob(jobId);
      const id = jobId.toString();
      if (job.status !== 'Routed') return { jobId: id, action: 'none', reason: `job ${id} is ${job.status}` };
      const now = await market.routeTime();
      const current = { currentUsdPerGpuHour: job.pricePerGpuHour / MICRO };
      if (now > job.startDeadline && !job.rerouteOptIn) {
        return { jobId: id, action: 'expire', reason: `not started by ${isoTime(job.startDeadline)} and not opted in to rerouting: its GPUs can be freed`, ...current };
      }
      if (!job.rerouteOptIn) return { jobId: id, action: 'none', reason: `job ${id} did not opt in to rerouting`, ...current };
      const gatewayFailure = deps.gatewayFailure?.(id, job.offerId);
      const outcome = await rerouteJob(jobId, routeDeps(jobId, true), { minSaving: deps.settings.rerouteMinSaving, dryRun: true, ...(gatewayFailure && { gatewayFailure }) });
      if (outcome.status === 'would-reroute') {
        return { jobId: id, action: outcome.cause, reason: outcome.reason, ...current, candidate: line(outcome.candidate, outcome.decidedAt) };
      }
      return { jobId: id, action: 'none', reason: 'reason' in outcome ? outcome.reason : `job ${id} stays`, ...current };
    },

    async reroute(jobId) {
      const gatewayFailure = deps.gatewayFailure?.(jobId.toString(), (await market.readJob(jobId)).offerId);
      const outcome = await rerouteJob(jobId, routeDeps(jobId), { minSaving: deps.settings.rerouteMinSaving, ...(gatewayFailure && { gatewayFailure }) });
      if (outcome.status === 'rerouted') narrateFulfilment(activity, jobId.toString(), outcome.record, deps.automatedNetworks);
      return rerouteAction(outcome);
    },

    async expireJob(jobId) {
      const id = jobId.toString();
      const job = await market.readJob(jobId);
      if (job.status !== 'Routed' && job.status !== 'Started') return { outcome: 'skipped', jobId: id, summary: `job ${id} is ${job.status}` };
      const tx = await market.expire(jobId);
      const mined = await tx.mined;
      return { outcome: 'expired', jobId: id, root: job.decisionRoot, txHash: mined.hash, blockNumber: mined.blockNumber.toString(), summary: `Expired job ${id} (not started by ${isoTime(job.startDeadline)}); its deposit is claimable in full` };
    },

    async jobStatus(jobId) {
      const job = await market.readJob(jobId);
      const report = jobReport(job, deps.keeperNote(jobId.toString()));
      const automated = deps.automatedFulfilment?.(jobId.toString());
      if (automated) return { ...report, fulfilment: automated };
      if (job.status !== 'Routed' && job.status !== 'Started') return report;
      const [offers, providers, now] = await Promise.all([market.readOffers(), market.readProviders(), market.routeTime()]);
      const gateways = providers.flatMap((p) => (p.sourceTag ? [{ providerId: p.providerId, sourceTag: p.sourceTag }] : []));
      const [task] = operatorQueue([job], offers, gateways, now);
      if (!task) return report;
      if (deps.automatedNetworks?.has(task.network)) return { ...report, fulfilment: { network: task.network, by: 'gateway', state: 'in review', until: isoTime(task.until), next: `the ${task.network} gateway deploys it once the buyer's review window ends` } };
      return { ...report, fulfilment: fulfilmentOf(task) };
    },

    async verifyDecision(target) {
      const key = target.root ?? target.jobId?.toString();
      if (key === undefined) throw new Error('give a jobId or a root');
      const report = await verifyTarget(key, store, async () => market);
      return { verified: report.ok, root: report.root as Hex, checks: report.checks };
    },

    async readDecision(root) {
      const bytes = await store.get(root);
      return JSON.parse(new TextDecoder().decode(bytes)) as DecisionRecord;
    },
  };
  return toolkit;
}


function routingAction(outcome: RouteOutcome, settings: KeeperSettings, firstSeen: number): RoutingAction {
  const jobId = outcome.jobId.toString();
  switch (outcome.status) {
    case 'routed': {
      const c = outcome.record.chosen;
      return {
        outcome: 'routed',
        jobId,
        root: outcome.root,
        txHash: outcome.txHash,
        blockNumber: outcome.blockNumber.toString(),
        summary: `Job ${jobId} routed to offer ${c?.onchainOfferId} (${c?.source} ${c?.offerId}) at ${formatPrice(c?.pricePerGpuHour ?? 0)}/GPU-h`,
      };
    }
    case 'unroutable':
      return {
        outcome: 'unroutable',
        jobId,
        root: outcome.root,
        txHash: outcome.txHash,
        blockNumber: outcome.blockNumber.toString(),
        summary: `Job ${jobId} marked unroutable: ${outcome.record.noEligibleOffer ?? 'no eligible offer'}; its deposit is claimable`,
      };
    case 'no-offer': {
      const until = isoTime(Math.floor(firstSeen / 1000) + settings.unroutableGraceSec);
      return {
        outcome: 'held',
        jobId,
        root: outcome.root,
        summary:
          `${outcome.record.noEligibleOffer ?? 'No eligible offer'}. Retrying every ${settings.retrySec} s; ` +
          `marked unroutable at ${until} unless an offer appears (cancel any time for a full refund)`,
      };
    }
    case 'refused':
      return { outcome: 'refused', jobId, summary: outcome.reason };
    case 'not-waiting':
      return { outcome: 'skipped', jobId, summary: outcome.reason };
  }
}

function rerouteAction(outcome: RerouteOutcome): RoutingAction {
  const jobId = outcome.jobId.toString();
  switch (outcome.status) {
    case 'rerouted': {
      const c = outcome.record.chosen;
      const why = outcome.cause === 'failover' ? 'not started in time: failed over' : 'a cheaper offer';
      return {
        outcome: 'rerouted',
        jobId,
        root: outcome.root,
        txHash: outcome.txHash,
        blockNumber: outcome.blockNumber.toString(),
        summary: `Job ${jobId} rerouted from offer ${outcome.fromOfferId} to offer ${c?.onchainOfferId} (${c?.source} ${c?.offerId}) at ${formatPrice(c?.pricePerGpuHour ?? 0)}/GPU-h (${why})`,
      };
    }
    case 'no-alternative':
      return { outcome: 'skipped', jobId, summary: outcome.reason };
    case 'would-reroute':
      return { outcome: 'skipped', jobId, summary: outcome.reason };
    case 'refused':
      return { outcome: 'refused', jobId, summary: outcome.reason };
    case 'not-waiting':
      return { outcome: 'skipped', jobId, summary: outcome.reason };
  }
}

/** Who runs a routed job: a Necto seller itself, or an external network's gateway operator. */
function narrateFulfilment(activity: ActivityLog, jobId: string, record: DecisionRecord, automated?: ReadonlySet<string>): void {
  const network = record.chosen?.source;
  if (!network || network === 'necto') return;
  if (automated?.has(network)) {
    activity.emit({ jobId, kind: 'fulfilment', message: `Job ${jobId} runs on ${network} through its gateway, which deploys it there once the review window ends`, data: { fulfilment: 'gateway', network } });
    return;
  }
  activity.emit({
    jobId,
    kind: 'fulfilment',
    message: `Job ${jobId} runs on ${network} through its gateway: awaiting operator once the review window ends (necto operator start ${jobId})`,
    data: { fulfilment: 'operator', network },
  });
}

const FULFILMENT_STATE = { review: 'in review', start: 'awaiting operator', complete: 'running' } as const;

function fulfilmentOf(task: OperatorTask): Fulfilment {
  const next = {
    review: `the buyer's review window ends; then the ${task.network} gateway's operator starts it (necto operator start ${task.jobId})`,
    start: `the ${task.network} gateway's operator runs it on ${task.network} and reports the start: necto operator start ${task.jobId}`,
    complete: `the ${task.network} gateway's operator reports the seconds used: necto operator complete ${task.jobId} --used SECONDS`,
  }[task.action];
  return { network: task.network, by: 'operator', state: FULFILMENT_STATE[task.action], until: isoTime(task.until), next };
}

function jobReport(job: OnchainJob, keeper: string): JobReport {
  const deadlines: Record<string, string> = {};
  if (job.reviewEndsAt) deadlines.reviewEndsAt = isoTime(job.reviewEndsAt);
  if (job.startDeadline) deadlines.startDeadline = isoTime(job.startDeadline);
  if (job.completionDeadline) deadlines.completionDeadline = isoTime(job.completionDeadline);
  return {
    jobId: job.jobId.toString(),
    status: job.status,
    mode: job.mode,
    gpu: `${job.gpuCount}x ${job.gpuModel || '(see the decision record)'}`,
    hours: job.hoursRequested,
    maxUsdPerGpuHour: job.maxPricePerGpuHour / MICRO,
    ...(job.offerId && { offerId: job.offerId, usdPerGpuHour: job.pricePerGpuHour / MICRO }),
    ...(!/^0x0*$/.test(job.decisionRoot) && { decisionRoot: job.decisionRoot }),
    deadlines,
    keeper,
  };
}

/** One job-scoped line per source of the scan the decision uses, then what the scan holds. */
function narrateScan(activity: ActivityLog, jobId: string, view: ScanView): void {
  const reused = view.ageSeconds > 0 ? ` (scan from ${view.ageSeconds} s ago)` : '';
  for (const s of view.result.sources) {
    const age = s.id === 'necto' ? '' : reused; // Necto's sellers are read from the chain for every decision
    activity.emit({ jobId, kind: 'source', message: sourceLine(s) + age, data: { ...s } });
  }
  const { quotes, sources, mode } = view.result;
  activity.emit({
    jobId,
    kind: 'scan',
    message: `${quotes.length} quotes from ${sources.filter((s) => s.status === 'ok').length} of ${sources.length} sources (${mode})`,
    data: { quotes: quotes.length, scannedAt: view.scannedAt, scanAgeSeconds: view.ageSeconds, mode },
  });
}

export function sourceLine(s: SourceStatus): string {
  if (s.status === 'ok') {
    const rejected = s.rejected ? `, ${s.rejected} rows rejected` : '';
    return `Scanning ${s.label}... ${s.quotes} offers${rejected}`;
  }
  if (s.status === 'skipped') return `Skipping ${s.label}: ${s.reason}`;
  return `Checking ${s.label}... ${s.reason}`;
}

function narrateStep(activity: ActivityLog, jobId: string, step: RouteStep, store: DecisionStore): void {
  if (step.step === 'decided') {
    const { decision } = step;
    const c = decision.chosen;
    const message = c
      ? `Chose ${c.source} ${c.offerId} at ${formatPrice(c.effectiveMicroUsdPerGpuHour)}/GPU-h (${decision.ranking.length} eligible of ${decision.ranking.length + decision.excluded.length} quotes)`
      : `No eligible offer among ${decision.excluded.length} quotes`;
    activity.emit({ jobId, kind: 'decision', message, data: c ? { quote: quoteKey(c), usdPerGpuHour: c.effectiveMicroUsdPerGpuHour / MICRO } : {} });
  } else if (step.step === 'stored') {
    activity.emit({ jobId, kind: 'store', message: `Stored the decision record ${step.root} (${store.describe()})`, data: { root: step.root } });
  } else {
    activity.emit({ jobId, kind: 'tx', message: `Sent ${step.call} ${step.hash}`, data: { call: step.call, hash: step.hash } });
  }
}
