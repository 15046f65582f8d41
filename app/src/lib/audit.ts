// The audit log's logic: its filters (kept in the URL, turned into the indexer's `where`), the rows
// it shows, and their CSV. Untracked jobs carry no buyer anywhere: not in a row, not in the CSV.
import type { IndexedJob } from './indexer.ts';

export const JOB_STATUSES = ['Requested', 'Routed', 'Started', 'Completed', 'Cancelled', 'Unroutable', 'Refunded', 'Expired'] as const;
export const MODES = ['Tracked', 'Untracked'] as const;

export type AuditFilter = {
  mode?: (typeof MODES)[number];
  team?: number;
  provider?: number;
  status?: (typeof JOB_STATUSES)[number];
  /** Requested on or after this UTC day (YYYY-MM-DD). */
  from?: string;
  /** Requested on or before this UTC day. */
  to?: string;
};

export type FilterErrors = Partial<Record<keyof AuditFilter, string>>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The filter a URL asks for, and a reason next to each part it cannot use. */
export function filterFromUrl(params: Pick<URLSearchParams, 'get'>): { filter: AuditFilter; errors: FilterErrors } {
  const filter: AuditFilter = {};
  const errors: FilterErrors = {};
  const mode = params.get('mode');
  if (mode) {
    if ((MODES as readonly string[]).includes(mode)) filter.mode = mode as AuditFilter['mode'];
    else errors.mode = `mode is Tracked or Untracked (got "${mode}")`;
  }
  const status = params.get('status');
  if (status) {
    if ((JOB_STATUSES as readonly string[]).includes(status)) filter.status = status as AuditFilter['status'];
    else errors.status = `no job status "${status}"`;
  }
  for (const key of ['team', 'provider'] as const) {
    const value = params.get(key);
    if (!value) continue;
    if (/^[1-9]\d{0,9}$/.test(value)) filter[key] = Number(value);
    else errors[key] = `a ${key} id is a whole number from 1 (got "${value}")`;
  }
  for (const key of ['from', 'to'] as const) {
    const value = params.get(key);
    if (!value) continue;
    if (DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) filter[key] = value;
    else errors[key] = `a date is YYYY-MM-DD (got "${value}")`;
  }
  if (filter.from && filter.to && filter.to < filter.from) errors.to = `the end date ${filter.to} is before the start date ${filter.from}`;
  return { filter, errors };
}

export function filterToUrl(filter: AuditFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['mode', 'team', 'provider', 'status', 'from', 'to'] as const) {
    const value = filter[key];
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return params;
}

const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;

/** The indexer's `where` for a filter: dates are whole UTC days, both ends included. */
export function whereOf(filter: AuditFilter): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  if (filter.mode) where.mode = filter.mode;
  if (filter.status) where.status = filter.status;
  if (filter.team !== undefined) where.teamId = filter.team;
  if (filter.provider !== undefined) where.providerId = filter.provider;
  if (filter.from) where.requestedAt_gte = String(dayStart(filter.from));
  if (filter.to) where.requestedAt_lt = String(dayStart(filter.to) + 86_400);
  return where;
}

export type AuditRow = {
  id: string;
  requestedAt: number;
  mode: 'Tracked' | 'Untracked';
  team: string;
  /** Empty for Untracked jobs, always. */
  buyer: string;
  gpuModel: string;
  gpuCount: number;
  hours: number;
  provider: string;
  status: string;
  /** Micro-USD per GPU-hour: the routed price, or null before routing. */
  price: bigint | null;
  maxPrice: bigint;
  deposit: bigint;
  paid: bigint;
  refunded: bigint;
  decisionRoot: string;
  requestTx: string;
};

export type Names = { providers: Map<number, string>; teams: Map<number, string> };

export function auditRow(job: IndexedJob, names: Names): AuditRow {
  return {
    id: job.id,
    requestedAt: Number(job.requestedAt),
    mode: job.mode,
    team: job.teamId ? (names.teams.get(job.teamId) ?? `Team ${job.teamId}`) : '',
    buyer: job.mode === 'Tracked' ? (job.buyer ?? '') : '',
    gpuModel: job.gpuModel,
    gpuCount: job.gpuCount,
    hours: job.hoursRequested,
    provider: job.providerId ? (names.providers.get(job.providerId) ?? `Provider ${job.providerId}`) : '',
    status: job.status,
    price: job.pricePerGpuHour === null ? null : BigInt(job.pricePerGpuHour),
    maxPrice: BigInt(job.maxPricePerGpuHour),
    deposit: BigInt(job.deposit),
    paid: BigInt(job.paid),
    refunded: BigInt(job.refunded),
    decisionRoot: job.decisionRoot ?? '',
    requestTx: job.requestedTx,
  };
}

/** Six decimals, exact: USDC base units and micro-USD both. */
export function micro(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  return `${negative ? '-' : ''}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, '0')}`;
}

export const CSV_COLUMNS = [
  'job_id', 'requested_at_utc', 'mode', 'team', 'buyer', 'gpu_model', 'gpus', 'hours', 'provider', 'status',
  'price_usd_per_gpu_hour', 'max_price_usd_per_gpu_hour', 'deposit_usdc', 'paid_usdc', 'refunded_usdc', 'decision_root', 'request_tx',
] as const;

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** RFC 4180: a header line, CRLF line ends, fields quoted only when they must be. */
export function auditCsv(rows: readonly AuditRow[]): string {
  const lines = rows.map((r) =>
    [
      r.id, new Date(r.requestedAt * 1000).toISOString(), r.mode, r.team, r.buyer, r.gpuModel, String(r.gpuCount), String(r.hours), r.provider, r.status,
      r.price === null ? '' : micro(r.price), micro(r.maxPrice), micro(r.deposit), micro(r.paid), micro(r.refunded), r.decisionRoot, r.requestTx,
    ].map(csvField).join(','),
  );
  return [CSV_COLUMNS.join(','), ...lines].join('\r\n') + '\r\n';
}

/** The file name for an export: what it holds, and when it was made. */
export function csvFileName(filter: AuditFilter, now: Date): string {
  const parts = Object.entries(filter).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}-${v}`);
  return `necto-audit-${[...parts, now.toISOString().slice(0, 10)].join('_')}.csv`;
}
