// What a gateway's operator must do, job by job: a job routed to one of its offers on an external
// network is run by someone who starts it there and reports the start and the used time on-chain.
// Until a network's deploy API is wired as a gateway module, that someone is a person: such jobs
// are "awaiting operator", never silently done. Pure: the chain's jobs, offers and providers in.
import type { OnchainJob } from '../chain/jobs.ts';
import type { OnchainOffer } from '../chain/offers.ts';

/** A gateway provider: the external network it fronts. */
export type GatewayProvider = { providerId: number; sourceTag: string };

export type OperatorTask = {
  jobId: bigint;
  network: string;
  offerId: number;
  gpus: string;
  /** review: routed, its review window still running; start: may be started now, before the
   *  deadline; complete: running, report the used seconds before the deadline. */
  action: 'review' | 'start' | 'complete';
  /** Unix seconds: the review end (review), the start deadline (start), the completion deadline. */
  until: number;
  /** The most seconds `complete` accepts now: the booked hours, and no more than since the start. */
  maxUsedSeconds?: number;
};

export function operatorQueue(
  jobs: readonly OnchainJob[],
  offers: readonly OnchainOffer[],
  gateways: readonly GatewayProvider[],
  now: number,
): OperatorTask[] {
  const offerById = new Map(offers.map((o) => [o.offerId, o]));
  const gatewayById = new Map(gateways.map((g) => [g.providerId, g]));
  const tasks: OperatorTask[] = [];
  for (const job of jobs) {
    if (job.status !== 'Routed' && job.status !== 'Started') continue;
    const offer = offerById.get(job.offerId);
    const gateway = offer?.gateway ? gatewayById.get(offer.providerId) : undefined;
    if (!offer || !gateway) continue;
    const base = { jobId: job.jobId, network: gateway.sourceTag, offerId: offer.offerId, gpus: `${job.gpuCount} x ${job.gpuModel} for ${job.hoursRequested} h` };
    if (job.status === 'Started') {
      if (now > job.completionDeadline) continue; // dead: anyone may expire it
      const booked = job.hoursRequested * 3600;
      tasks.push({ ...base, action: 'complete', until: job.completionDeadline, maxUsedSeconds: Math.min(booked, Math.max(0, now - job.startedAt)) });
    } else if (now < job.reviewEndsAt) {
      tasks.push({ ...base, action: 'review', until: job.reviewEndsAt });
    } else if (now <= job.startDeadline) {
      tasks.push({ ...base, action: 'start', until: job.startDeadline });
    }
  }
  return tasks.sort((a, b) => a.until - b.until || Number(a.jobId - b.jobId));
}
