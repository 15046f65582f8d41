// A job as getJob returns it, decoded once for every reader (the keeper, the buyer's CLI).
import type { Address, Hex } from 'viem';
import { ChainError } from './errors.ts';
import { ONCHAIN_PRICING, ascii, region } from './offers.ts';
import type { OnchainPricing } from './offers.ts';

/** JobStatus as the contract numbers it. */
export const JOB_STATUS = [
  'None',
  'Requested',
  'Routed',
  'Started',
  'Completed',
  'Cancelled',
  'Unroutable',
  'Refunded',
  'Expired',
] as const;
export type JobStatus = (typeof JOB_STATUS)[number];

export type OnchainJob = {
  jobId: bigint;
  status: JobStatus;
  mode: 'Tracked' | 'Untracked';
  controller: Address;
  teamId: number;
  rerouteOptIn: boolean;
  gpuModel: string;
  gpuCount: number;
  minVramGb: number;
  hoursRequested: number;
  country?: string;
  area?: string;
  excludedPricing: OnchainPricing[];
  /** After each route the job cannot start for this long (the buyer's review window). */
  reviewSeconds: number;
  maxPricePerGpuHour: number;
  /** 0 until routed. */
  offerId: number;
  pricePerGpuHour: number;
  /** The protocol fee fixed at routing, basis points of provider earnings. */
  feeBps: number;
  /** Unix seconds; each is 0 while it does not apply (not routed, not started). */
  routedAt: number;
  reviewEndsAt: number;
  startDeadline: number;
  startedAt: number;
  completionDeadline: number;
  usedSeconds: number;
  decisionRoot: Hex;
};

/** getJob's Job struct as viem decodes it (uint40 and smaller: numbers; uint64: bigints). */
export type RawJob = {
  controller: Address;
  mode: number;
  status: number;
  rerouteOptIn: boolean;
  excludedPricing: number;
  gpuModel: Hex;
  gpuCount: number;
  minVramGb: number;
  hoursRequested: number;
  country: Hex;
  area: number;
  teamId: number;
  reviewSeconds: number;
  maxPricePerGpuHour: bigint;
  offerId: number;
  pricePerGpuHour: bigint;
  feeBps: number;
  routedAt: number;
  reviewEndsAt: number;
  startDeadline: number;
  startedAt: number;
  completionDeadline: number;
  usedSeconds: number;
  decisionRoot: Hex;
};

/** A decoded job; an unknown status is an Error naming it (a newer contract than this code). */
export function decodeJob(jobId: bigint, job: RawJob): OnchainJob {
  const status = JOB_STATUS[job.status];
  if (!status) throw new ChainError(`job ${jobId} has status ${job.status}, which this version of Necto does not know`);
  return {
    jobId,
    status,
    mode: job.mode === 0 ? 'Tracked' : 'Untracked',
    controller: job.controller,
    teamId: job.teamId,
    rerouteOptIn: job.rerouteOptIn,
    gpuModel: ascii(job.gpuModel),
    gpuCount: job.gpuCount,
    minVramGb: job.minVramGb,
    hoursRequested: job.hoursRequested,
    ...region(job.country, job.area),
    excludedPricing: ONCHAIN_PRICING.filter((_, bit) => (job.excludedPricing >> bit) & 1),
    reviewSeconds: job.reviewSeconds,
    maxPricePerGpuHour: Number(job.maxPricePerGpuHour),
    offerId: job.offerId,
    pricePerGpuHour: Number(job.pricePerGpuHour),
    feeBps: job.feeBps,
    routedAt: job.routedAt,
    reviewEndsAt: job.reviewEndsAt,
    startDeadline: job.startDeadline,
    startedAt: job.startedAt,
    completionDeadline: job.completionDeadline,
    usedSeconds: job.usedSeconds,
    decisionRoot: job.decisionRoot,
  };
}
