// The derived tables, kept by the handlers as events arrive (see README: "Derived numbers").
import {
  gpuModelDailyStat,
  offer,
  offerUtilization,
  providerDailyEarning,
  routedPrice,
  teamDailySpend,
} from 'ponder:schema';
import { dayOf } from './decode.ts';
import { addPrice, median, minimum } from './median.ts';
import { offeredGpuSeconds } from './offered.ts';
import type { Db, JobRow } from './source.ts';
import type { TeamJob } from './treasury.ts';

const SECONDS_PER_HOUR = 3600;

/** The provider id of a team commitment whose job is not (yet) routed. */
export const UNROUTED = 0;

/** Provider earnings of the completion day. */
export async function addProviderEarnings(
  db: Db,
  providerId: number,
  timestamp: bigint,
  earnings: bigint,
  fee: bigint,
): Promise<void> {
  const day = dayOf(timestamp);
  await db
    .insert(providerDailyEarning)
    .values({ id: `${providerId}-${day}`, providerId, day, earnings, fees: fee, jobsCompleted: 1 })
    .onConflictDoUpdate((row) => ({
      earnings: row.earnings + earnings,
      fees: row.fees + fee,
      jobsCompleted: row.jobsCompleted + 1,
    }));
}

/** Recomputes the offer's utilization at `timestamp`, adding `gpuSecondsUsed` and completed jobs. */
export async function refreshUtilization(
  db: Db,
  offerId: number,
  timestamp: bigint,
  gpuSecondsUsed = 0n,
  jobsCompleted = 0,
): Promise<void> {
  const current = await db.find(offer, { id: offerId });
  if (!current) return;
  const previous = await db.find(offerUtilization, { id: offerId });
  const used = (previous?.gpuSecondsUsed ?? 0n) + gpuSecondsUsed;
  const asOf = previous && previous.asOf > timestamp ? previous.asOf : timestamp;
  const offered = offeredGpuSeconds(current, asOf);
  const values = {
    providerId: current.providerId,
    gpuSecondsUsed: used,
    gpuHoursUsed: Number(used) / SECONDS_PER_HOUR,
    gpuSecondsOffered: offered,
    gpuHoursOffered: Number(offered) / SECONDS_PER_HOUR,
    ratio: offered === 0n ? 0 : Number(used) / Number(offered),
    ratioBps: offered === 0n ? 0n : (used * 10_000n) / offered,
    jobsCompleted: (previous?.jobsCompleted ?? 0) + jobsCompleted,
    asOf,
  };
  await db
    .insert(offerUtilization)
    .values({ id: offerId, ...values })
    .onConflictDoUpdate(values);
}

/** The daily spend row of a team job: its member, the provider holding it (or `providerId`) and its request day. */
export function teamSpendKey(row: TeamJob & Pick<JobRow, 'providerId' | 'requestedAt'>, providerId = row.providerId ?? UNROUTED) {
  return { teamId: row.teamId, user: row.buyer, providerId, day: dayOf(row.requestedAt) };
}

/** Moves (or adds) a team job's commitment, settlement and credit back in the team's daily spend. */
export async function addTeamSpend(
  db: Db,
  key: { teamId: number; user: `0x${string}`; providerId: number; day: number },
  delta: { committed?: bigint; paid?: bigint; creditedBack?: bigint; jobs?: number },
): Promise<void> {
  const committed = delta.committed ?? 0n;
  const paid = delta.paid ?? 0n;
  const creditedBack = delta.creditedBack ?? 0n;
  const jobs = delta.jobs ?? 0;
  const user = key.user.toLowerCase() as `0x${string}`;
  const row = await db
    .insert(teamDailySpend)
    .values({
      id: `${key.teamId}-${user}-${key.providerId}-${key.day}`,
      ...key,
      user,
      committed,
      paid,
      creditedBack,
      jobs,
    })
    .onConflictDoUpdate((row) => ({
      committed: row.committed + committed,
      paid: row.paid + paid,
      creditedBack: row.creditedBack + creditedBack,
      jobs: row.jobs + jobs,
    }));
  // A commitment moved away at a route leaves an empty row behind: drop it.
  if (row.committed === 0n && row.paid === 0n && row.creditedBack === 0n && row.jobs === 0) {
    await db.delete(teamDailySpend, { id: row.id });
  }
}

/** Records a route or reroute price in the GPU model's statistics of the day. */
export async function addRoutedPrice(
  db: Db,
  args: {
    eventId: string;
    gpuModel: string;
    jobId: bigint;
    offerId: number;
    kind: 'Route' | 'Reroute';
    price: bigint;
    timestamp: bigint;
  },
): Promise<void> {
  const day = dayOf(args.timestamp);
  await db
    .insert(routedPrice)
    .values({
      id: args.eventId,
      gpuModel: args.gpuModel,
      day,
      jobId: args.jobId,
      offerId: args.offerId,
      kind: args.kind,
      price: args.price,
      timestamp: args.timestamp,
    })
    .onConflictDoNothing();

  const id = `${args.gpuModel}-${day}`;
  const previous = await db.find(gpuModelDailyStat, { id });
  const priceCounts = addPrice(previous?.priceCounts ?? {}, args.price);
  const values = {
    jobsRouted: (previous?.jobsRouted ?? 0) + (args.kind === 'Route' ? 1 : 0),
    routes: (previous?.routes ?? 0) + 1,
    minPrice: minimum(priceCounts),
    medianPrice: median(priceCounts),
    priceCounts,
  };
  await db
    .insert(gpuModelDailyStat)
    .values({ id, gpuModel: args.gpuModel, day, ...values })
    .onConflictDoUpdate(values);
}
