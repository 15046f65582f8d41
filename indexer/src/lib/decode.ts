// Turning raw event values into the indexer's column values, in one place.
import { hexToString } from 'viem';
import type { Hex } from 'viem';

export const PRICING_MODELS = ['Fixed', 'Dynamic', 'Token', 'Spot', 'Auction'] as const;
export const CAPACITY_STATES = ['Available', 'Reserved', 'Offline'] as const;
export const AREAS = ['None', 'NA', 'SA', 'EU', 'APAC', 'MEA'] as const;
export const JOB_MODES = ['Tracked', 'Untracked'] as const;
export const JOB_STATUSES = [
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
export const TEAM_ROLES = ['None', 'Viewer', 'User', 'Admin'] as const;

export type JobStatusName = (typeof JOB_STATUSES)[number];

/** A Solidity enum value as its name; an unknown value is a bug in the ABI, not data. */
export function enumName<const T extends readonly string[]>(names: T, value: number): T[number] {
  const name = names[value];
  if (name === undefined) throw new Error(`Enum value ${value} out of range (${names.join(', ')})`);
  return name;
}

/** Addresses are stored lower-case. */
export function lower(address: Hex): Hex {
  return address.toLowerCase() as Hex;
}

/** Left-aligned ASCII in a fixed bytesN (GPU model, source tag, country); null when all zero. */
export function fixedAscii(value: Hex): string | null {
  if (/^0x0*$/.test(value)) return null;
  return hexToString(value).replace(/\0+$/, '');
}

export const SECONDS_PER_DAY = 86_400n;

/** day = floor(timestamp / 86400). */
export function dayOf(timestamp: bigint): number {
  return Number(timestamp / SECONDS_PER_DAY);
}
