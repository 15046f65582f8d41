import { describe, expect, test } from 'vitest';
import { auditCsv, auditRow, csvFileName, filterFromUrl, filterToUrl, micro, whereOf } from './audit.ts';
import type { IndexedJob } from './indexer.ts';

const job = (over: Partial<IndexedJob>): IndexedJob => ({
  id: '7', mode: 'Tracked', controller: '0xb0b', buyer: '0xb0b', teamId: null, gpuModel: 'H100-80G', gpuCount: 2, hoursRequested: 4,
  maxPricePerGpuHour: '3000000', reviewSeconds: 0, rerouteOptIn: false, status: 'Completed', offerId: 3, providerId: 11,
  pricePerGpuHour: '2500000', decisionRoot: '0xroot', deposit: '24000000', paid: '18750000', refunded: '5250000', refundDue: '0',
  usedSeconds: 13500, requestedTx: '0xtx', requestedAt: '1795176000', routedAt: null, reviewEndsAt: null, startedAt: null, completedAt: null, ...over,
});
const names = { providers: new Map([[11, 'Lumen, "the" lab (seller #11)']]), teams: new Map([[1, 'Helix Bio ML']]) };

describe('audit filters', () => {
  test('round-trip through the URL', () => {
    const filter = { mode: 'Untracked', team: 2, provider: 11, status: 'Routed', from: '2026-11-01', to: '2026-11-30' } as const;
    expect(filterFromUrl(filterToUrl(filter))).toEqual({ filter, errors: {} });
  });

  test('say what is wrong with each bad part', () => {
    const { filter, errors } = filterFromUrl(new URLSearchParams('mode=Both&team=0&provider=x&status=Done&from=2026-13-45&to=yesterday'));
    expect(filter).toEqual({});
    expect(errors).toEqual({
      mode: 'mode is Tracked or Untracked (got "Both")',
      team: 'a team id is a whole number from 1 (got "0")',
      provider: 'a provider id is a whole number from 1 (got "x")',
      status: 'no job status "Done"',
      from: 'a date is YYYY-MM-DD (got "2026-13-45")',
      to: 'a date is YYYY-MM-DD (got "yesterday")',
    });
    expect(filterFromUrl(new URLSearchParams('from=2026-11-30&to=2026-11-01')).errors.to).toBe('the end date 2026-11-01 is before the start date 2026-11-30');
  });

  test('become the indexer’s where, whole UTC days with both ends included', () => {
    expect(whereOf({ mode: 'Tracked', status: 'Completed', team: 1, provider: 11, from: '2026-11-20', to: '2026-11-20' })).toEqual({
      mode: 'Tracked', status: 'Completed', teamId: 1, providerId: 11, requestedAt_gte: '1795132800', requestedAt_lt: '1795219200',
    });
    expect(whereOf({})).toEqual({});
  });
});

describe('audit rows and CSV', () => {
  test('an Untracked job has no buyer, even if a row came with one', () => {
    expect(auditRow(job({ mode: 'Untracked', buyer: '0xleak' }), names).buyer).toBe('');
    expect(auditRow(job({}), names).buyer).toBe('0xb0b');
  });

  test('money is exact to six decimals', () => {
    expect(micro(18_750_000n)).toBe('18.750000');
    expect(micro(1n)).toBe('0.000001');
    expect(micro(-5n)).toBe('-0.000005');
  });

  test('is RFC 4180: header, CRLF, quoted fields only where needed', () => {
    const csv = auditCsv([auditRow(job({ teamId: 1 }), names), auditRow(job({ id: '8', mode: 'Untracked', buyer: null, pricePerGpuHour: null, providerId: null, status: 'Requested' }), names)]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('job_id,requested_at_utc,mode,team,buyer,gpu_model,gpus,hours,provider,status,price_usd_per_gpu_hour,max_price_usd_per_gpu_hour,deposit_usdc,paid_usdc,refunded_usdc,decision_root,request_tx');
    expect(lines[1]).toBe('7,2026-11-20T12:00:00.000Z,Tracked,Helix Bio ML,0xb0b,H100-80G,2,4,"Lumen, ""the"" lab (seller #11)",Completed,2.500000,3.000000,24.000000,18.750000,5.250000,0xroot,0xtx');
    expect(lines[2]).toBe('8,2026-11-20T12:00:00.000Z,Untracked,,,H100-80G,2,4,,Requested,,3.000000,24.000000,18.750000,5.250000,0xroot,0xtx');
    expect(lines[3]).toBe('');
  });

  test('names the file for its filter and day', () => {
    expect(csvFileName({ mode: 'Tracked', team: 1 }, new Date('2026-12-02T10:00:00Z'))).toBe('necto-audit-mode-Tracked_team-1_2026-12-02.csv');
  });
});
