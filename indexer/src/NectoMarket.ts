// NectoMarket: providers, offers, jobs, routing decisions and the USDC escrow.
// Handlers are idempotent upserts keyed by the entity id or Ponder's event id.
import { ponder } from 'ponder:registry';
import type { Context, Event } from 'ponder:registry';
import {
  earningsAccount,
  escrowMovement,
  job,
  jobTransition,
  marketRole,
  offer,
  offerEvent,
  protocolSetting,
  provider,
  routingDecision,
  withdrawal,
} from 'ponder:schema';
import {
  AREAS,
  CAPACITY_STATES,
  JOB_MODES,
  JOB_STATUSES,
  PRICING_MODELS,
  dayOf,
  enumName,
  fixedAscii,
} from './lib/decode.ts';
import type { JobStatusName } from './lib/decode.ts';
import {
  addProviderEarnings,
  addRoutedPrice,
  addTeamSpend,
  refreshUtilization,
} from './lib/derived.ts';

type Db = Context['db'];
type Hex = `0x${string}`;
type AnyEvent = { id: string; block: { number: bigint; timestamp: bigint }; log: { logIndex: number }; transaction: { hash: Hex } };

const PROTOCOL_ID = 'protocol';
/** The provider id of a team commitment whose job is not (yet) routed. */
const UNROUTED = 0;

function meta(event: AnyEvent) {
  return {
    block: event.block.number,
    logIndex: event.log.logIndex,
    tx: event.transaction.hash,
    timestamp: event.block.timestamp,
  };
}

function lower(address: Hex): Hex {
  return address.toLowerCase() as Hex;
}

async function requireJob(db: Db, id: bigint) {
  const row = await db.find(job, { id });
  if (!row) throw new Error(`Job ${id} has an event but was never requested`);
  return row;
}

async function requireOffer(db: Db, id: number) {
  const row = await db.find(offer, { id });
  if (!row) throw new Error(`Offer ${id} has an event but was never added`);
  return row;
}

async function addTransition(db: Db, event: AnyEvent, jobId: bigint, from: JobStatusName, to: JobStatusName) {
  await db
    .insert(jobTransition)
    .values({ id: event.id, jobId, from, to, ...meta(event) })
    .onConflictDoNothing();
}

async function addEscrowMovement(
  db: Db,
  event: AnyEvent,
  kind: 'Deposit' | 'EarningCredit' | 'FeeCredit' | 'Refund' | 'CancelRefund' | 'Withdrawal',
  values: { jobId?: bigint; account: Hex | null; amount: bigint; idSuffix?: string },
) {
  await db
    .insert(escrowMovement)
    .values({
      id: values.idSuffix ? `${event.id}-${values.idSuffix}` : event.id,
      kind,
      jobId: values.jobId ?? null,
      account: values.account === null ? null : lower(values.account),
      amount: values.amount,
      ...meta(event),
    })
    .onConflictDoNothing();
}

/** The buyer of a Tracked job; null for Untracked jobs, whose buyer is never recorded. */
function buyerOf(row: { mode: 'Tracked' | 'Untracked'; controller: Hex }): Hex | null {
  return row.mode === 'Tracked' ? row.controller : null;
}

async function moveGpus(db: Db, offerId: number, delta: number, timestamp: bigint) {
  await db.update(offer, { id: offerId }).set((row) => ({ gpusInUse: row.gpusInUse + delta, updatedAt: timestamp }));
  await refreshUtilization(db, offerId, timestamp);
}

async function creditEarnings(db: Db, account: Hex, amount: bigint, timestamp: bigint) {
  await db
    .insert(earningsAccount)
    .values({ id: lower(account), credited: amount, withdrawn: 0n, balance: amount, updatedAt: timestamp })
    .onConflictDoUpdate((row) => ({
      credited: row.credited + amount,
      balance: row.balance + amount,
      updatedAt: timestamp,
    }));
}

/* PROVIDERS */

ponder.on('NectoMarket:ProviderRegistered', async ({ event, context }) => {
  const { providerId, owner, payout, sourceTag, metadataURI } = event.args;
  const tag = fixedAscii(sourceTag);
  const values = {
    owner: lower(owner),
    payout: lower(payout),
    sourceTag: tag,
    isGateway: tag !== null,
    metadataURI,
    registeredBlock: event.block.number,
    registeredTx: event.transaction.hash,
    registeredAt: event.block.timestamp,
    updatedAt: event.block.timestamp,
  };
  await context.db
    .insert(provider)
    .values({ id: providerId, ...values })
    .onConflictDoUpdate(values);
});

ponder.on('NectoMarket:ProviderUpdated', async ({ event, context }) => {
  const { providerId, payout, metadataURI } = event.args;
  await context.db
    .update(provider, { id: providerId })
    .set({ payout: lower(payout), metadataURI, updatedAt: event.block.timestamp });
});

/* OFFERS */

ponder.on('NectoMarket:OfferAdded', async ({ event, context }) => {
  const { offerId, providerId, params } = event.args;
  const owner = await context.db.find(provider, { id: providerId });
  const pricing = enumName(PRICING_MODELS, params.pricing);
  const values = {
    providerId,
    isGateway: owner?.isGateway ?? false,
    gpuModel: fixedAscii(params.gpuModel) ?? '',
    gpuCount: params.gpuCount,
    gpusInUse: 0,
    vramGb: params.vramGb,
    country: fixedAscii(params.country),
    area: enumName(AREAS, params.area),
    availableFrom: BigInt(params.availableFrom),
    availableUntil: BigInt(params.availableUntil),
    pricing,
    price: params.price,
    demandSlopeBps: params.demandSlopeBps,
    tokenId: params.tokenId,
    tokenAmount: params.tokenAmount,
    state: 'Available' as const,
    listedBlock: event.block.number,
    listedTx: event.transaction.hash,
    listedAt: event.block.timestamp,
    updatedAt: event.block.timestamp,
  };
  await context.db
    .insert(offer)
    .values({ id: offerId, ...values })
    .onConflictDoUpdate(values);
  await context.db
    .insert(offerEvent)
    .values({
      id: event.id,
      offerId,
      kind: 'Added',
      pricing,
      price: params.price,
      demandSlopeBps: params.demandSlopeBps,
      tokenId: params.tokenId,
      tokenAmount: params.tokenAmount,
      state: 'Available',
      gpuCount: params.gpuCount,
      availableFrom: BigInt(params.availableFrom),
      availableUntil: BigInt(params.availableUntil),
      ...meta(event),
    })
    .onConflictDoNothing();
  await refreshUtilization(context.db, offerId, event.block.timestamp);
});

ponder.on('NectoMarket:OfferPricingUpdated', async ({ event, context }) => {
  const { offerId, price, demandSlopeBps, tokenId, tokenAmount } = event.args;
  const pricing = enumName(PRICING_MODELS, event.args.pricing);
  const values = { pricing, price, demandSlopeBps, tokenId, tokenAmount };
  await context.db.update(offer, { id: offerId }).set({ ...values, updatedAt: event.block.timestamp });
  await context.db
    .insert(offerEvent)
    .values({ id: event.id, offerId, kind: 'PricingUpdated', ...values, ...meta(event) })
    .onConflictDoNothing();
});

ponder.on('NectoMarket:OfferCapacityUpdated', async ({ event, context }) => {
  const { offerId, gpuCount } = event.args;
  const state = enumName(CAPACITY_STATES, event.args.state);
  await context.db.update(offer, { id: offerId }).set({ state, gpuCount, updatedAt: event.block.timestamp });
  await context.db
    .insert(offerEvent)
    .values({ id: event.id, offerId, kind: 'CapacityUpdated', state, gpuCount, ...meta(event) })
    .onConflictDoNothing();
  await refreshUtilization(context.db, offerId, event.block.timestamp);
});

ponder.on('NectoMarket:OfferAvailabilityUpdated', async ({ event, context }) => {
  const { offerId } = event.args;
  const availableFrom = BigInt(event.args.availableFrom);
  const availableUntil = BigInt(event.args.availableUntil);
  await context.db
    .update(offer, { id: offerId })
    .set({ availableFrom, availableUntil, updatedAt: event.block.timestamp });
  await context.db
    .insert(offerEvent)
    .values({ id: event.id, offerId, kind: 'AvailabilityUpdated', availableFrom, availableUntil, ...meta(event) })
    .onConflictDoNothing();
  await refreshUtilization(context.db, offerId, event.block.timestamp);
});

/* JOBS */

ponder.on('NectoMarket:JobRequested', async ({ event, context }) => {
  const { jobId, controller, teamId, spec, maxPricePerGpuHour, rerouteOptIn, deposit } = event.args;
  const mode = enumName(JOB_MODES, event.args.mode);
  const buyer = mode === 'Tracked' ? lower(controller) : null;
  const values = {
    mode,
    controller: lower(controller),
    buyer,
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
    rerouteOptIn,
    status: 'Requested' as const,
    offerId: null,
    providerId: null,
    pricePerGpuHour: null,
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
  await context.db
    .insert(job)
    .values({ id: jobId, ...values })
    .onConflictDoUpdate(values);
  await addTransition(context.db, event, jobId, 'None', 'Requested');
  await addEscrowMovement(context.db, event, 'Deposit', { jobId, account: buyer, amount: deposit });
  if (buyer !== null && teamId !== 0) {
    await addTeamSpend(
      context.db,
      { teamId, user: buyer, providerId: UNROUTED, day: dayOf(event.block.timestamp) },
      { committed: deposit, jobs: 1 },
    );
  }
});

/** Moves a team job's commitment (and anything paid) from one provider to another. */
async function moveTeamCommitment(
  db: Db,
  row: { teamId: number | null; buyer: Hex | null; requestedAt: bigint; deposit: bigint },
  fromProviderId: number,
  toProviderId: number,
) {
  if (row.teamId === null || row.buyer === null || fromProviderId === toProviderId) return;
  const day = dayOf(row.requestedAt);
  const base = { teamId: row.teamId, user: row.buyer, day };
  await addTeamSpend(db, { ...base, providerId: fromProviderId }, { committed: -row.deposit, jobs: -1 });
  await addTeamSpend(db, { ...base, providerId: toProviderId }, { committed: row.deposit, jobs: 1 });
}

ponder.on('NectoMarket:JobRouted', async ({ event, context }) => {
  const { jobId, offerId, pricePerGpuHour, decisionRoot } = event.args;
  const row = await requireJob(context.db, jobId);
  const target = await requireOffer(context.db, offerId);
  const timestamp = event.block.timestamp;
  await context.db.update(job, { id: jobId }).set({
    status: 'Routed',
    offerId,
    providerId: target.providerId,
    pricePerGpuHour,
    decisionRoot,
    routedAt: timestamp,
    updatedAt: timestamp,
  });
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
    providerId: target.providerId,
    pricePerGpuHour,
    decisionRoot,
    routedAt: timestamp,
    rerouteCount: row.rerouteCount + 1,
    updatedAt: timestamp,
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
  await creditEarnings(context.db, payout, providerEarnings, timestamp);
  if (protocolFee !== 0n) {
    const settings = await context.db.find(protocolSetting, { id: PROTOCOL_ID });
    const treasury = settings?.treasury ?? null;
    await addEscrowMovement(context.db, event, 'FeeCredit', {
      jobId,
      account: treasury,
      amount: protocolFee,
      idSuffix: 'fee',
    });
    if (treasury !== null) await creditEarnings(context.db, treasury, protocolFee, timestamp);
  }

  const target = await requireOffer(context.db, offerId);
  await addProviderEarnings(context.db, target.providerId, timestamp, providerEarnings, protocolFee);
  if (row.teamId !== null && row.buyer !== null) {
    await addTeamSpend(
      context.db,
      { teamId: row.teamId, user: row.buyer, providerId: target.providerId, day: dayOf(row.requestedAt) },
      { paid },
    );
  }
});

ponder.on('NectoMarket:JobCancelled', async ({ event, context }) => {
  const { jobId, refund } = event.args;
  const row = await requireJob(context.db, jobId);
  const timestamp = event.block.timestamp;
  if (row.status === 'Routed' && row.offerId !== null) {
    await moveGpus(context.db, row.offerId, -row.gpuCount, timestamp);
  }
  await context.db.update(job, { id: jobId }).set({
    status: 'Cancelled',
    refunded: row.refunded + refund,
    cancelledAt: timestamp,
    updatedAt: timestamp,
  });
  await addTransition(context.db, event, jobId, row.status, 'Cancelled');
  await addEscrowMovement(context.db, event, 'CancelRefund', { jobId, account: buyerOf(row), amount: refund });
});

ponder.on('NectoMarket:JobRefunded', async ({ event, context }) => {
  const { jobId, refund } = event.args;
  const from = enumName(JOB_STATUSES, event.args.from);
  const row = await requireJob(context.db, jobId);
  const timestamp = event.block.timestamp;
  if ((from === 'Routed' || from === 'Started') && row.offerId !== null) {
    await moveGpus(context.db, row.offerId, -row.gpuCount, timestamp);
  }
  await context.db.update(job, { id: jobId }).set({
    status: 'Refunded',
    refunded: row.refunded + refund,
    refundDue: 0n,
    refundedAt: timestamp,
    updatedAt: timestamp,
  });
  await addTransition(context.db, event, jobId, from, 'Refunded');
  await addEscrowMovement(context.db, event, 'Refund', { jobId, account: buyerOf(row), amount: refund });
});

/* EARNINGS */

ponder.on('NectoMarket:EarningsWithdrawn', async ({ event, context }) => {
  const { account, to, amount } = event.args;
  const timestamp = event.block.timestamp;
  await context.db
    .insert(withdrawal)
    .values({
      id: event.id,
      account: lower(account),
      to: lower(to),
      amount,
      block: event.block.number,
      tx: event.transaction.hash,
      timestamp,
    })
    .onConflictDoNothing();
  await addEscrowMovement(context.db, event, 'Withdrawal', { account, amount });
  await context.db
    .insert(earningsAccount)
    .values({ id: lower(account), credited: 0n, withdrawn: amount, balance: -amount, updatedAt: timestamp })
    .onConflictDoUpdate((row) => ({
      withdrawn: row.withdrawn + amount,
      balance: row.balance - amount,
      updatedAt: timestamp,
    }));
});

/* PROTOCOL */

async function setProtocol(
  db: Db,
  event: AnyEvent,
  values: { feeBps?: number; treasury?: Hex; paused?: boolean },
) {
  const updated = {
    ...values,
    ...(values.treasury ? { treasury: lower(values.treasury) } : {}),
    updatedBlock: event.block.number,
    updatedAt: event.block.timestamp,
  };
  await db
    .insert(protocolSetting)
    .values({ id: PROTOCOL_ID, feeBps: 0, treasury: null, paused: false, ...updated })
    .onConflictDoUpdate(updated);
}

ponder.on('NectoMarket:ProtocolFeeUpdated', async ({ event, context }) => {
  await setProtocol(context.db, event, { feeBps: event.args.feeBps, treasury: event.args.treasury });
});

ponder.on('NectoMarket:Paused', async ({ event, context }) => {
  await setProtocol(context.db, event, { paused: true });
});

ponder.on('NectoMarket:Unpaused', async ({ event, context }) => {
  await setProtocol(context.db, event, { paused: false });
});

async function setMarketRole(db: Db, event: Event<'NectoMarket:RoleGranted'> | Event<'NectoMarket:RoleRevoked'>, granted: boolean) {
  const { role, account } = event.args;
  const values = { role, account: lower(account), granted, updatedAt: event.block.timestamp };
  await db
    .insert(marketRole)
    .values({ id: `${role}-${lower(account)}`, ...values })
    .onConflictDoUpdate(values);
}

ponder.on('NectoMarket:RoleGranted', async ({ event, context }) => {
  await setMarketRole(context.db, event, true);
});

ponder.on('NectoMarket:RoleRevoked', async ({ event, context }) => {
  await setMarketRole(context.db, event, false);
});
