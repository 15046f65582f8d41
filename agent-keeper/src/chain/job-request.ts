// A job request in the contract's terms: the JobRequest struct, the deposit it escrows, and the
// EIP-712 types buyers sign (USDC's permit, an Untracked job key's JobAction). No I/O: the CLI's
// buyer client and the app's wallet both build their transactions from these.
import { stringToHex, zeroAddress } from 'viem';
import type { Address } from 'viem';
import { ONCHAIN_PRICING } from './offers.ts';
import type { OnchainPricing } from './offers.ts';
import { workloadHashOf } from './workload.ts';

/** The contract's Area enum, by value. */
export const ONCHAIN_AREAS = [undefined, 'NA', 'SA', 'EU', 'APAC', 'MEA'] as const;
export type OnchainArea = Exclude<(typeof ONCHAIN_AREAS)[number], undefined>;

/** What a buyer asks for, in the contract's units (micro-USD, whole hours, seconds). */
export type JobTerms = {
  /** Canonical id, e.g. "H100-80G": stored as bytes16. */
  gpuModel: string;
  gpuCount: number;
  minVramGb: number;
  hours: number;
  country?: string;
  area?: OnchainArea;
  excludedPricing: readonly OnchainPricing[];
  workloadURI: string;
  maxPricePerGpuHour: bigint;
  reviewSeconds: number;
  rerouteOptIn: boolean;
  /** Tracked jobs only; 0 = funded by the buyer. */
  teamId: number;
  /** Untracked jobs: the job key's address, which alone controls the job. */
  jobKey?: Address;
};

/** The deposit the market escrows: max price x GPUs x hours, USDC base units. */
export function depositFor(terms: Pick<JobTerms, 'maxPricePerGpuHour' | 'gpuCount' | 'hours'>): bigint {
  return terms.maxPricePerGpuHour * BigInt(terms.gpuCount) * BigInt(terms.hours);
}

/** The contract's JobRequest struct for these terms. */
export function jobRequest(terms: JobTerms) {
  return {
    spec: {
      gpuModel: stringToHex(terms.gpuModel, { size: 16 }),
      gpuCount: terms.gpuCount,
      minVramGb: terms.minVramGb,
      country: terms.country ? stringToHex(terms.country, { size: 2 }) : '0x0000',
      area: terms.area ? ONCHAIN_AREAS.indexOf(terms.area) : 0,
      excludedPricing: terms.excludedPricing.reduce((bits, p) => bits | (1 << ONCHAIN_PRICING.indexOf(p)), 0),
      hoursRequested: terms.hours,
      workloadURI: terms.workloadURI,
      workloadHash: workloadHashOf(terms.workloadURI),
    },
    maxPricePerGpuHour: terms.maxPricePerGpuHour,
    mode: terms.jobKey ? 1 : 0,
    teamId: terms.teamId,
    reviewSeconds: terms.reviewSeconds,
    rerouteOptIn: terms.rerouteOptIn,
    jobKey: terms.jobKey ?? zeroAddress,
  } as const;
}

export const JOB_ACTION = { Cancel: 0, ClaimRefund: 1 } as const;

export const PERMIT_TYPES = {
  Permit: [
    { name: 'owner', type: 'address' },
    { name: 'spender', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const;

export const JOB_ACTION_TYPES = {
  JobAction: [
    { name: 'jobId', type: 'uint256' },
    { name: 'action', type: 'uint8' },
    { name: 'recipient', type: 'address' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const;
