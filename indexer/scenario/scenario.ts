// The indexer's integration scenario: on a freshly seeded local stack, one transaction for every
// kind of event the contracts emit, at block times the scenario sets itself. It returns the state
// an indexer must rebuild, computed from the scenario's own arithmetic (the seed's constants and
// the contracts' documented formulas), never read back from the indexer. The chain is read only for
// its configuration (start window, completion grace) and, at the end, to check the scenario's own
// arithmetic of the team treasuries (balance and window spend) and the pending admin transfer (a
// mismatch is a scenario bug).
//
// Run alone against a running `npm start`: node indexer/scenario/scenario.ts [rpcUrl]
import { keccak256, stringToHex } from 'viem';
import type { Address, Hex } from 'viem';
import {
  Area,
  CapacityState,
  DAY,
  HOUR,
  JobAction,
  JobMode,
  PricingModel,
  TeamRole,
  actor,
  addresses,
  connect,
  depositOf,
  offerArgs,
  requestArgs,
  rootOf,
} from './chain.ts';
import type { JobParams, OfferParams } from './chain.ts';
import { marketStatsByDay, providerEarningsByDay, teamSpendByUserProviderDay } from './expected.ts';
import type { Completion } from './expected.ts';
import { SEED_TEAM_DEPOSIT, dayOf, metadata, offerRow, seedWorld, startOfDay, token, usd } from './world.ts';
import type {
  Expected,
  ExpectedJob,
  ExpectedOffer,
  ExpectedTeam,
  Funding,
  JobStatusName,
  Protocol,
  RoutingDecision,
  Transition,
  Treasury,
  TreasuryMovement,
} from './world.ts';

export { dayOf } from './world.ts';
export type { Expected } from './world.ts';

/** The fee of the first routes, and the fee from the middle of the routing phase on. */
export const FEE_BPS = 250;
export const LATER_FEE_BPS = 100;
const BPS = 10_000n;
const USDC = 1_000_000n;
const DEFAULT_ADMIN_ROLE = `0x${'0'.repeat(64)}` as Hex;
const roleId = (name: string) => keccak256(stringToHex(name));
/** AccessControlDefaultAdminRules: the initial delay and the cap on a delay increase's wait. */
const ADMIN_DELAY = 2 * DAY;
const ADMIN_DELAY_INCREASE_WAIT = 5 * DAY;

export async function runScenario(rpcUrl: string, log: (line: string) => void = () => {}): Promise<Expected> {
  const chain = connect(rpcUrl);
  const { send } = chain;
  const startWindow = Number(await chain.read('market', 'startWindow'));
  const completionGrace = Number(await chain.read('market', 'completionGrace'));

  const admin = actor(0);
  const keeper = actor(1);
  const guardian = actor(2);
  const teamAdmin = actor(6);
  const teamUser = actor(7);
  const teamViewer = actor(8);
  const buyer = actor(9);
  const treasury = actor(10);
  const seller = actor(11);
  const sellerPayout = actor(12);
  const gatewayOperator = actor(13);
  const jobKey5 = actor(14);
  const jobKey7 = actor(15);
  const cancelRecipient = actor(16);
  const nextAdmin = actor(17);
  const jobKey13 = actor(18);
  const seedJobKey = actor(100);
  for (const account of [treasury, seller, sellerPayout, gatewayOperator, nextAdmin]) await chain.fundEth(account.address);

  // The scenario's clock: every transaction gets the next tick, one hour into the next UTC day.
  const t0 = startOfDay(Math.floor(Date.now() / 1000)) + DAY + HOUR;
  let clock = t0;
  const tick = () => (clock += 12);

  const { providers, offers } = seedWorld();
  const jobs: ExpectedJob[] = [];
  const transitions: Transition[] = [];
  const routingDecisions: RoutingDecision[] = [];
  const treasuryMovements: TreasuryMovement[] = [];
  const completions: Completion[] = [];
  const withdrawals: Expected['withdrawals'] = [];
  const earnings = new Map<Address, bigint>();
  const offer = (id: number) => offers[id - 1];
  const provider = (id: number) => providers[id - 1];
  const job = (id: number) => jobs[id - 1];
  const team = (id: number) => teams[id - 1];
  const protocol: Protocol = {
    feeBps: 0, treasury: treasury.address, paused: false,
    pendingAdmin: null, pendingAdminSchedule: null, pendingAdminDelay: null, pendingAdminDelaySchedule: null,
  };
  const marketRoles: Expected['marketRoles'] = [
    { role: DEFAULT_ADMIN_ROLE, account: admin.address, granted: true },
    { role: roleId('KEEPER_ROLE'), account: keeper.address, granted: true },
    { role: roleId('GUARDIAN_ROLE'), account: guardian.address, granted: true },
  ];

  const emptyTreasury = (): Treasury => ({
    balance: 0n, deposited: 0n, withdrawn: 0n, committed: 0n, spent: 0n, windowSpend: 0n, windowSpendAt: null,
  });
  const teams: ExpectedTeam[] = [
    {
      id: 1, name: 'Helix Bio ML', creator: teamAdmin.address, whitelistEnabled: true, spendingCap: 5_000n * USDC,
      roles: { [teamAdmin.address]: TeamRole.Admin, [teamUser.address]: TeamRole.User, [teamViewer.address]: TeamRole.Viewer },
      whitelist: { 9: true, 10: true, 11: true, 6: true, 7: true },
      treasury: emptyTreasury(),
    },
  ];

  type Totals = Omit<Treasury, 'windowSpendAt'>;
  /** One movement of a team's balance, with the totals it changes; a team job's also moves the window spend. */
  function moveTreasury(m: Omit<TreasuryMovement, 'balance'>, delta: Partial<Totals>) {
    const t = team(m.teamId).treasury;
    for (const [key, value] of Object.entries(delta) as [keyof Totals, bigint][]) t[key] += value;
    if (delta.windowSpend !== undefined) t.windowSpendAt = m.timestamp;
    treasuryMovements.push({ ...m, balance: t.balance });
  }

  // The seed: the team Admin funds team 1, then job 1 (Tracked team job of the team User, reroute
  // opt-in) is drawn on the treasury; job 2 is Untracked under job key 100 with a review window.
  moveTreasury(
    { teamId: 1, kind: 'Deposit', jobId: null, account: teamAdmin.address, to: null, amount: SEED_TEAM_DEPOSIT, timestamp: null },
    { balance: SEED_TEAM_DEPOSIT, deposited: SEED_TEAM_DEPOSIT },
  );
  addJob(
    { gpuModel: 'H100-80G', gpuCount: 2, minVramGb: 80, hoursRequested: 4, maxPricePerGpuHour: 3_000_000n, mode: JobMode.Tracked, teamId: 1, rerouteOptIn: true },
    teamUser.address, 'treasury', null,
  );
  addJob(
    { gpuModel: 'A100-80G', gpuCount: 4, minVramGb: 80, hoursRequested: 6, maxPricePerGpuHour: 2_000_000n, mode: JobMode.Untracked, jobKey: seedJobKey.address, reviewSeconds: 600 },
    buyer.address, 'approve', null,
  );

  function addJob(p: JobParams, payer: Address, funding: Funding, requestedAt: number | null) {
    const id = jobs.length + 1;
    const tracked = p.mode === JobMode.Tracked;
    const j: ExpectedJob = {
      id, mode: tracked ? 'Tracked' : 'Untracked', funding, payer, buyer: tracked ? payer : null,
      controller: tracked ? payer : p.jobKey!, teamId: p.teamId ?? 0, status: 'Requested', gpuModel: p.gpuModel,
      gpuCount: p.gpuCount, hoursRequested: p.hoursRequested, maxPricePerGpuHour: p.maxPricePerGpuHour,
      reviewSeconds: p.reviewSeconds ?? 0, rerouteOptIn: p.rerouteOptIn ?? false, offerId: null, pricePerGpuHour: null,
      feeBps: null, routedAt: null, reviewEndsAt: null, startedAt: null, expiredAt: null, deposit: depositOf(p),
      usedSeconds: 0, earned: 0n, paid: 0n, fee: 0n, refunded: 0n, refundDue: 0n, requestedAt,
    };
    jobs.push(j);
    transitions.push({ jobId: id, status: 'Requested', kind: 'request', timestamp: requestedAt });
    if (j.teamId) {
      moveTreasury(
        { teamId: j.teamId, kind: 'JobFunding', jobId: id, account: payer, to: null, amount: j.deposit, timestamp: requestedAt },
        { balance: -j.deposit, committed: j.deposit, windowSpend: j.deposit },
      );
    }
    return id;
  }

  /** A request: approved or permitted by the payer, or drawn on the team's treasury (no approval). */
  async function request(p: JobParams, from: typeof buyer, funding: Funding, permitNonce = 0n) {
    const deposit = depositOf(p);
    if (funding === 'permit') {
      const deadline = BigInt(clock + HOUR);
      const { v, r, s } = await chain.signPermit(from, deposit, permitNonce, deadline);
      await send(from, 'market', 'requestJobWithPermit', [requestArgs(p), deadline, v, r, s], tick());
    } else {
      if (funding === 'approve') await send(from, 'usdc', 'approve', [addresses.market, deposit], tick());
      await send(from, 'market', 'requestJob', [requestArgs(p)], tick());
    }
    return addJob(p, from.address, funding, clock);
  }

  async function depositToTeam(teamId: number, from: typeof buyer, amount: bigint) {
    await send(from, 'usdc', 'approve', [addresses.market, amount], tick());
    await send(from, 'market', 'depositToTeam', [teamId, amount], tick());
    moveTreasury(
      { teamId, kind: 'Deposit', jobId: null, account: from.address, to: null, amount, timestamp: clock },
      { balance: amount, deposited: amount },
    );
  }

  async function withdrawFromTeam(teamId: number, by: typeof buyer, to: Address, amount: bigint) {
    await send(by, 'market', 'withdrawFromTeam', [teamId, to, amount], tick());
    moveTreasury(
      { teamId, kind: 'Withdrawal', jobId: null, account: by.address, to, amount, timestamp: clock },
      { balance: -amount, withdrawn: amount },
    );
  }

  async function setProtocolFee(feeBps: number) {
    await send(admin, 'market', 'setProtocolFee', [feeBps, treasury.address], tick());
    protocol.feeBps = feeBps;
  }

  function dynamicPrice(o: ExpectedOffer): bigint {
    return o.price + (o.price * BigInt(o.demandSlopeBps) * BigInt(o.gpusInUse)) / (BPS * BigInt(o.gpuCount));
  }

  /** What a route or reroute fixes: offer, price, the fee in force and a new review window. */
  function assignRoute(j: ExpectedJob, offerId: number, price: bigint) {
    Object.assign(j, {
      offerId, pricePerGpuHour: price, feeBps: protocol.feeBps, routedAt: clock, reviewEndsAt: clock + j.reviewSeconds,
    });
  }

  async function route(jobId: number, offerId: number, price: bigint) {
    const o = offer(offerId);
    if (o.pricing === PricingModel.Dynamic && !provider(o.providerId).gateway) {
      if (price !== dynamicPrice(o)) throw new Error(`scenario arithmetic: dynamic price ${price} != ${dynamicPrice(o)}`);
    }
    const root = rootOf(`route-${jobId}`);
    await send(keeper, 'market', 'route', [BigInt(jobId), offerId, price, root], tick());
    const j = job(jobId);
    j.status = 'Routed';
    assignRoute(j, offerId, price);
    o.gpusInUse += j.gpuCount;
    transitions.push({ jobId, status: 'Routed', kind: 'route', timestamp: clock });
    routingDecisions.push({ jobId, kind: 'route', offerId, fromOfferId: null, pricePerGpuHour: price, decisionRoot: root, timestamp: clock });
  }

  async function reroute(jobId: number, offerId: number, price: bigint) {
    const root = rootOf(`reroute-${jobId}`);
    await send(keeper, 'market', 'reroute', [BigInt(jobId), offerId, price, root], tick());
    const j = job(jobId);
    const from = j.offerId!;
    offer(from).gpusInUse -= j.gpuCount;
    offer(offerId).gpusInUse += j.gpuCount;
    assignRoute(j, offerId, price);
    transitions.push({ jobId, status: 'Routed', kind: 'reroute', timestamp: clock });
    routingDecisions.push({ jobId, kind: 'reroute', offerId, fromOfferId: from, pricePerGpuHour: price, decisionRoot: root, timestamp: clock });
  }

  async function markUnroutable(jobId: number) {
    const root = rootOf(`unroutable-${jobId}`);
    await send(keeper, 'market', 'markUnroutable', [BigInt(jobId), root], tick());
    const j = job(jobId);
    j.status = 'Unroutable';
    transitions.push({ jobId, status: 'Unroutable', kind: 'unroutable', timestamp: clock });
    routingDecisions.push({ jobId, kind: 'unroutable', offerId: null, fromOfferId: null, pricePerGpuHour: null, decisionRoot: root, timestamp: clock });
    if (j.teamId) refundTo(jobId, 'Refunded', 'refund', j.deposit);
  }

  /** The provider waits out the review window, then starts before the start deadline. */
  async function start(jobId: number, owner: typeof seller) {
    const j = job(jobId);
    if (clock < j.reviewEndsAt!) clock = j.reviewEndsAt!;
    const at = tick();
    if (at > j.reviewEndsAt! + startWindow) throw new Error(`scenario timing: job ${jobId} would start after its start deadline`);
    await send(owner, 'market', 'startJob', [BigInt(jobId)], at);
    Object.assign(j, { status: 'Started', startedAt: at });
    transitions.push({ jobId, status: 'Started', kind: 'start', timestamp: at });
  }

  async function complete(jobId: number, owner: typeof seller, usedSeconds: number) {
    await send(owner, 'market', 'completeJob', [BigInt(jobId), usedSeconds], tick());
    const j = job(jobId);
    const o = offer(j.offerId!);
    const earned = (j.pricePerGpuHour! * BigInt(j.gpuCount) * BigInt(usedSeconds)) / BigInt(HOUR);
    const fee = (earned * BigInt(j.feeBps!)) / BPS;
    Object.assign(j, { status: 'Completed', usedSeconds, earned, fee, paid: earned - fee, refundDue: j.deposit - earned });
    o.gpusInUse -= j.gpuCount;
    o.gpuSecondsUsed += BigInt(j.gpuCount * usedSeconds);
    const payout = provider(o.providerId).payout;
    earnings.set(payout, (earnings.get(payout) ?? 0n) + earned - fee);
    earnings.set(treasury.address, (earnings.get(treasury.address) ?? 0n) + fee);
    completions.push({ jobId, providerId: o.providerId, day: dayOf(clock), earned, paid: earned - fee, fee });
    transitions.push({ jobId, status: 'Completed', kind: 'complete', timestamp: clock });
    if (j.teamId) {
      team(j.teamId).treasury.committed -= earned;
      team(j.teamId).treasury.spent += earned;
      // A team job's rest goes back to the treasury in the same transaction.
      refundTo(jobId, 'Refunded', 'refund', j.deposit - earned);
    }
  }

  /** A cancel or refund at the current block: a team job's amount is credited to its treasury. */
  function refundTo(jobId: number, status: JobStatusName, kind: string, amount: bigint) {
    const j = job(jobId);
    if ((j.status === 'Routed' || j.status === 'Started') && j.offerId) offer(j.offerId).gpusInUse -= j.gpuCount;
    Object.assign(j, { status, refunded: j.refunded + amount, refundDue: 0n });
    transitions.push({ jobId, status, kind, timestamp: clock });
    if (j.teamId) {
      moveTreasury(
        { teamId: j.teamId, kind: 'CreditBack', jobId, account: j.buyer!, to: null, amount, timestamp: clock },
        { balance: amount, committed: -amount, windowSpend: -amount },
      );
    }
  }

  /** The deadline past which a Routed or Started job may be expired or refunded in full. */
  function deadlineOf(j: ExpectedJob): number {
    if (j.status === 'Routed') return j.reviewEndsAt! + startWindow;
    if (j.status === 'Started') return j.startedAt! + j.hoursRequested * HOUR + completionGrace;
    throw new Error(`scenario: job ${j.id} is ${j.status}, it has no deadline`);
  }

  function refundAmount(j: ExpectedJob, at: number): bigint {
    if (j.status === 'Completed') return j.deposit - j.earned;
    if (j.status === 'Routed' || j.status === 'Started') {
      if (at <= deadlineOf(j)) throw new Error(`scenario timing: job ${j.id} is not refundable before ${deadlineOf(j)}`);
    }
    return j.deposit;
  }

  async function claimRefund(jobId: number, controller: typeof buyer) {
    const at = tick();
    const amount = refundAmount(job(jobId), at);
    await send(controller, 'market', 'claimRefund', [BigInt(jobId)], at);
    refundTo(jobId, 'Refunded', 'refund', amount);
  }

  async function claimRefundWithSig(jobId: number, jobKey: typeof buyer, relayer: typeof buyer, recipient: Address) {
    const deadline = BigInt(clock + HOUR);
    const signature = await chain.signJobAction(jobKey, BigInt(jobId), JobAction.ClaimRefund, recipient, deadline);
    const at = tick();
    const amount = refundAmount(job(jobId), at);
    await send(relayer, 'market', 'claimRefundWithSig', [BigInt(jobId), recipient, deadline, signature], at);
    refundTo(jobId, 'Refunded', 'refundWithSig', amount);
  }

  /** Anyone expires a dead job: its GPUs are freed; a team job's deposit is credited back at once. */
  async function expire(jobId: number, caller: typeof buyer) {
    const j = job(jobId);
    const at = tick();
    if (at <= deadlineOf(j)) throw new Error(`scenario timing: job ${jobId} cannot expire before ${deadlineOf(j)}`);
    await send(caller, 'market', 'expire', [BigInt(jobId)], at);
    offer(j.offerId!).gpusInUse -= j.gpuCount;
    Object.assign(j, { status: 'Expired', expiredAt: at });
    transitions.push({ jobId, status: 'Expired', kind: 'expire', timestamp: at });
    if (j.teamId) refundTo(jobId, 'Refunded', 'refund', j.deposit);
  }

  async function cancel(jobId: number, by: typeof buyer) {
    await send(by, 'market', 'cancel', [BigInt(jobId)], tick());
    refundTo(jobId, 'Cancelled', 'cancel', job(jobId).deposit);
  }

  async function withdraw(account: typeof seller) {
    const amount = earnings.get(account.address) ?? 0n;
    await send(account, 'market', 'withdraw', [account.address], tick());
    earnings.set(account.address, 0n);
    withdrawals.push({ account: account.address, to: account.address, amount, timestamp: clock });
  }

  /* 1. Protocol: fee and treasury; a pause and its lifting */
  log('protocol fee, pause');
  await setProtocolFee(FEE_BPS);
  await send(guardian, 'market', 'pause', [], tick());
  await send(guardian, 'market', 'unpause', [], tick());

  /* 2. Providers: a seller (then a payout change) and a gateway */
  log('providers and offers');
  const sellerId = providers.length + 1;
  await send(seller, 'market', 'registerProvider', [seller.address, metadata('Scenario Seller')], tick());
  providers.push({ id: sellerId, owner: seller.address, payout: seller.address, sourceTag: '', metadataURI: metadata('Scenario Seller'), gateway: false });
  await send(seller, 'market', 'updateProvider', [sellerId, sellerPayout.address, metadata('Scenario Seller v2')], tick());
  Object.assign(provider(sellerId), { payout: sellerPayout.address, metadataURI: metadata('Scenario Seller v2') });

  const gatewayId = providers.length + 1;
  const gatewayTag = '0x' + Buffer.from('scengw').toString('hex').padEnd(24, '0');
  await send(admin, 'market', 'registerGateway', [gatewayTag, gatewayOperator.address, gatewayOperator.address, metadata('Scenario Gateway')], tick());
  providers.push({ id: gatewayId, owner: gatewayOperator.address, payout: gatewayOperator.address, sourceTag: 'scengw', metadataURI: metadata('Scenario Gateway'), gateway: true });

  /* 3. Offers of each pricing model, then pricing, capacity and availability changes */
  const addOffer = async (owner: typeof seller, providerId: number, p: OfferParams) => {
    await send(owner, 'market', 'addOffer', [providerId, offerArgs(p)], tick());
    const row = offerRow(offers.length + 1, providerId, p);
    offers.push(row);
    return row.id;
  };
  const fixedOffer = await addOffer(seller, sellerId, usd('H100-80G', 8, 'DE', Area.EU, PricingModel.Fixed, 2_000_000n));
  const dynamicOffer = await addOffer(seller, sellerId, { ...usd('H100-80G', 4, 'FR', Area.EU, PricingModel.Dynamic, 1_600_000n), demandSlopeBps: 5_000 });
  const tokenOffer = await addOffer(seller, sellerId, token('A100-80G', 8, 'US', Area.NA, 'akash-network', 3_200_000n, 1_500_000n));
  const spotOffer = await addOffer(gatewayOperator, gatewayId, usd('H100-80G', 16, '', Area.None, PricingModel.Spot, 2_400_000n));

  const setPricing = async (offerId: number, pricing: number, price: bigint, slope: number, tokenId: string, tokenAmount: bigint) => {
    const tokenIdHex = '0x' + Buffer.from(tokenId).toString('hex').padEnd(64, '0');
    await send(seller, 'market', 'setPricing', [offerId, pricing, price, slope, tokenIdHex, tokenAmount], tick());
    const isToken = pricing === PricingModel.Token;
    Object.assign(offer(offerId), {
      pricing, price, demandSlopeBps: pricing === PricingModel.Dynamic ? slope : 0,
      tokenId: isToken ? tokenId : '', tokenAmount: isToken ? tokenAmount : 0n,
    });
    offer(offerId).pricingChanges++;
  };
  await setPricing(fixedOffer, PricingModel.Fixed, 2_200_000n, 0, '', 0n);
  await setPricing(dynamicOffer, PricingModel.Dynamic, 1_600_000n, 4_000, '', 0n);
  await setPricing(tokenOffer, PricingModel.Token, 1_400_000n, 0, 'akash-network', 3_000_000n);

  const setCapacity = async (offerId: number, state: number, gpuCount: number) => {
    await send(seller, 'market', 'setCapacity', [offerId, state, gpuCount], tick());
    Object.assign(offer(offerId), { state, gpuCount });
    offer(offerId).capacityChanges++;
  };
  await setCapacity(fixedOffer, CapacityState.Offline, 8);
  await setCapacity(fixedOffer, CapacityState.Available, 10);
  await setCapacity(tokenOffer, CapacityState.Reserved, 8);
  await setCapacity(tokenOffer, CapacityState.Available, 8);

  const spotUntil = t0 + 30 * DAY;
  await send(gatewayOperator, 'market', 'setAvailability', [spotOffer, 0, spotUntil], tick());
  Object.assign(offer(spotOffer), { availableFrom: 0, availableUntil: spotUntil });
  offer(spotOffer).availabilityChanges++;

  /* 4. Teams: a second team, roles granted and revoked, whitelist on/off and entries, a cap; its
        treasury funded by its Admin and by an outsider (anyone may deposit) */
  log('teams');
  const team2 = 2;
  await send(teamAdmin, 'team', 'createTeam', ['Scenario Lab'], tick());
  teams.push({
    id: team2, name: 'Scenario Lab', creator: teamAdmin.address, whitelistEnabled: false, spendingCap: 0n,
    roles: { [teamAdmin.address]: TeamRole.Admin }, whitelist: {}, treasury: emptyTreasury(),
  });
  const setRole = async (account: Address, role: number) => {
    await send(teamAdmin, 'team', 'setRole', [team2, account, role], tick());
    team(team2).roles[account] = role;
  };
  await setRole(buyer.address, TeamRole.User);
  await setRole(teamViewer.address, TeamRole.Viewer);
  await setRole(teamUser.address, TeamRole.Admin);
  await setRole(teamUser.address, TeamRole.User);
  await setRole(teamViewer.address, TeamRole.None);

  const whitelist = async (teamId: number, providerId: number, allowed: boolean) => {
    await send(teamAdmin, 'team', 'setProviderWhitelisted', [teamId, providerId, allowed], tick());
    team(teamId).whitelist[providerId] = allowed;
  };
  await send(teamAdmin, 'team', 'setWhitelistEnabled', [team2, true], tick());
  team(team2).whitelistEnabled = true;
  await whitelist(team2, sellerId, true);
  await whitelist(team2, 9, true);
  await whitelist(team2, 9, false);
  await whitelist(1, sellerId, true);
  await send(teamAdmin, 'team', 'setSpendingCap', [team2, 1_000n * USDC], tick());
  team(team2).spendingCap = 1_000n * USDC;
  await depositToTeam(team2, teamAdmin, 100n * USDC);
  await depositToTeam(team2, buyer, 50n * USDC);

  /* 5. Jobs in both modes: funded by approve, by permit, or drawn on a team's treasury; some with a
        review window */
  log('jobs');
  const h100 = { gpuModel: 'H100-80G', minVramGb: 80, mode: JobMode.Tracked } as const;
  const j3 = await request({ ...h100, gpuCount: 1, hoursRequested: 2, maxPricePerGpuHour: 2_500_000n }, buyer, 'approve');
  const j4 = await request({ ...h100, gpuCount: 2, hoursRequested: 1, maxPricePerGpuHour: 3_000_000n, reviewSeconds: 900 }, buyer, 'permit', 0n);
  const j5 = await request(
    { gpuModel: 'A100-80G', gpuCount: 4, minVramGb: 80, hoursRequested: 3, maxPricePerGpuHour: 1_500_000n, mode: JobMode.Untracked, jobKey: jobKey5.address },
    buyer, 'approve');
  const j6 = await request(
    { gpuModel: 'B200-192G', gpuCount: 1, minVramGb: 192, hoursRequested: 1, maxPricePerGpuHour: 1_000_000n, mode: JobMode.Tracked },
    buyer, 'approve');
  const j7 = await request(
    { ...h100, gpuCount: 1, hoursRequested: 2, maxPricePerGpuHour: 3_000_000n, mode: JobMode.Untracked, jobKey: jobKey7.address },
    buyer, 'permit', 1n);
  const j8 = await request({ ...h100, gpuCount: 1, hoursRequested: 1, maxPricePerGpuHour: 2_500_000n, teamId: 1 }, teamUser, 'treasury');
  const j9 = await request({ ...h100, gpuCount: 1, hoursRequested: 1, maxPricePerGpuHour: 2_000_000n }, buyer, 'approve');
  const j10 = await request({ ...h100, gpuCount: 4, hoursRequested: 2, maxPricePerGpuHour: 2_500_000n, teamId: team2 }, buyer, 'treasury');
  const j11 = await request({ ...h100, gpuCount: 1, hoursRequested: 1, maxPricePerGpuHour: 2_500_000n }, buyer, 'approve');
  const j12 = await request(
    { ...h100, gpuCount: 1, hoursRequested: 1, maxPricePerGpuHour: 2_500_000n, reviewSeconds: 1_200, rerouteOptIn: true },
    buyer, 'approve');
  const j13 = await request(
    { gpuModel: 'A100-80G', gpuCount: 2, minVramGb: 80, hoursRequested: 1, maxPricePerGpuHour: 1_500_000n, mode: JobMode.Untracked, jobKey: jobKey13.address, reviewSeconds: 300 },
    buyer, 'approve');
  const j14 = await request({ ...h100, gpuCount: 1, hoursRequested: 1, maxPricePerGpuHour: 2_500_000n, teamId: team2 }, teamUser, 'treasury');
  const j15 = await request(
    { gpuModel: 'B200-192G', gpuCount: 1, minVramGb: 192, hoursRequested: 1, maxPricePerGpuHour: 1_000_000n, mode: JobMode.Tracked, teamId: 1 },
    teamUser, 'treasury');
  const j16 = await request({ ...h100, gpuCount: 1, hoursRequested: 1, maxPricePerGpuHour: 2_200_000n, teamId: team2 }, buyer, 'treasury');
  const j17 = await request({ ...h100, gpuCount: 1, hoursRequested: 1, maxPricePerGpuHour: 2_500_000n, teamId: 1 }, teamUser, 'treasury');

  /* 6. Cancels: by the buyer, and by the seed's job key signature relayed by someone else */
  log('cancels and routing');
  const cancelDeadline = BigInt(clock + HOUR);
  const signature = await chain.signJobAction(seedJobKey, 2n, JobAction.Cancel, cancelRecipient.address, cancelDeadline);
  await send(buyer, 'market', 'cancelWithSig', [2n, cancelRecipient.address, cancelDeadline, signature], tick());
  refundTo(2, 'Cancelled', 'cancelWithSig', job(2).deposit);
  await cancel(j9, buyer);

  /* 7. Routing at the first fee, then at a lower one: routes, reroutes (the review window starts
        again), unroutable marks (a team job's deposit goes straight back), routed cancels (one by a
        team Admin for a member's job) */
  await route(1, 9, 2_100_000n);
  await reroute(1, fixedOffer, 2_200_000n);
  await route(j3, dynamicOffer, dynamicPrice(offer(dynamicOffer)));
  await route(j4, dynamicOffer, dynamicPrice(offer(dynamicOffer)));
  await route(j5, tokenOffer, 1_250_000n);
  await route(j7, spotOffer, 2_400_000n);
  await route(j8, 9, 2_100_000n);
  await route(j12, 9, 2_100_000n);
  await route(j13, tokenOffer, 1_200_000n);
  await setProtocolFee(LATER_FEE_BPS);
  await route(j10, fixedOffer, 2_200_000n);
  await route(j11, fixedOffer, 2_200_000n);
  await reroute(j12, fixedOffer, 2_200_000n);
  await route(j14, fixedOffer, 2_200_000n);
  await route(j16, fixedOffer, 2_200_000n);
  await route(j17, 9, 2_100_000n); // never started nor expired: its deposit stays committed
  await markUnroutable(j6);
  await markUnroutable(j15);
  await cancel(j11, buyer);
  await cancel(j14, teamAdmin);

  /* 8. Starts after each review window; three hours later completions (a team job's rest is
        credited back at once), refunds (remainder, unroutable, start deadline passed), and expired
        jobs: a team job (credited back at once) and an Untracked one refunded by signature */
  log('starts, completions, refunds, expiries');
  for (const id of [1, j3, j4, j5, j10, j12]) await start(id, seller);
  clock += 3 * HOUR + 60;
  await complete(1, seller, 3 * HOUR);
  await complete(j3, seller, 2 * HOUR);
  await complete(j5, seller, 3 * HOUR);
  await claimRefund(j3, buyer);
  await claimRefund(j6, buyer);
  await claimRefund(j8, teamUser); // routed more than the start window ago, never started
  await expire(j16, gatewayOperator);
  await expire(j13, gatewayOperator);
  await claimRefundWithSig(j13, jobKey13, buyer, cancelRecipient.address);

  /* 9. The next UTC day: two more completions, the payouts withdraw, a team Admin withdraws */
  clock = startOfDay(clock) + DAY + 30 * 60;
  await complete(j4, seller, 30 * 60);
  await complete(j10, seller, 90 * 60);
  await withdraw(sellerPayout);
  await withdraw(treasury);
  await withdrawFromTeam(team2, teamAdmin, cancelRecipient.address, 30n * USDC);
  await send(teamAdmin, 'team', 'setWhitelistEnabled', [team2, false], tick());
  team(team2).whitelistEnabled = false;

  /* 10. A day later: a started job never completed expires and its buyer claims the deposit; the
         market admin is handed over in two steps, and a delay change is scheduled */
  log('expiry of a started job, admin transfer');
  clock = startOfDay(clock) + DAY + HOUR;
  await expire(j12, keeper);
  await claimRefund(j12, buyer);

  const beginAdminTransfer = async (from: typeof admin, to: typeof admin) => {
    await send(from, 'market', 'beginDefaultAdminTransfer', [to.address], tick());
    Object.assign(protocol, { pendingAdmin: to.address, pendingAdminSchedule: clock + ADMIN_DELAY });
  };
  await beginAdminTransfer(admin, nextAdmin);
  await send(admin, 'market', 'cancelDefaultAdminTransfer', [], tick());
  Object.assign(protocol, { pendingAdmin: null, pendingAdminSchedule: null });
  await beginAdminTransfer(admin, nextAdmin);
  await send(admin, 'market', 'changeDefaultAdminDelay', [3 * DAY], tick());
  Object.assign(protocol, { pendingAdminDelay: 3 * DAY, pendingAdminDelaySchedule: clock + Math.min(3 * DAY, ADMIN_DELAY_INCREASE_WAIT) });
  await send(admin, 'market', 'rollbackDefaultAdminDelay', [], tick());
  Object.assign(protocol, { pendingAdminDelay: null, pendingAdminDelaySchedule: null });
  clock = protocol.pendingAdminSchedule! + 60;
  await send(nextAdmin, 'market', 'acceptDefaultAdminTransfer', [], tick());
  Object.assign(protocol, { pendingAdmin: null, pendingAdminSchedule: null });
  marketRoles[0].granted = false;
  marketRoles.push({ role: DEFAULT_ADMIN_ROLE, account: nextAdmin.address, granted: true });
  await beginAdminTransfer(nextAdmin, admin);
  await send(nextAdmin, 'market', 'changeDefaultAdminDelay', [DAY], tick());
  Object.assign(protocol, { pendingAdminDelay: DAY, pendingAdminDelaySchedule: clock + (ADMIN_DELAY - DAY) });
  log(`scenario done at block time ${clock}`);

  await checkOwnArithmetic(chain, teams, protocol);

  return {
    t0, protocol, providers, offers, jobs, transitions, routingDecisions, teams, treasuryMovements, marketRoles, withdrawals,
    providerEarningsByDay: providerEarningsByDay(completions),
    teamSpendByUserProviderDay: teamSpendByUserProviderDay(jobs, offers),
    marketStatsByDay: marketStatsByDay(routingDecisions, offers),
    counts: {
      providers: providers.length,
      offers: offers.length,
      jobs: jobs.length,
      routingDecisions: routingDecisions.length,
      routes: routingDecisions.filter((d) => d.kind === 'route').length,
      reroutes: routingDecisions.filter((d) => d.kind === 'reroute').length,
      pricingChanges: offers.reduce((n, o) => n + o.pricingChanges, 0),
      capacityChanges: offers.reduce((n, o) => n + o.capacityChanges, 0),
      availabilityChanges: offers.reduce((n, o) => n + o.availabilityChanges, 0),
    },
  };
}

/** The scenario's own model of the treasuries and the admin handover must match the chain. */
async function checkOwnArithmetic(chain: ReturnType<typeof connect>, teams: readonly ExpectedTeam[], protocol: Protocol) {
  for (const t of teams) {
    const [balance, windowSpend] = (await chain.read('market', 'teamFunds', [t.id])) as bigint[];
    if (balance !== t.treasury.balance) throw new Error(`scenario arithmetic: team ${t.id} balance ${t.treasury.balance}, chain ${balance}`);
    if (windowSpend !== t.treasury.windowSpend) {
      throw new Error(`scenario arithmetic: team ${t.id} window spend ${t.treasury.windowSpend}, chain ${windowSpend}`);
    }
  }
  const [pendingAdmin, schedule] = (await chain.read('market', 'pendingDefaultAdmin')) as [Address, number];
  if (pendingAdmin !== protocol.pendingAdmin || schedule !== protocol.pendingAdminSchedule) {
    throw new Error(`scenario arithmetic: pending admin ${protocol.pendingAdmin} at ${protocol.pendingAdminSchedule}, chain ${pendingAdmin} at ${schedule}`);
  }
  const [delay, delaySchedule] = (await chain.read('market', 'pendingDefaultAdminDelay')) as [number, number];
  if (delay !== protocol.pendingAdminDelay || delaySchedule !== protocol.pendingAdminDelaySchedule) {
    throw new Error(`scenario arithmetic: pending delay ${protocol.pendingAdminDelay} at ${protocol.pendingAdminDelaySchedule}, chain ${delay} at ${delaySchedule}`);
  }
}

if (import.meta.main) {
  const expected = await runScenario(process.argv[2] ?? 'http://127.0.0.1:8545', console.log);
  console.log(JSON.stringify(expected, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
}
