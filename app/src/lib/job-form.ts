// The new-job form: raw field values in, the contract's terms out, or one message per bad field
// (shown next to it; nothing is sent while any remains). The same limits as `necto request`.
import type { JobTerms, OnchainArea } from 'agent-keeper/job-request';
import { ONCHAIN_AREAS } from 'agent-keeper/job-request';
import { GPU_MODEL_IDS, memoryOf, resolveGpuModel } from 'agent-keeper/gpu-models';
import { parseWorkload } from 'agent-keeper/workload';
import { usdc } from './format.ts';
import { capUsage } from './team-spend.ts';
import type { TeamFunds } from './team-spend.ts';

export const PRICING_CHOICES = ['Fixed', 'Dynamic', 'Token', 'Spot', 'Auction'] as const;
export type PricingChoice = (typeof PRICING_CHOICES)[number];
export const AREA_CHOICES = ONCHAIN_AREAS.filter((a): a is OnchainArea => a !== undefined);
export const MAX_REVIEW_MINUTES = 60;
export const DEFAULT_WORKLOAD = 'necto:unset';
const MAX_UINT16 = 65_535;
const MAX_MICRO_USD = 1_000_000n * 1_000_000n; // $1,000,000 per GPU-hour: a typo, not a price

export type JobFormValues = {
  gpu: string;
  count: string;
  hours: string;
  maxPrice: string;
  area: string;
  country: string;
  exclude: PricingChoice[];
  reviewMinutes: string;
  reroute: boolean;
  mode: 'Tracked' | 'Untracked';
  /** '' = paid from the wallet. */
  teamId: string;
  workload: string;
};

export const DEFAULT_VALUES: JobFormValues = {
  gpu: 'H100-80G',
  count: '8',
  hours: '6',
  maxPrice: '3.00',
  area: '',
  country: '',
  exclude: [],
  reviewMinutes: '5',
  reroute: true,
  mode: 'Tracked',
  teamId: '',
  workload: DEFAULT_WORKLOAD,
};

export type FieldErrors = Partial<Record<keyof JobFormValues, string>>;
export type ParsedJob = { ok: true; terms: JobTerms; untracked: boolean } | { ok: false; errors: FieldErrors };

export { GPU_MODEL_IDS };

export function parseJobForm(values: JobFormValues): ParsedJob {
  const errors: FieldErrors = {};
  const gpuModel = resolveGpuModel(values.gpu.trim());
  if (!gpuModel) errors.gpu = values.gpu.trim() ? `"${values.gpu}" is not a GPU model Necto knows` : 'choose a GPU model';
  const gpuCount = whole(values.count, 1, MAX_UINT16, 'GPUs', errors, 'count');
  const hours = whole(values.hours, 1, MAX_UINT16, 'hours', errors, 'hours');
  const reviewMinutes = whole(values.reviewMinutes, 0, MAX_REVIEW_MINUTES, 'minutes', errors, 'reviewMinutes');
  const maxPrice = microUsd(values.maxPrice);
  if (maxPrice === undefined) errors.maxPrice = `enter a price above $0 per GPU-hour with at most 6 decimals, e.g. 3.00 (got "${values.maxPrice}")`;
  const country = values.country.trim().toUpperCase();
  if (country && !/^[A-Z]{2}$/.test(country)) errors.country = `"${values.country}" is not a two-letter ISO country code (DE, US, JP, ...)`;
  const area = values.area as OnchainArea | '';
  if (area && !AREA_CHOICES.includes(area)) errors.area = `"${values.area}" is not an area`;
  if (values.exclude.length === PRICING_CHOICES.length) errors.exclude = 'excluding every pricing model leaves no offer to route to';
  const untracked = values.mode === 'Untracked';
  const teamId = values.teamId ? Number(values.teamId) : 0;
  if (values.teamId && (!Number.isInteger(teamId) || teamId < 1)) errors.teamId = 'choose one of your teams';
  if (untracked && teamId) errors.teamId = 'team jobs are Tracked: choose "Tracked" or pay from the wallet';
  const workloadURI = values.workload.trim();
  if (!workloadURI) errors.workload = 'enter the workload URI (container image and command), or keep necto:unset';
  else if (new TextEncoder().encode(workloadURI).length > 512) errors.workload = 'the workload URI is longer than 512 bytes';
  else {
    const workload = parseWorkload(workloadURI);
    if (!workload.ok) errors.workload = workload.reason;
  }

  if (Object.keys(errors).length || !gpuModel || maxPrice === undefined) return { ok: false, errors };
  return {
    ok: true,
    untracked,
    terms: {
      gpuModel,
      gpuCount,
      hours,
      minVramGb: memoryOf(gpuModel),
      ...(country && { country }),
      ...(area && { area }),
      excludedPricing: values.exclude,
      workloadURI,
      maxPricePerGpuHour: maxPrice,
      reviewSeconds: reviewMinutes * 60,
      rerouteOptIn: values.reroute,
      teamId: untracked ? 0 : teamId,
    },
  };
}

/** The check right after parseJobForm for a team job: its deposit against what the team can commit
 *  now (teamFunds), naming the limit, the spending cap or the treasury balance. Shown next to the
 *  team field; nothing is sent. */
export function teamFundsError(deposit: bigint, funds: TeamFunds): string | undefined {
  if (deposit <= funds.spendable) return undefined;
  const { left, limit } = capUsage(funds);
  const head = `the deposit ${usdc(deposit)} is above the ${usdc(funds.spendable)} this team can commit now`;
  if (limit === 'cap') return `${head}: its spending cap of ${usdc(funds.cap)} per 30 days has ${usdc(left!)} left (the treasury holds ${usdc(funds.balance)}). Lower the GPUs, hours or max price`;
  return `${head}: that is its treasury balance${left !== undefined ? ` (the cap leaves ${usdc(left)})` : ''}. Lower the GPUs, hours or max price, or ask an Admin to deposit`;
}

/** What the team field says about the chosen team: what a job can commit now and the cap left. */
export function teamFundsHint(funds: TeamFunds): string {
  const { left } = capUsage(funds);
  const cap = left === undefined ? 'no spending cap' : `cap left ${usdc(left)} of ${usdc(funds.cap)} per 30 days`;
  return `Can commit ${usdc(funds.spendable)} now: treasury ${usdc(funds.balance)}, ${cap}.`;
}

/** "3", "3.00", "$2.999999" as micro-USD, exactly; more than 6 decimals is refused, not rounded. */
export function microUsd(value: string): bigint | undefined {
  const match = /^\$?(\d+)(?:\.(\d{1,6}))?$/.exec(value.trim());
  if (!match) return undefined;
  const micro = BigInt(match[1]!) * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0') || '0');
  return micro > 0n && micro <= MAX_MICRO_USD ? micro : undefined;
}

function whole(value: string, min: number, max: number, unit: string, errors: FieldErrors, field: keyof JobFormValues): number {
  const text = value.trim();
  const number = Number(text);
  if (!/^-?\d+$/.test(text)) errors[field] = `enter a whole number of ${unit} (got "${value}")`;
  else if (number < min) errors[field] = `must be at least ${min} (got ${number})`;
  else if (number > max) errors[field] = `must be at most ${max} (got ${number})`;
  return number;
}

/** The keeper's /quotes spec for the form as it stands: the live preview of what routing it now
 *  would choose, on-chain carriers included. */
export function quoteSpecOf(terms: JobTerms) {
  const engineModels: Record<string, string> = { Fixed: 'fixed', Token: 'token', Spot: 'spot', Auction: 'auction' };
  return {
    gpu: terms.gpuModel,
    count: terms.gpuCount,
    hours: terms.hours,
    maxPrice: Number(terms.maxPricePerGpuHour) / 1_000_000,
    region: [terms.area, terms.country].filter(Boolean).join(','),
    exclude: terms.excludedPricing.map((p) => engineModels[p]).filter((p): p is string => !!p),
    review: terms.reviewSeconds,
  };
}
