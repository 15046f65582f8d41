// NectoMarket: providers, offers, earnings withdrawals, the protocol settings and the market's
// roles. Jobs are in NectoMarket.jobs.ts, team treasuries in NectoMarket.teams.ts.
// Handlers are idempotent upserts keyed by the entity id or Ponder's event id.
import { ponder } from 'ponder:registry';
import type { Event } from 'ponder:registry';
import { marketRole, offer, offerEvent, protocolSetting, provider, withdrawal } from 'ponder:schema';
import { AREAS, CAPACITY_STATES, PRICING_MODELS, enumName, fixedAscii, lower } from './lib/decode.ts';
import { refreshUtilization } from './lib/derived.ts';
import { PROTOCOL_ID, addEscrowMovement, changeEarnings } from './lib/escrow.ts';
import { meta } from './lib/source.ts';
import type { AnyEvent, Db, Hex } from './lib/source.ts';

/** AccessControl's DEFAULT_ADMIN_ROLE: the market admin, handed over in two steps. */
const DEFAULT_ADMIN_ROLE = `0x${'0'.repeat(64)}`;

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
  await changeEarnings(context.db, account, -amount, timestamp);
});

/* PROTOCOL */

type ProtocolValues = {
  feeBps?: number;
  treasury?: Hex;
  paused?: boolean;
  pendingAdmin?: Hex | null;
  pendingAdminSchedule?: bigint | null;
  pendingAdminDelay?: bigint | null;
  pendingAdminDelaySchedule?: bigint | null;
};

async function setProtocol(db: Db, event: AnyEvent, values: ProtocolValues) {
  const updated = {
    ...values,
    ...(values.treasury ? { treasury: lower(values.treasury) } : {}),
    ...(values.pendingAdmin ? { pendingAdmin: lower(values.pendingAdmin) } : {}),
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

/* ROLES AND THE TWO-STEP ADMIN TRANSFER (AccessControlDefaultAdminRules) */

async function setMarketRole(db: Db, event: Event<'NectoMarket:RoleGranted'> | Event<'NectoMarket:RoleRevoked'>, granted: boolean) {
  const { role, account } = event.args;
  const values = { role, account: lower(account), granted, updatedAt: event.block.timestamp };
  await db
    .insert(marketRole)
    .values({ id: `${role}-${lower(account)}`, ...values })
    .onConflictDoUpdate(values);
  // The admin role changes hands only by an accepted transfer (or a renounce): none is pending after.
  if (role === DEFAULT_ADMIN_ROLE) await setProtocol(db, event, { pendingAdmin: null, pendingAdminSchedule: null });
}

ponder.on('NectoMarket:RoleGranted', async ({ event, context }) => {
  await setMarketRole(context.db, event, true);
});

ponder.on('NectoMarket:RoleRevoked', async ({ event, context }) => {
  await setMarketRole(context.db, event, false);
});

ponder.on('NectoMarket:DefaultAdminTransferScheduled', async ({ event, context }) => {
  const { newAdmin, acceptSchedule } = event.args;
  await setProtocol(context.db, event, { pendingAdmin: newAdmin, pendingAdminSchedule: BigInt(acceptSchedule) });
});

ponder.on('NectoMarket:DefaultAdminTransferCanceled', async ({ event, context }) => {
  await setProtocol(context.db, event, { pendingAdmin: null, pendingAdminSchedule: null });
});

ponder.on('NectoMarket:DefaultAdminDelayChangeScheduled', async ({ event, context }) => {
  const { newDelay, effectSchedule } = event.args;
  await setProtocol(context.db, event, {
    pendingAdminDelay: BigInt(newDelay),
    pendingAdminDelaySchedule: BigInt(effectSchedule),
  });
});

ponder.on('NectoMarket:DefaultAdminDelayChangeCanceled', async ({ event, context }) => {
  await setProtocol(context.db, event, { pendingAdminDelay: null, pendingAdminDelaySchedule: null });
});
