// The derived tables the indexer must serve, computed from the scenario's own record of what it did
// (jobs, completions, routing decisions), with the rules of the README's "Derived numbers".
import type { Address } from 'viem';
import { dayOf, median } from './world.ts';
import type { Expected, ExpectedJob, ExpectedOffer, RoutingDecision } from './world.ts';

export type Completion = { jobId: number; providerId: number; day: number; earned: bigint; paid: bigint; fee: bigint };

export function providerEarningsByDay(completions: readonly Completion[]): Expected['providerEarningsByDay'] {
  const rows = new Map<string, Expected['providerEarningsByDay'][number]>();
  for (const c of completions) {
    const key = `${c.providerId}:${c.day}`;
    const row = rows.get(key) ?? { providerId: c.providerId, day: c.day, earned: 0n, paid: 0n, fee: 0n, jobs: 0 };
    row.earned += c.earned;
    row.paid += c.paid;
    row.fee += c.fee;
    row.jobs++;
    rows.set(key, row);
  }
  return [...rows.values()];
}

/** Per GPU model and day of the route: every route and reroute price. */
export function marketStatsByDay(decisions: readonly RoutingDecision[], offers: readonly ExpectedOffer[]): Expected['marketStatsByDay'] {
  const rows = new Map<string, Expected['marketStatsByDay'][number]>();
  for (const d of decisions) {
    if (d.kind === 'unroutable') continue;
    const model = offers[d.offerId! - 1].gpuModel;
    const day = dayOf(d.timestamp);
    const key = `${model}:${day}`;
    const row = rows.get(key) ?? { gpuModel: model, day, jobsRouted: 0, prices: [], minPrice: 0n, medianPrice: 0n };
    if (d.kind === 'route') row.jobsRouted++;
    row.prices.push(d.pricePerGpuHour!);
    rows.set(key, row);
  }
  for (const row of rows.values()) {
    row.prices.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    row.minPrice = row.prices[0];
    row.medianPrice = median(row.prices);
  }
  return [...rows.values()];
}

/** Team jobs by team, member, provider holding the job at the end and request day. */
export function teamSpendByUserProviderDay(jobs: readonly ExpectedJob[], offers: readonly ExpectedOffer[]): Expected['teamSpendByUserProviderDay'] {
  const rows = new Map<string, Expected['teamSpendByUserProviderDay'][number]>();
  for (const j of jobs) {
    if (!j.teamId) continue;
    const providerId = j.offerId ? offers[j.offerId - 1].providerId : 0;
    const day = j.requestedAt === null ? null : dayOf(j.requestedAt);
    const user = j.buyer as Address;
    const key = `${j.teamId}:${user}:${providerId}:${day}`;
    const row = rows.get(key) ?? { teamId: j.teamId, user, providerId, day, committed: 0n, paid: 0n, creditedBack: 0n, jobs: 0 };
    row.committed += j.deposit;
    row.paid += j.earned;
    row.creditedBack += j.refunded;
    row.jobs++;
    rows.set(key, row);
  }
  return [...rows.values()];
}
