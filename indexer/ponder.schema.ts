// Necto's indexed world. Every table is rebuilt from contract events alone. Money is USDC base
// units, prices are micro-USD per GPU-hour, times are unix seconds, `day` = floor(timestamp / 86400).
// Export names are singular camelCase so Ponder's mechanical GraphQL plurals read well
// (`provider` -> `providers`); SQL table names are their snake_case form.
import { index, onchainEnum, onchainTable, relations } from 'ponder';
import type { PgColumnsBuilders } from 'ponder';

/** Where an event-sourced row comes from: its block, log, transaction and time. */
const eventSource = (t: PgColumnsBuilders) => ({
  block: t.bigint().notNull(),
  logIndex: t.integer().notNull(),
  tx: t.hex().notNull(),
  timestamp: t.bigint().notNull(),
});

/* ENUMS (mirror the Solidity enums, same order) */

export const pricingModel = onchainEnum('pricing_model', ['Fixed', 'Dynamic', 'Token', 'Spot', 'Auction']);
export const capacityState = onchainEnum('capacity_state', ['Available', 'Reserved', 'Offline']);
export const area = onchainEnum('area', ['None', 'NA', 'SA', 'EU', 'APAC', 'MEA']);
export const jobMode = onchainEnum('job_mode', ['Tracked', 'Untracked']);
export const jobStatus = onchainEnum('job_status', [
  'None',
  'Requested',
  'Routed',
  'Started',
  'Completed',
  'Cancelled',
  'Unroutable',
  'Refunded',
  'Expired',
]);
export const teamRole = onchainEnum('team_role', ['None', 'Viewer', 'User', 'Admin']);
export const offerEventKind = onchainEnum('offer_event_kind', [
  'Added',
  'PricingUpdated',
  'CapacityUpdated',
  'AvailabilityUpdated',
]);
export const routingKind = onchainEnum('routing_kind', ['Route', 'Reroute', 'Unroutable']);
export const escrowKind = onchainEnum('escrow_kind', [
  'Deposit',
  'EarningCredit',
  'FeeCredit',
  'Refund',
  'CancelRefund',
  'Withdrawal',
]);
export const treasuryKind = onchainEnum('treasury_kind', ['Deposit', 'Withdrawal', 'JobFunding', 'CreditBack']);

/* PROVIDERS AND OFFERS */

export const provider = onchainTable(
  'provider',
  (t) => ({
    id: t.integer().primaryKey(),
    owner: t.hex().notNull(),
    payout: t.hex().notNull(),
    /** The external network of a gateway ("akash"); null for Necto sellers. */
    sourceTag: t.text(),
    isGateway: t.boolean().notNull(),
    metadataURI: t.text().notNull(),
    registeredBlock: t.bigint().notNull(),
    registeredTx: t.hex().notNull(),
    registeredAt: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    ownerIdx: index().on(table.owner),
    payoutIdx: index().on(table.payout),
    gatewayIdx: index().on(table.isGateway),
  }),
);

export const offer = onchainTable(
  'offer',
  (t) => ({
    id: t.integer().primaryKey(),
    providerId: t.integer().notNull(),
    isGateway: t.boolean().notNull(),
    /** Canonical GPU model id, e.g. "H100-80G" (the bytes16 decoded as ASCII). */
    gpuModel: t.text().notNull(),
    gpuCount: t.integer().notNull(),
    /** Derived from job events: routes reserve, reroutes move, completion, cancel, expiry and refund free. */
    gpusInUse: t.integer().notNull(),
    vramGb: t.integer().notNull(),
    /** ISO 3166 alpha-2, null when unknown. */
    country: t.text(),
    area: area('area').notNull(),
    availableFrom: t.bigint().notNull(),
    /** 0 = open-ended. */
    availableUntil: t.bigint().notNull(),
    pricing: pricingModel('pricing').notNull(),
    /**
     * What the owner commits to, micro-USD per GPU-hour, never zero: the exact price of a Necto
     * seller's Fixed offer, the floor of its Dynamic offer (a route pays floor x (1 + slope x
     * gpusInUse / gpuCount)), and the USD ceiling no route may exceed for a Token offer and for
     * every gateway offer, whatever its model.
     */
    price: t.bigint().notNull(),
    demandSlopeBps: t.integer().notNull(),
    /** Token offers: the token's CoinGecko id (bytes32) and micro-tokens per GPU-hour; zero otherwise. */
    tokenId: t.hex().notNull(),
    tokenAmount: t.bigint().notNull(),
    state: capacityState('state').notNull(),
    listedBlock: t.bigint().notNull(),
    listedTx: t.hex().notNull(),
    listedAt: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    providerIdx: index().on(table.providerId),
    modelIdx: index().on(table.gpuModel),
    stateIdx: index().on(table.state),
    pricingIdx: index().on(table.pricing),
    areaIdx: index().on(table.area),
    countryIdx: index().on(table.country),
  }),
);

/** One row per pricing, capacity or availability change of an offer (and its listing). */
export const offerEvent = onchainTable(
  'offer_event',
  (t) => ({
    id: t.text().primaryKey(),
    offerId: t.integer().notNull(),
    kind: offerEventKind('kind').notNull(),
    pricing: pricingModel('pricing'),
    /** Exact price, floor or USD ceiling, as on `offer.price`. */
    price: t.bigint(),
    demandSlopeBps: t.integer(),
    tokenId: t.hex(),
    tokenAmount: t.bigint(),
    state: capacityState('state'),
    gpuCount: t.integer(),
    availableFrom: t.bigint(),
    availableUntil: t.bigint(),
    ...eventSource(t),
  }),
  (table) => ({
    offerIdx: index().on(table.offerId, table.block, table.logIndex),
    kindIdx: index().on(table.kind),
  }),
);

/* JOBS */

export const job = onchainTable(
  'job',
  (t) => ({
    id: t.bigint().primaryKey(),
    mode: jobMode('mode').notNull(),
    /** The buyer (Tracked) or the one-time job key (Untracked). */
    controller: t.hex().notNull(),
    /** Tracked only; always null for Untracked jobs. */
    buyer: t.hex(),
    /** Tracked team jobs only; null otherwise. */
    teamId: t.integer(),
    gpuModel: t.text().notNull(),
    gpuCount: t.integer().notNull(),
    minVramGb: t.integer().notNull(),
    country: t.text(),
    area: area('area').notNull(),
    /** Bit i excludes PricingModel(i). */
    excludedPricing: t.integer().notNull(),
    hoursRequested: t.integer().notNull(),
    workloadURI: t.text().notNull(),
    workloadHash: t.hex().notNull(),
    maxPricePerGpuHour: t.bigint().notNull(),
    /** Seconds after each route or reroute during which the provider may not start (0 = at once). */
    reviewSeconds: t.integer().notNull(),
    rerouteOptIn: t.boolean().notNull(),
    status: jobStatus('status').notNull(),
    offerId: t.integer(),
    providerId: t.integer(),
    pricePerGpuHour: t.bigint(),
    /** The protocol fee the last route or reroute fixed for this job (null until routed). */
    feeBps: t.integer(),
    decisionRoot: t.hex(),
    rerouteCount: t.integer().notNull(),
    /** maxPricePerGpuHour x gpuCount x hoursRequested. */
    deposit: t.bigint().notNull(),
    usedSeconds: t.integer(),
    /** Gross settlement: price x GPUs x usedSeconds / 3600, rounded down (= providerEarnings + fee). */
    paid: t.bigint().notNull(),
    providerEarnings: t.bigint().notNull(),
    fee: t.bigint().notNull(),
    /** What the buyer may still claim after completion (deposit - paid), 0 once refunded. */
    refundDue: t.bigint().notNull(),
    /** What the escrow actually paid back (cancel or refund). */
    refunded: t.bigint().notNull(),
    requestedBlock: t.bigint().notNull(),
    requestedTx: t.hex().notNull(),
    requestedAt: t.bigint().notNull(),
    /** Block time of the last route or reroute. */
    routedAt: t.bigint(),
    /** routedAt + reviewSeconds: the provider may not start before; a reroute starts it again. */
    reviewEndsAt: t.bigint(),
    startedAt: t.bigint(),
    completedAt: t.bigint(),
    cancelledAt: t.bigint(),
    unroutableAt: t.bigint(),
    refundedAt: t.bigint(),
    expiredAt: t.bigint(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    statusIdx: index().on(table.status),
    controllerIdx: index().on(table.controller),
    buyerIdx: index().on(table.buyer),
    teamIdx: index().on(table.teamId),
    offerIdx: index().on(table.offerId),
    providerIdx: index().on(table.providerId),
    modelIdx: index().on(table.gpuModel),
    modeIdx: index().on(table.mode),
    requestedAtIdx: index().on(table.requestedAt),
  }),
);

/** The status timeline: one row per transition (a reroute is Routed -> Routed). */
export const jobTransition = onchainTable(
  'job_transition',
  (t) => ({
    id: t.text().primaryKey(),
    jobId: t.bigint().notNull(),
    from: jobStatus('from').notNull(),
    to: jobStatus('to').notNull(),
    ...eventSource(t),
  }),
  (table) => ({ jobIdx: index().on(table.jobId, table.block, table.logIndex), toIdx: index().on(table.to) }),
);

/** One row per keeper decision: route, reroute or unroutable mark. */
export const routingDecision = onchainTable(
  'routing_decision',
  (t) => ({
    id: t.text().primaryKey(),
    jobId: t.bigint().notNull(),
    kind: routingKind('kind').notNull(),
    /** The chosen offer (null for Unroutable). */
    offerId: t.integer(),
    /** Reroutes: the offer the job left. */
    fromOfferId: t.integer(),
    pricePerGpuHour: t.bigint(),
    decisionRoot: t.hex().notNull(),
    previousRoot: t.hex(),
    ...eventSource(t),
  }),
  (table) => ({
    jobIdx: index().on(table.jobId),
    offerIdx: index().on(table.offerId),
    rootIdx: index().on(table.decisionRoot),
    kindIdx: index().on(table.kind),
    timestampIdx: index().on(table.timestamp),
  }),
);

/* ESCROW */

/**
 * Every movement of escrowed USDC. `account` is who the amount belongs to: the buyer for deposits
 * and refunds of Tracked jobs without a team (null for Untracked jobs: no buyer value anywhere), the
 * payout address for earning credits, the treasury for fee credits, the withdrawing account for
 * withdrawals. A team job's deposit comes from, and its refunds go back to, the team's treasury:
 * `teamId` is set and `account` is null (the member who requested it is on the job and in
 * teamTreasuryMovement).
 */
export const escrowMovement = onchainTable(
  'escrow_movement',
  (t) => ({
    id: t.text().primaryKey(),
    kind: escrowKind('kind').notNull(),
    jobId: t.bigint(),
    account: t.hex(),
    teamId: t.integer(),
    amount: t.bigint().notNull(),
    ...eventSource(t),
  }),
  (table) => ({
    jobIdx: index().on(table.jobId),
    accountIdx: index().on(table.account),
    teamIdx: index().on(table.teamId),
    kindIdx: index().on(table.kind),
    timestampIdx: index().on(table.timestamp),
  }),
);

export const withdrawal = onchainTable(
  'withdrawal',
  (t) => ({
    id: t.text().primaryKey(),
    account: t.hex().notNull(),
    to: t.hex().notNull(),
    amount: t.bigint().notNull(),
    block: t.bigint().notNull(),
    tx: t.hex().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account) }),
);

/** Pull-payment balances of providers' payout addresses and the treasury. */
export const earningsAccount = onchainTable('earnings_account', (t) => ({
  id: t.hex().primaryKey(),
  credited: t.bigint().notNull(),
  withdrawn: t.bigint().notNull(),
  balance: t.bigint().notNull(),
  updatedAt: t.bigint().notNull(),
}));

/* PROTOCOL */

/**
 * A single row, id "protocol". `feeBps` applies to jobs routed from then on (each job keeps the fee
 * it was routed with). The pending admin transfer and delay change of AccessControlDefaultAdminRules:
 * `pendingAdmin` may accept from `pendingAdminSchedule` on; a change of the admin role ends the
 * transfer. `pendingAdminDelay` takes effect at `pendingAdminDelaySchedule` (no event marks that).
 */
export const protocolSetting = onchainTable('protocol_setting', (t) => ({
  id: t.text().primaryKey(),
  feeBps: t.integer().notNull(),
  treasury: t.hex(),
  paused: t.boolean().notNull(),
  pendingAdmin: t.hex(),
  pendingAdminSchedule: t.bigint(),
  pendingAdminDelay: t.bigint(),
  pendingAdminDelaySchedule: t.bigint(),
  updatedBlock: t.bigint().notNull(),
  updatedAt: t.bigint().notNull(),
}));

/** AccessControl roles of the market (keeper, guardian, admin). id = `${role}-${account}`. */
export const marketRole = onchainTable(
  'market_role',
  (t) => ({
    id: t.text().primaryKey(),
    role: t.hex().notNull(),
    account: t.hex().notNull(),
    granted: t.boolean().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account) }),
);

/* TEAMS */

export const team = onchainTable(
  'team',
  (t) => ({
    id: t.integer().primaryKey(),
    name: t.text().notNull(),
    creator: t.hex().notNull(),
    whitelistEnabled: t.boolean().notNull(),
    /** What the team's jobs may commit over a rolling 30 days (0 = no cap); the market counts it. */
    spendingCap: t.bigint().notNull(),
    /**
     * The treasury, from the market's events; always deposited = balance + committed + spent +
     * withdrawn. `balance`: not committed to any job (what jobs draw on and Admins withdraw), as the
     * market reported it after the team's last movement. `committed`: the deposits of open team
     * jobs. `spent`: gross settlement of completed team jobs.
     */
    balance: t.bigint().notNull(),
    deposited: t.bigint().notNull(),
    withdrawn: t.bigint().notNull(),
    committed: t.bigint().notNull(),
    spent: t.bigint().notNull(),
    /**
     * What counted against the cap (the market's two 30-day spend buckets) as of the team's last
     * TeamJobFunded or TeamJobCredited, at block time `windowSpendAt` (0 and null before the first).
     * The count also falls with time, without an event (spend stops counting 30 to 60 days after
     * its request): the live value is the market's `teamFunds(teamId)`.
     */
    windowSpend: t.bigint().notNull(),
    windowSpendAt: t.bigint(),
    createdAt: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ creatorIdx: index().on(table.creator) }),
);

/** id = `${teamId}-${account}`. Role None means revoked (the row stays, for history). */
export const teamMember = onchainTable(
  'team_member',
  (t) => ({
    id: t.text().primaryKey(),
    teamId: t.integer().notNull(),
    account: t.hex().notNull(),
    role: teamRole('role').notNull(),
    grantedBy: t.hex().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    teamIdx: index().on(table.teamId),
    accountIdx: index().on(table.account),
    roleIdx: index().on(table.role),
  }),
);

/** id = `${teamId}-${providerId}`. */
export const teamWhitelist = onchainTable(
  'team_whitelist',
  (t) => ({
    id: t.text().primaryKey(),
    teamId: t.integer().notNull(),
    providerId: t.integer().notNull(),
    allowed: t.boolean().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ teamIdx: index().on(table.teamId), providerIdx: index().on(table.providerId) }),
);

/**
 * Every change of a team's treasury balance, one per market event: a Deposit (TeamDeposited, by
 * anyone), a Withdrawal (TeamWithdrawn, by an Admin, to `to`), a team job's JobFunding
 * (TeamJobFunded: its deposit, at request) and a CreditBack (TeamJobCredited: what the job did not
 * spend: cancel, unroutable, expiry, the rest after completion, a refund past its deadline).
 * `account` is the depositor, the Admin, or the member who requested the job. `balance` is the
 * team's balance after the movement, as the event reports it. `id` is Ponder's event id.
 */
export const teamTreasuryMovement = onchainTable(
  'team_treasury_movement',
  (t) => ({
    id: t.text().primaryKey(),
    teamId: t.integer().notNull(),
    kind: treasuryKind('kind').notNull(),
    jobId: t.bigint(),
    account: t.hex().notNull(),
    to: t.hex(),
    amount: t.bigint().notNull(),
    balance: t.bigint().notNull(),
    ...eventSource(t),
  }),
  (table) => ({
    teamIdx: index().on(table.teamId, table.block, table.logIndex),
    accountIdx: index().on(table.account),
    jobIdx: index().on(table.jobId),
    kindIdx: index().on(table.kind),
  }),
);

/* DERIVED */

/** id = `${providerId}-${day}`, day of completion. */
export const providerDailyEarning = onchainTable(
  'provider_daily_earning',
  (t) => ({
    id: t.text().primaryKey(),
    providerId: t.integer().notNull(),
    day: t.integer().notNull(),
    /** Net of the protocol fee. */
    earnings: t.bigint().notNull(),
    fees: t.bigint().notNull(),
    jobsCompleted: t.integer().notNull(),
  }),
  (table) => ({ providerDayIdx: index().on(table.providerId, table.day), dayIdx: index().on(table.day) }),
);

/** id = offerId. See README for the offered-capacity rule. */
export const offerUtilization = onchainTable(
  'offer_utilization',
  (t) => ({
    id: t.integer().primaryKey(),
    providerId: t.integer().notNull(),
    /** Sum over completed jobs of gpuCount x usedSeconds (exact). */
    gpuSecondsUsed: t.bigint().notNull(),
    gpuHoursUsed: t.doublePrecision().notNull(),
    gpuSecondsOffered: t.bigint().notNull(),
    gpuHoursOffered: t.doublePrecision().notNull(),
    /** gpuSecondsUsed / gpuSecondsOffered (0 when nothing offered). */
    ratio: t.doublePrecision().notNull(),
    /** floor(gpuSecondsUsed x 10000 / gpuSecondsOffered), exact. */
    ratioBps: t.bigint().notNull(),
    jobsCompleted: t.integer().notNull(),
    /** Block time up to which an open-ended window is counted. */
    asOf: t.bigint().notNull(),
  }),
  (table) => ({ providerIdx: index().on(table.providerId) }),
);

/**
 * id = `${teamId}-${user}-${providerId}-${day}`, day of the request. `committed` = deposits of
 * the team's jobs requested that day, attributed to the provider currently holding the job
 * (providerId 0 = not routed). `paid` = gross settlement of those jobs; `creditedBack` = what
 * went back to the treasury (so committed - creditedBack is what the cap counted for them).
 */
export const teamDailySpend = onchainTable(
  'team_daily_spend',
  (t) => ({
    id: t.text().primaryKey(),
    teamId: t.integer().notNull(),
    user: t.hex().notNull(),
    providerId: t.integer().notNull(),
    day: t.integer().notNull(),
    committed: t.bigint().notNull(),
    paid: t.bigint().notNull(),
    creditedBack: t.bigint().notNull(),
    jobs: t.integer().notNull(),
  }),
  (table) => ({
    teamDayIdx: index().on(table.teamId, table.day),
    userIdx: index().on(table.user),
    providerIdx: index().on(table.providerId),
  }),
);

/**
 * id = `${gpuModel}-${day}`, day of the route. Prices are every route and reroute price of the
 * day; `jobsRouted` counts first routes only. Median of an even count = floor of the mean of the
 * two middle prices.
 */
export const gpuModelDailyStat = onchainTable(
  'gpu_model_daily_stat',
  (t) => ({
    id: t.text().primaryKey(),
    gpuModel: t.text().notNull(),
    day: t.integer().notNull(),
    jobsRouted: t.integer().notNull(),
    routes: t.integer().notNull(),
    minPrice: t.bigint().notNull(),
    medianPrice: t.bigint().notNull(),
    /** The day's prices as { price (decimal string): how many routes }, to update the median exactly. */
    priceCounts: t.json().$type<Record<string, number>>().notNull(),
  }),
  (table) => ({ modelDayIdx: index().on(table.gpuModel, table.day), dayIdx: index().on(table.day) }),
);

/** Child rows of gpuModelDailyStat: one per route or reroute price. */
export const routedPrice = onchainTable(
  'routed_price',
  (t) => ({
    id: t.text().primaryKey(),
    gpuModel: t.text().notNull(),
    day: t.integer().notNull(),
    jobId: t.bigint().notNull(),
    offerId: t.integer().notNull(),
    kind: routingKind('kind').notNull(),
    price: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ modelDayIdx: index().on(table.gpuModel, table.day) }),
);

/* RELATIONS (GraphQL nesting) */

export const providerRelations = relations(provider, ({ many }) => ({
  offers: many(offer),
  dailyEarnings: many(providerDailyEarning),
}));

export const offerRelations = relations(offer, ({ one, many }) => ({
  provider: one(provider, { fields: [offer.providerId], references: [provider.id] }),
  events: many(offerEvent),
  jobs: many(job),
  utilization: one(offerUtilization, { fields: [offer.id], references: [offerUtilization.id] }),
}));

export const offerEventRelations = relations(offerEvent, ({ one }) => ({
  offer: one(offer, { fields: [offerEvent.offerId], references: [offer.id] }),
}));

export const jobRelations = relations(job, ({ one, many }) => ({
  offer: one(offer, { fields: [job.offerId], references: [offer.id] }),
  provider: one(provider, { fields: [job.providerId], references: [provider.id] }),
  team: one(team, { fields: [job.teamId], references: [team.id] }),
  transitions: many(jobTransition),
  routingDecisions: many(routingDecision),
  escrowMovements: many(escrowMovement),
  treasuryMovements: many(teamTreasuryMovement),
}));

export const jobTransitionRelations = relations(jobTransition, ({ one }) => ({
  job: one(job, { fields: [jobTransition.jobId], references: [job.id] }),
}));

export const routingDecisionRelations = relations(routingDecision, ({ one }) => ({
  job: one(job, { fields: [routingDecision.jobId], references: [job.id] }),
  offer: one(offer, { fields: [routingDecision.offerId], references: [offer.id] }),
}));

export const escrowMovementRelations = relations(escrowMovement, ({ one }) => ({
  job: one(job, { fields: [escrowMovement.jobId], references: [job.id] }),
}));

export const teamRelations = relations(team, ({ many }) => ({
  members: many(teamMember),
  whitelist: many(teamWhitelist),
  jobs: many(job),
  treasuryMovements: many(teamTreasuryMovement),
  dailySpend: many(teamDailySpend),
}));

export const teamMemberRelations = relations(teamMember, ({ one }) => ({
  team: one(team, { fields: [teamMember.teamId], references: [team.id] }),
}));

export const teamWhitelistRelations = relations(teamWhitelist, ({ one }) => ({
  team: one(team, { fields: [teamWhitelist.teamId], references: [team.id] }),
  provider: one(provider, { fields: [teamWhitelist.providerId], references: [provider.id] }),
}));

export const teamTreasuryMovementRelations = relations(teamTreasuryMovement, ({ one }) => ({
  team: one(team, { fields: [teamTreasuryMovement.teamId], references: [team.id] }),
  job: one(job, { fields: [teamTreasuryMovement.jobId], references: [job.id] }),
}));

export const teamDailySpendRelations = relations(teamDailySpend, ({ one }) => ({
  team: one(team, { fields: [teamDailySpend.teamId], references: [team.id] }),
}));

export const providerDailyEarningRelations = relations(providerDailyEarning, ({ one }) => ({
  provider: one(provider, { fields: [providerDailyEarning.providerId], references: [provider.id] }),
}));

export const offerUtilizationRelations = relations(offerUtilization, ({ one }) => ({
  offer: one(offer, { fields: [offerUtilization.id], references: [offer.id] }),
}));
