// NectoMarket jobs: requests, routing decisions, the lifecycle (start, complete, cancel, expire,
// refund) and the job escrow. A team job draws its deposit from the team's treasury and what it
// does not spend is credited back to it: the market's TeamJobFunded and TeamJobCredited events,
// just before the JobRequested and the JobCancelled / JobRefunded they go with
// (NectoMarket.teams.ts, lib/treasury.ts).
// Handlers are idempotent upserts keyed by the job id or Ponder's event id.
import { ponder } from 'ponder:registry';
import { job, jobTransition, offer, routingDecision } from 'ponder:schema';
import { AREAS, JOB_MODES, JOB_STATUSES, enumName, fixedAscii, lower } from './lib/decode.ts';
import type { JobStatusName } from './lib/decode.ts';
import { UNROUTED, addProviderEarnings, addRoutedPrice, addTeamSpend, refreshUtilization, teamSpendKey } from './lib/derived.ts';
import { addEscrowMovement, changeEarnings, feeTreasury } from './lib/escrow.ts';
import { meta, requireJob, requireOffer } from './lib/source.ts';
import type { AnyEvent, Db, Hex, JobRow } from './lib/source.ts';
import { isTeamJob, spendTeamJob } from './lib/treasury.ts';

async function addTransition(db: Db, event: AnyEvent, jobId: bigint, from: JobStatusName, to: JobStatusName) {
  await db
    .insert(jobTransition)
    .values({ id: event.id, jobId, from, to, ...meta(event) })
    .onConflictDoNothing();
}

/**
 * Whose the buyer side of a job's escrow is: its team's treasury for a team job, the buyer of a
 * Tracked job, nobody recorded for an Untracked job (its buyer is never stored).
 */
function buyerSide(row: Pick<JobRow, 'mode' | 'controller' | 'teamId'>): { account: Hex | null; teamId: number | null } {
  if (row.teamId !== null) return { account: null, teamId: row.teamId };
  return { account: row.mode === 'Tracked' ? row.controller : null, teamId: null };
}

async function moveGpus(db: Db, offerId: number, delta: number, timestamp: bigint) {
  await db.update(offer, { id: offerId }).set((row) => ({ gpusInUse: row.gpusInUse + delta, updatedAt: timestamp }));
  await refreshUtilization(db, offerId, timestamp);
}

/* REQUEST AND ROUTING */

ponder.on('NectoMarket:JobRequested', async ({ event, context }) => {
  const { jobId, controller, teamId, spec, maxPricePerGpuHour, reviewSeconds, rerouteOptIn, deposit } = event.args;
  const mode = enumName(JOB_MODES, event.args.mode);
  const values = {
    mode,
    controller: lower(controller),
    buyer: mode === 'Tracked' ? lower(controller) : null,
    teamId: teamId === 0 ? null : teamId,
    gpuModel: fixedAscii(spec.gpuModel) ?? '',
    gpuCount: spec.gpuCount,
    minVramGb: spec.minVramGb,
    country: fixedAscii(spec.country),
    area: enumName(AREAS, spec.area),
    excludedPricing: spec.excludedPricing,
    hoursRequested: spec.hoursRequested,
    workloadURI: spec.workloadURI,
    workloadHash: spec.workloadHash,
    maxPricePerGpuHour,
    reviewSeconds,
    rerouteOptIn,
    status: 'Requested' as const,
    offerId: null,
    providerId: null,
    pricePerGpuHour: null,
    feeBps: null,
    decisionRoot: null,
    rerouteCount: 0,
    deposit,
    usedSeconds: null,
    paid: 0n,
    providerEarnings: 0n,
    fee: 0n,
    refundDue: 0n,
    refunded: 0n,
    requestedBlock: event.block.number,
    requestedTx: event.transaction.hash,
    requestedAt: event.block.timestamp,
    updatedAt: event.block.timestamp,
  };
  const row = await context.db
    .insert(job)
    .values({ id: jobId, ...values })
    .onConflictDoUpdate(values);
  await addTransition(context.db, event, jobId, 'None', 'Requested');
  await addEscrowMovement(context.db, event, 'Deposit', { jobId, amount: deposit, ...buyerSide(row) });
  if (isTeamJob(row)) {
    await addTeamSpend(context.db, teamSpendKey(row, UNROUTED), { committed: deposit, jobs: 1 });
  }
});

/** Moves a team job's commitment from one provider's daily spend row to another's. */
async function moveTeamCommitment(db: Db, row: JobRow, fromProviderId: number, toProviderId: number) {
  if (!isTeamJob(row) || fromProviderId === toProviderId) return;
  await addTeamSpend(db, teamSpendKey(row, fromProviderId), { committed: -row.deposit, jobs: -1 });
  await addTeamSpend(db, teamSpendKey(row, toProviderId), { committed: row.deposit, jobs: 1 });
}

/** The terms a route or reroute fixes: offer, price, fee and a new review window. */
function routeTerms(row: JobRow, providerId: number, args: { pricePerGpuHour: bigint; feeBps: number; decisionRoot: Hex }, timestamp: bigint) {
  return {
    providerId,
    pricePerGpuHour: args.pricePerGpuHour,
    feeBps: args.feeBps,
    decisionRoot: args.decisionRoot,
    routedAt: timestamp,
    reviewEndsAt: timestamp + BigInt(row.reviewSeconds),
    updatedAt: timestamp,
  };
}

ponder.on('NectoMarket:JobRouted', async ({ event, context }) => {
  const { jobId, offerId, pricePerGpuHour, decisionRoot } = event.args;
  const row = await requireJob(context.db, jobId);
  const target = await requireOffer(context.db, offerId);
  const timestamp = event.block.timestamp;
  await context.db
    .update(job, { id: jobId })
    .set({ status: 'Routed', offerId, ...routeTerms(row, target.providerId, event.args, timestamp) });
  await moveGpus(context.db, offerId, row.gpuCount, timestamp);
  await addTransition(context.db, event, jobId, row.status, 'Routed');
  await context.db
    .insert(routingDecision)
    .values({ id: event.id, jobId, kind: 'Route', offerId, pricePerGpuHour, decisionRoot, ...meta(event) })
    .onConflictDoNothing();
  await addRoutedPrice(context.db, {
    eventId: event.id,
    gpuModel: row.gpuModel,
    jobId,
    offerId,
    kind: 'Route',
    price: pricePerGpuHour,
    timestamp,
  });
  await moveTeamCommitment(context.db, row, UNROUTED, target.providerId);
});

ponder.on('NectoMarket:JobRerouted', async ({ event, context }) => {
  const { jobId, fromOfferId, toOfferId, pricePerGpuHour, previousRoot, decisionRoot } = event.args;
  const row = await requireJob(context.db, jobId);
  const target = await requireOffer(context.db, toOfferId);
  const timestamp = event.block.timestamp;
  await context.db.update(job, { id: jobId }).set({
    offerId: toOfferId,
    rerouteCount: row.rerouteCount + 1,
    ...routeTerms(row, target.providerId, event.args, timestamp),
  });
  await moveGpus(context.db, fromOfferId, -row.gpuCount, timestamp);
  await moveGpus(context.db, toOfferId, row.gpuCount, timestamp);
  await addTransition(context.db, event, jobId, 'Routed', 'Routed');
  await context.db
    .insert(routingDecision)
    .values({
      id: event.id,
      jobId,
      kind: 'Reroute',
      offerId: toOfferId,
      fromOfferId,
      pricePerGpuHour,
      decisionRoot,
      previousRoot,
      ...meta(event),
    })
    .onConflictDoNothing();
  await addRoutedPrice(context.db, {
    eventId: event.id,
    gpuModel: row.gpuModel,
    jobId,
    offerId: toOfferId,
    kind: 'Reroute',
    price: pricePerGpuHour,
    timestamp,
  });
  await moveTeamCommitment(context.db, row, row.providerId ?? UNROUTED, target.providerId);
});

ponder.on('NectoMarket:JobMarkedUnroutable', async ({ event, context }) => {
  const { jobId, decisionRoot } = event.args;
  const row = await requireJob(context.db, jobId);
  const timestamp = event.block.timestamp;
  await context.db
    .update(job, { id: jobId })
    .set({ status: 'Unroutable', decisionRoot, unroutableAt: timestamp, updatedAt: timestamp });
  await addTransition(context.db, event, jobId, row.status, 'Unroutable');
  await context.db
    .insert(routingDecision)
    .values({ id: event.id, jobId, kind: 'Unroutable', decisionRoot, ...meta(event) })
    .onConflictDoNothing();
});

/* LIFECYCLE */

ponder.on('NectoMarket:JobStarted', async ({ event, context }) => {
  const { jobId } = event.args;
  const row = await requireJob(context.db, jobId);
  const timestamp = event.block.timestamp;
  await context.db.update(job, { id: jobId }).set({ status: 'Started', startedAt: timestamp, updatedAt: timestamp });
  await addTransition(context.db, event, jobId, row.status, 'Started');
});

ponder.on('NectoMarket:JobCompleted', async ({ event, context }) => {
  const { jobId, offerId, payout, usedSeconds, providerEarnings, protocolFee, buyerRefundDue } = event.args;
  const row = await requireJob(context.db, jobId);
  const timestamp = event.block.timestamp;
  const paid = providerEarnings + protocolFee;
  await context.db.update(job, { id: jobId }).set({
    status: 'Completed',
    usedSeconds,
    paid,
    providerEarnings,
    fee: protocolFee,
    refundDue: buyerRefundDue,
    completedAt: timestamp,
    updatedAt: timestamp,
  });
  await addTransition(context.db, event, jobId, row.status, 'Completed');

  await context.db
    .update(offer, { id: offerId })
    .set((o) => ({ gpusInUse: o.gpusInUse - row.gpuCount, updatedAt: timestamp }));
  await refreshUtilization(context.db, offerId, timestamp, BigInt(row.gpuCount) * BigInt(usedSeconds), 1);

  await addEscrowMovement(context.db, event, 'EarningCredit', { jobId, account: payout, amount: providerEarnings });
  await changeEarnings(context.db, payout, providerEarnings, timestamp);
  if (protocolFee !== 0n) {
    const treasury = await feeTreasury(context.db);
    await addEscrowMovement(context.db, event, 'FeeCredit', { jobId, account: treasury, amount: protocolFee, idSuffix: 'fee' });
    if (treasury !== null) await changeEarnings(context.db, treasury, protocolFee, timestamp);
  }

  const target = await requireOffer(context.db, offerId);
  await addProviderEarnings(context.db, target.providerId, timestamp, providerEarnings, protocolFee);
  if (isTeamJob(row)) {
    await spendTeamJob(context.db, row, paid, timestamp);
    await addTeamSpend(context.db, teamSpendKey(row, target.providerId), { paid });
  }
});

/** A job's GPUs go back to its offer (expiry, or a cancel or refund while it held them). */
async function freeGpus(db: Db, row: JobRow, from: JobStatusName, timestamp: bigint) {
  if (row.offerId === null) throw new Error(`Job ${row.id} left ${from} but was never routed`);
  await moveGpus(db, row.offerId, -row.gpuCount, timestamp);
}

ponder.on('NectoMarket:JobCancelled', async ({ event, context }) => {
  const { jobId, refund } = event.args;
  const from = enumName(JOB_STATUSES, event.args.from);
  const row = await requireJob(context.db, jobId);
  const timestamp = event.block.timestamp;
  if (from === 'Routed') await freeGpus(context.db, row, from, timestamp);
  await context.db.update(job, { id: jobId }).set({
    status: 'Cancelled',
    refunded: row.refunded + refund,
    cancelledAt: timestamp,
    updatedAt: timestamp,
  });
  await addTransition(context.db, event, jobId, from, 'Cancelled');
  await addEscrowMovement(context.db, event, 'CancelRefund', { jobId, amount: refund, ...buyerSide(row) });
});

ponder.on('NectoMarket:JobExpired', async ({ event, context }) => {
  const { jobId } = event.args;
  const from = enumName(JOB_STATUSES, event.args.from);
  const row = await requireJob(context.db, jobId);
  const timestamp = event.block.timestamp;
  await freeGpus(context.db, row, from, timestamp);
  await context.db.update(job, { id: jobId }).set({ status: 'Expired', expiredAt: timestamp, updatedAt: timestamp });
  await addTransition(context.db, event, jobId, from, 'Expired');
});

ponder.on('NectoMarket:JobRefunded', async ({ event, context }) => {
  const { jobId, refund } = event.args;
  const from = enumName(JOB_STATUSES, event.args.from);
  const row = await requireJob(context.db, jobId);
  const timestamp = event.block.timestamp;
  // A refund straight from Routed or Started (no expire before it) frees the GPUs itself.
  if (from === 'Routed' || from === 'Started') await freeGpus(context.db, row, from, timestamp);
  await context.db.update(job, { id: jobId }).set({
    status: 'Refunded',
    refunded: row.refunded + refund,
    refundDue: 0n,
    refundedAt: timestamp,
    updatedAt: timestamp,
  });
  await addTransition(context.db, event, jobId, from, 'Refunded');
  await addEscrowMovement(context.db, event, 'Refund', { jobId, amount: refund, ...buyerSide(row) });
});
