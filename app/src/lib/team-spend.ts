// A team's spend as the charts show it, from the indexer's daily rows: what counted against the
// cap (deposits committed less what came back to the treasury), per member, provider or day.
import { shortHex, usdc } from './format.ts';
import type { DailySpend, Provider } from './team-data.ts';
import { providerLabelById } from './provider-profile.ts';

export type Bar = { label: string; value: number; text: string };
/** The market's teamFunds(teamId), USDC base units. */
export type TeamFunds = { balance: bigint; windowSpend: bigint; cap: bigint; spendable: bigint };

const counted = (row: DailySpend) => BigInt(row.committed) - BigInt(row.creditedBack);

function bars(rows: DailySpend[], keyOf: (row: DailySpend) => string, sort: 'value' | 'key'): Bar[] {
  const sums = new Map<string, bigint>();
  for (const row of rows) sums.set(keyOf(row), (sums.get(keyOf(row)) ?? 0n) + counted(row));
  const entries = [...sums].filter(([, sum]) => sum > 0n);
  entries.sort(sort === 'key' ? (a, b) => a[0].localeCompare(b[0]) : (a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : a[0].localeCompare(b[0])));
  return entries.map(([label, sum]) => ({ label, value: Number(sum), text: usdc(sum) }));
}

export function spendByUser(rows: DailySpend[]): Bar[] {
  return bars(rows, (r) => shortHex(r.user), 'value');
}

export function spendByProvider(rows: DailySpend[], providers: Provider[]): Bar[] {
  return bars(rows, (r) => (r.providerId === 0 ? 'not routed yet' : providerLabelById(providers, r.providerId)), 'value');
}

/** Per day of request, oldest first, labelled 2026-12-02. */
export function spendByDay(rows: DailySpend[]): Bar[] {
  return bars(rows, (r) => new Date(r.day * 86_400_000).toISOString().slice(0, 10), 'key');
}

/** How much of the cap this 30-day window has used, and what bounds a job's deposit now. */
export function capUsage(funds: TeamFunds): { used: number; left: bigint | undefined; limit: 'cap' | 'balance' } {
  if (funds.cap === 0n) return { used: 0, left: undefined, limit: 'balance' };
  const left = funds.cap > funds.windowSpend ? funds.cap - funds.windowSpend : 0n;
  return { used: Math.min(1, Number(funds.windowSpend) / Number(funds.cap)), left, limit: left < funds.balance ? 'cap' : 'balance' };
}
