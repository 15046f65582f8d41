// The indexer's integration scenario: on a freshly seeded local stack, one transaction for every
// kind of event the contracts emit, at block times the scenario sets itself. It returns the state
// an indexer must rebuild, computed from the scenario's own arithmetic (the seed's constants and
// the contracts' documented formulas), never read back from the chain or the indexer.
//
// Run alone against a running `npm start`: node indexer/scenario/scenario.ts [rpcUrl]
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

export const FEE_BPS = 250;
const BPS = 10_000n;

export type JobStatusName =
  | 'Requested'
  | 'Routed'
  | 'Started'
  | 'Completed'
  | 'Cancelled'
  | 'Unroutable'
  | 'Refunded';

export type ExpectedProvider = {
  id: number;
  owner: Address;
  payout: Address;
  sourceTag: string;
  metadataURI: string;
  gateway: boolean;
};

export type ExpectedOffer = {
  id: number;
  providerId: number;
  gpuModel: string;
  gpuCount: number;
  vramGb: number;
  country: string;
  area: number;
  pricing: number;
  price: bigint;
  demandSlopeBps: number;
  tokenId: string;
  tokenAmount: bigint;
  state: number;
  availableFrom: number;
  availableUntil: number;
  /** GPUs held by routed or started jobs at the end. */
  gpusInUse: number;
  /** Σ gpuCount × usedSeconds of completed jobs on this offer. */
  gpuSecondsUsed: bigint;
  pricingChanges: number;
  capacityChanges: number;
  availabilityChanges: number;
};

export type ExpectedJob = {
  id: number;
  mode: 'Tracked' | 'Untracked';
  funding: 'approve' | 'permit';
  /** The wallet that funded the job (public in the USDC transfer, never in Necto's own data for
   *  an Untracked job). */
  payer: Address;
  /** The buyer of a Tracked job; null for Untracked jobs, whatever account paid. */
  buyer: Address | null;
  controller: Address;
  teamId: number;
  status: JobStatusName;
  gpuModel: string;
  gpuCount: number;
  hoursRequested: number;
  maxPricePerGpuHour: bigint;
  rerouteOptIn: boolean;
  offerId: number | null;
  pricePerGpuHour: bigint | null;
  deposit: bigint;
  usedSeconds: number;
  /** Gross earnings of the job (price × GPUs × usedSeconds / 3600): provider share plus fee. */
  earned: bigint;
  /** What the provider's payout accrued (earned − fee). */
  paid: bigint;
  fee: bigint;
  /** Paid back to the buyer, key holder or a recipient so far. */
  refunded: bigint;
  /** Still claimable at the end (a completed job's unclaimed remainder). */
  refundDue: bigint;
  /** Block time of the request; null for the seed's jobs (requested before the scenario's clock). */
  requestedAt: number | null;
};

export type Transition = { jobId: number; status: JobStatusName; kind: string; timestamp: number | null };
export type RoutingDecision = {
  jobId: number;
  kind: 'route' | 'reroute' | 'unroutable';
  offerId: number | null;
  fromOfferId: number | null;
  pricePerGpuHour: bigint | null;
  decisionRoot: Hex;
  timestamp: number;
};

export type Expected = {
  t0: number;
  feeBps: number;
  treasury: Address;
  paused: boolean;
  providers: ExpectedProvider[];
  offers: ExpectedOffer[];
  jobs: ExpectedJob[];
  transitions: Transition[];
  routingDecisions: RoutingDecision[];
  teams: {
    id: number;
    name: string;
    creator: Address;
    whitelistEnabled: boolean;
    spendingCap: bigint;
    /** Final role per member (None for revoked ones). */
    roles: Record<Address, number>;
    roleChanges: number;
    /** Final whitelist entry per provider (false for removed ones). */
    whitelist: Record<number, boolean>;
    whitelistChanges: number;
  }[];
  withdrawals: { account: Address; to: Address; amount: bigint; timestamp: number }[];
  /** Per provider and UTC day number of the completion. */
  providerEarningsByDay: { providerId: number; day: number; earned: bigint; paid: bigint; fee: bigint; jobs: number }[];
  /** Deposits committed by team members (TeamSpendRecorded); day null = the seed's request. */
  teamSpendByUserDay: { teamId: number; user: Address; day: number | null; amount: bigint; jobs: number }[];
  /** What teams paid providers for completed jobs (gross earnings), by day of completion. */
  teamSpendByProviderDay: { teamId: number; providerId: number; day: number; amount: bigint; jobs: number }[];
  /**
   * Team spend per user, provider (the one holding the job at the end, 0 if never routed) and day
   * of the request: deposits committed and gross amounts paid. Day null = the seed's request.
   */
  teamSpendByUserProviderDay: { teamId: number; user: Address; providerId: number; day: number | null; committed: bigint; paid: bigint; jobs: number }[];
  /** Per GPU model and day: every route and reroute price; jobsRouted counts first routes only. */
  marketStatsByDay: {
    gpuModel: string;
    day: number;
    jobsRouted: number;
    prices: bigint[];
    minPrice: bigint;
    medianPrice: bigint;
  }[];
  pauseEvents: number;
  unpauseEvents: number;
  protocolFeeUpdates: number;
  counts: Record<string, number>;
  accounts: Record<string, Address>;
};

/** The UTC day number of a block time, floor(timestamp / 86400), as the indexer keys days. */
export const dayOf = (timestamp: number) => Math.floor(timestamp / DAY);
const startOfDay = (timestamp: number) => dayOf(timestamp) * DAY;

/** The median of routed prices; for an even count, the floor of the mean of the two middle ones. */
export function median(values: readonly bigint[]): bigint {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2n;
}

const metadata = (name: string) => `data:application/json,{"name":"${name}"}`;

/* THE SEED (script/Seed.s.sol), as the scenario finds it */

function seedWorld() {
  const admin = actor(0).address;
  const gateways: [string, string, OfferParams][] = [
    ['akash', 'Akash', usd('H100-80G', 16, 'US', Area.NA, PricingModel.Auction, 1_450_000n)],
    ['ionet', 'io.net', token('A100-80G', 32, 'US', Area.NA, 'io-net', 1_100_000n)],
    ['aws-spot', 'AWS EC2 Spot', usd('H100-80G', 8, 'US', Area.NA, PricingModel.Spot, 3_100_000n)],
    ['render', 'Render', token('RTX4090-24G', 24, '', Area.None, 'render-token', 120_000n)],
    ['nosana', 'Nosana', token('RTX4090-24G', 12, '', Area.EU, 'nosana', 600_000n)],
    ['runpod', 'RunPod', usd('H100-80G', 8, 'US', Area.NA, PricingModel.Fixed, 2_690_000n)],
    ['lambda', 'Lambda', usd('H100-80G', 8, 'US', Area.NA, PricingModel.Fixed, 2_990_000n)],
    ['vast', 'Vast.ai', usd('RTX4090-24G', 8, 'NL', Area.EU, PricingModel.Fixed, 380_000n)],
  ];
  const sellers: [number, string, OfferParams[]][] = [
    [3, 'Frankfurt H100 Lab', [
      usd('H100-80G', 8, 'DE', Area.EU, PricingModel.Fixed, 2_100_000n),
      usd('A100-80G', 8, 'DE', Area.EU, PricingModel.Fixed, 1_450_000n),
    ]],
    [4, 'Oregon ML Cloud', [
      { ...usd('A100-80G', 4, 'US', Area.NA, PricingModel.Dynamic, 1_300_000n), demandSlopeBps: 5_000 },
      { ...usd('L40S-48G', 8, 'US', Area.NA, PricingModel.Dynamic, 850_000n), demandSlopeBps: 3_000 },
    ]],
    [5, 'Tokyo Render Farm', [token('RTX4090-24G', 6, 'JP', Area.APAC, 'render-token', 150_000n)]],
  ];
  const providers: ExpectedProvider[] = [];
  const offers: ExpectedOffer[] = [];
  for (const [tag, name, offer] of gateways) {
    const id = providers.length + 1;
    providers.push({ id, owner: admin, payout: admin, sourceTag: tag, metadataURI: metadata(name), gateway: true });
    offers.push(offerRow(offers.length + 1, id, offer));
  }
  for (const [index, name, list] of sellers) {
    const id = providers.length + 1;
    const owner = actor(index).address;
    providers.push({ id, owner, payout: owner, sourceTag: '', metadataURI: metadata(name), gateway: false });
    for (const offer of list) offers.push(offerRow(offers.length + 1, id, offer));
  }
  return { providers, offers };
}

function usd(gpuModel: string, gpuCount: number, country: string, area: number, pricing: number, price: bigint): OfferParams {
  return { gpuModel, gpuCount, vramGb: Number(gpuModel.split('-')[1].replace('G', '')), country, area, pricing, price };
}

function token(gpuModel: string, gpuCount: number, country: string, area: number, tokenId: string, tokenAmount: bigint): OfferParams {
  return { ...usd(gpuModel, gpuCount, country, area, PricingModel.Token, 0n), tokenId, tokenAmount };
}

/** An offer as stored: pricing fields the model does not use are zero (ProviderRegistry._normalizePricing). */
function offerRow(id: number, providerId: number, p: OfferParams): ExpectedOffer {
  const isToken = p.pricing === PricingModel.Token;
  return {
    id,
    providerId,
    gpuModel: p.gpuModel,
    gpuCount: p.gpuCount,
    vramGb: p.vramGb,
    country: p.country,
    area: p.area,
    pricing: p.pricing,
    price: isToken ? 0n : p.price,
    demandSlopeBps: p.pricing === PricingModel.Dynamic ? (p.demandSlopeBps ?? 0) : 0,
    tokenId: isToken ? (p.tokenId ?? '') : '',
    tokenAmount: isToken ? (p.tokenAmount ?? 0n) : 0n,
    state: CapacityState.Available,
    availableFrom: p.availableFrom ?? 0,
    availableUntil: p.availableUntil ?? 0,
    gpusInUse: 0,
    gpuSecondsUsed: 0n,
    pricingChanges: 0,
    capacityChanges: 0,
    availabilityChanges: 0,
  };
}

/* THE SCENARIO */

export async function runScenario(rpcUrl: string, log: (line: string) => void = () => {}): Promise<Expected> {
  const chain = connect(rpcUrl);
  const { send } = chain;

  const admin = actor(0);
  const keeper = actor(1);
  const guardian = actor(2);
  const frankfurt = actor(3);
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
  const seedJobKey = actor(100);
  for (const account of [treasury, seller, sellerPayout, gatewayOperator]) await chain.fundEth(account.address);

  // The scenario's clock: every transaction gets the next tick, one hour into the next UTC day.
  const t0 = startOfDay(Math.floor(Date.now() / 1000)) + DAY + HOUR;
  let clock = t0;
  const tick = () => (clock += 12);

  const { providers, offers } = seedWorld();
  const jobs: ExpectedJob[] = [];
  const transitions: Transition[] = [];
  const routingDecisions: RoutingDecision[] = [];
  const withdrawals: Expected['withdrawals'] = [];
  const earnings = new Map<Address, bigint>();
  const spendByUser: Expected['teamSpendByUserDay'] = [];
  const offer = (id: number) => offers[id - 1];
  const provider = (id: number) => providers[id - 1];
  const job = (id: number) => jobs[id - 1];

  // Seed jobs: 1 = Tracked team job (team User, reroute opt-in), 2 = Untracked under job key 100.
  const seedTracked: JobParams = {
    gpuModel: 'H100-80G', gpuCount: 2, minVramGb: 80, hoursRequested: 4, maxPricePerGpuHour: 3_000_000n,
    mode: JobMode.Tracked, teamId: 1, rerouteOptIn: true,
  };
  const seedUntracked: JobParams = {
    gpuModel: 'A100-80G', gpuCount: 4, minVramGb: 80, hoursRequested: 6, maxPricePerGpuHour: 2_000_000n,
    mode: JobMode.Untracked, jobKey: seedJobKey.address,
  };
  addJob(seedTracked, teamUser.address, 'approve', null);
  addJob(seedUntracked, buyer.address, 'approve', null);
  spendByUser.push({ teamId: 1, user: teamUser.address, day: null, amount: depositOf(seedTracked), jobs: 1 });

  const teams: Expected['teams'] = [
    {
      id: 1, name: 'Helix Bio ML', creator: teamAdmin.address, whitelistEnabled: true, spendingCap: 5_000_000_000n,
      roles: { [teamAdmin.address]: TeamRole.Admin, [teamUser.address]: TeamRole.User, [teamViewer.address]: TeamRole.Viewer },
      roleChanges: 3,
      whitelist: { 9: true, 10: true, 11: true, 6: true, 7: true },
      whitelistChanges: 5,
    },
  ];
  let protocolFeeUpdates = 0;
  let pauseEvents = 0;
  let unpauseEvents = 0;

  function addJob(p: JobParams, payer: Address, funding: 'approve' | 'permit', requestedAt: number | null) {
    const id = jobs.length + 1;
    const tracked = p.mode === JobMode.Tracked;
    jobs.push({
      id, mode: tracked ? 'Tracked' : 'Untracked', funding, payer, buyer: tracked ? payer : null,
      controller: tracked ? payer : p.jobKey!, teamId: p.teamId ?? 0, status: 'Requested', gpuModel: p.gpuModel,
      gpuCount: p.gpuCount, hoursRequested: p.hoursRequested, maxPricePerGpuHour: p.maxPricePerGpuHour,
      rerouteOptIn: p.rerouteOptIn ?? false, offerId: null, pricePerGpuHour: null, deposit: depositOf(p),
      usedSeconds: 0, earned: 0n, paid: 0n, fee: 0n, refunded: 0n, refundDue: 0n, requestedAt,
    });
    transitions.push({ jobId: id, status: 'Requested', kind: 'request', timestamp: requestedAt });
    return id;
  }

  async function request(p: JobParams, from: typeof buyer, funding: 'approve' | 'permit', permitNonce = 0n) {
    const deposit = depositOf(p);
    if (funding === 'approve') {
      await send(from, 'usdc', 'approve', [addresses.market, deposit], tick());
      await send(from, 'market', 'requestJob', [requestArgs(p)], tick());
    } else {
      const deadline = BigInt(clock + HOUR);
      const { v, r, s } = await chain.signPermit(from, deposit, permitNonce, deadline);
      await send(from, 'market', 'requestJobWithPermit', [requestArgs(p), deadline, v, r, s], tick());
    }
    const id = addJob(p, from.address, funding, clock);
    if (p.teamId) spendByUser.push({ teamId: p.teamId, user: from.address, day: dayOf(clock), amount: deposit, jobs: 1 });
    return id;
  }

  function dynamicPrice(o: ExpectedOffer): bigint {
    return o.price + (o.price * BigInt(o.demandSlopeBps) * BigInt(o.gpusInUse)) / (BPS * BigInt(o.gpuCount));
  }

  async function route(jobId: number, offerId: number, price: bigint) {
    const o = offer(offerId);
    if (o.pricing === PricingModel.Dynamic && !provider(o.providerId).gateway) {
      if (price !== dynamicPrice(o)) throw new Error(`scenario arithmetic: dynamic price ${price} != ${dynamicPrice(o)}`);
    }
    const root = rootOf(`route-${jobId}`);
    await send(keeper, 'market', 'route', [BigInt(jobId), offerId, price, root], tick());
    const j = job(jobId);
    Object.assign(j, { status: 'Routed', offerId, pricePerGpuHour: price });
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
    Object.assign(j, { offerId, pricePerGpuHour: price });
    transitions.push({ jobId, status: 'Routed', kind: 'reroute', timestamp: clock });
    routingDecisions.push({ jobId, kind: 'reroute', offerId, fromOfferId: from, pricePerGpuHour: price, decisionRoot: root, timestamp: clock });
  }

  async function start(jobId: number, owner: typeof seller) {
    await send(owner, 'market', 'startJob', [BigInt(jobId)], tick());
    job(jobId).status = 'Started';
    transitions.push({ jobId, status: 'Started', kind: 'start', timestamp: clock });
  }

  const completions: { jobId: number; providerId: number; teamId: number; day: number; earned: bigint; paid: bigint; fee: bigint }[] = [];
  async function complete(jobId: number, owner: typeof seller, usedSeconds: number) {
    await send(owner, 'market', 'completeJob', [BigInt(jobId), usedSeconds], tick());
    const j = job(jobId);
    const o = offer(j.offerId!);
    const earned = (j.pricePerGpuHour! * BigInt(j.gpuCount) * BigInt(usedSeconds)) / BigInt(HOUR);
    const fee = (earned * BigInt(FEE_BPS)) / BPS;
    Object.assign(j, { status: 'Completed', usedSeconds, earned, fee, paid: earned - fee, refundDue: j.deposit - earned });
    o.gpusInUse -= j.gpuCount;
    o.gpuSecondsUsed += BigInt(j.gpuCount * usedSeconds);
    const payout = provider(o.providerId).payout;
    earnings.set(payout, (earnings.get(payout) ?? 0n) + earned - fee);
    earnings.set(treasury.address, (earnings.get(treasury.address) ?? 0n) + fee);
    completions.push({ jobId, providerId: o.providerId, teamId: j.teamId, day: dayOf(clock), earned, paid: earned - fee, fee });
    transitions.push({ jobId, status: 'Completed', kind: 'complete', timestamp: clock });
  }

  function refundTo(jobId: number, status: JobStatusName, kind: string, amount: bigint) {
    const j = job(jobId);
    if ((j.status === 'Routed' || j.status === 'Started') && j.offerId) offer(j.offerId).gpusInUse -= j.gpuCount;
    Object.assign(j, { status, refunded: j.refunded + amount, refundDue: 0n });
    transitions.push({ jobId, status, kind, timestamp: clock });
  }

  async function claimRefund(jobId: number, controller: typeof buyer) {
    const j = job(jobId);
    const amount = j.status === 'Completed' ? j.deposit - j.earned : j.deposit;
    await send(controller, 'market', 'claimRefund', [BigInt(jobId)], tick());
    refundTo(jobId, 'Refunded', 'refund', amount);
  }

  async function withdraw(account: typeof seller) {
    const amount = earnings.get(account.address) ?? 0n;
    await send(account, 'market', 'withdraw', [account.address], tick());
    earnings.set(account.address, 0n);
    withdrawals.push({ account: account.address, to: account.address, amount, timestamp: clock });
  }

  /* 1. Protocol: fee and treasury; a pause and its lifting */
  log('protocol fee, pause');
  await send(admin, 'market', 'setProtocolFee', [FEE_BPS, treasury.address], tick());
  protocolFeeUpdates++;
  await send(guardian, 'market', 'pause', [], tick());
  pauseEvents++;
  await send(guardian, 'market', 'unpause', [], tick());
  unpauseEvents++;

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
  const tokenOffer = await addOffer(seller, sellerId, token('A100-80G', 8, 'US', Area.NA, 'akash-network', 3_200_000n));
  const spotOffer = await addOffer(gatewayOperator, gatewayId, usd('H100-80G', 16, '', Area.None, PricingModel.Spot, 2_400_000n));

  const setPricing = async (offerId: number, pricing: number, price: bigint, slope: number, tokenId: string, tokenAmount: bigint) => {
    const tokenIdHex = '0x' + Buffer.from(tokenId).toString('hex').padEnd(64, '0');
    await send(seller, 'market', 'setPricing', [offerId, pricing, price, slope, tokenIdHex, tokenAmount], tick());
    const isToken = pricing === PricingModel.Token;
    Object.assign(offer(offerId), {
      pricing, price: isToken ? 0n : price, demandSlopeBps: pricing === PricingModel.Dynamic ? slope : 0,
      tokenId: isToken ? tokenId : '', tokenAmount: isToken ? tokenAmount : 0n,
    });
    offer(offerId).pricingChanges++;
  };
  await setPricing(fixedOffer, PricingModel.Fixed, 2_200_000n, 0, '', 0n);
  await setPricing(dynamicOffer, PricingModel.Dynamic, 1_600_000n, 4_000, '', 0n);
  await setPricing(tokenOffer, PricingModel.Token, 0n, 0, 'akash-network', 3_000_000n);

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

  /* 4. Teams: a second team, roles granted and revoked, whitelist on/off and entries, a cap */
  log('teams');
  const team2 = 2;
  await send(teamAdmin, 'team', 'createTeam', ['Scenario Lab'], tick());
  teams.push({
    id: team2, name: 'Scenario Lab', creator: teamAdmin.address, whitelistEnabled: false, spendingCap: 0n,
    roles: { [teamAdmin.address]: TeamRole.Admin }, roleChanges: 1, whitelist: {}, whitelistChanges: 0,
  });
  const setRole = async (account: Address, role: number) => {
    await send(teamAdmin, 'team', 'setRole', [team2, account, role], tick());
    teams[1].roles[account] = role;
    teams[1].roleChanges++;
  };
  await setRole(buyer.address, TeamRole.User);
  await setRole(teamViewer.address, TeamRole.Viewer);
  await setRole(teamUser.address, TeamRole.Admin);
  await setRole(teamUser.address, TeamRole.User);
  await setRole(teamViewer.address, TeamRole.None);

  const whitelist = async (teamId: number, providerId: number, allowed: boolean) => {
    await send(teamAdmin, 'team', 'setProviderWhitelisted', [teamId, providerId, allowed], tick());
    teams[teamId - 1].whitelist[providerId] = allowed;
    teams[teamId - 1].whitelistChanges++;
  };
  await send(teamAdmin, 'team', 'setWhitelistEnabled', [team2, true], tick());
  teams[1].whitelistEnabled = true;
  await whitelist(team2, sellerId, true);
  await whitelist(team2, 9, true);
  await whitelist(team2, 9, false);
  await whitelist(1, sellerId, true);
  await send(teamAdmin, 'team', 'setSpendingCap', [team2, 1_000_000_000n], tick());
  teams[1].spendingCap = 1_000_000_000n;

  /* 5. Jobs in both modes, funded by approve and by permit */
  log('jobs');
  const j3 = await request(
    { gpuModel: 'H100-80G', gpuCount: 1, minVramGb: 80, hoursRequested: 2, maxPricePerGpuHour: 2_500_000n, mode: JobMode.Tracked },
    buyer, 'approve');
  const j4 = await request(
    { gpuModel: 'H100-80G', gpuCount: 2, minVramGb: 80, hoursRequested: 1, maxPricePerGpuHour: 3_000_000n, mode: JobMode.Tracked },
    buyer, 'permit', 0n);
  const j5 = await request(
    { gpuModel: 'A100-80G', gpuCount: 4, minVramGb: 80, hoursRequested: 3, maxPricePerGpuHour: 1_500_000n, mode: JobMode.Untracked, jobKey: jobKey5.address },
    buyer, 'approve');
  const j6 = await request(
    { gpuModel: 'B200-192G', gpuCount: 1, minVramGb: 192, hoursRequested: 1, maxPricePerGpuHour: 1_000_000n, mode: JobMode.Tracked },
    buyer, 'approve');
  const j7 = await request(
    { gpuModel: 'H100-80G', gpuCount: 1, minVramGb: 80, hoursRequested: 2, maxPricePerGpuHour: 3_000_000n, mode: JobMode.Untracked, jobKey: jobKey7.address },
    buyer, 'permit', 1n);
  const j8 = await request(
    { gpuModel: 'H100-80G', gpuCount: 1, minVramGb: 80, hoursRequested: 1, maxPricePerGpuHour: 2_500_000n, mode: JobMode.Tracked, teamId: 1 },
    teamUser, 'approve');
  const j9 = await request(
    { gpuModel: 'H100-80G', gpuCount: 1, minVramGb: 80, hoursRequested: 1, maxPricePerGpuHour: 2_000_000n, mode: JobMode.Tracked },
    buyer, 'approve');
  const j10 = await request(
    { gpuModel: 'H100-80G', gpuCount: 4, minVramGb: 80, hoursRequested: 2, maxPricePerGpuHour: 2_500_000n, mode: JobMode.Tracked, teamId: team2 },
    buyer, 'approve');
  const j11 = await request(
    { gpuModel: 'H100-80G', gpuCount: 1, minVramGb: 80, hoursRequested: 1, maxPricePerGpuHour: 2_500_000n, mode: JobMode.Tracked },
    buyer, 'approve');

  /* 6. Cancels: by the buyer, and by the seed's job key signature relayed by someone else */
  log('cancels and routing');
  const cancelDeadline = BigInt(clock + HOUR);
  const signature = await chain.signJobAction(seedJobKey, 2n, JobAction.Cancel, cancelRecipient.address, cancelDeadline);
  await send(buyer, 'market', 'cancelWithSig', [2n, cancelRecipient.address, cancelDeadline, signature], tick());
  refundTo(2, 'Cancelled', 'cancelWithSig', job(2).deposit);
  await send(buyer, 'market', 'cancel', [BigInt(j9)], tick());
  refundTo(j9, 'Cancelled', 'cancel', job(j9).deposit);

  /* 7. Routing: routes, a reroute of the opted-in seed job, an unroutable job; a routed cancel */
  await route(1, 9, 2_100_000n);
  await reroute(1, fixedOffer, 2_200_000n);
  await route(j3, dynamicOffer, dynamicPrice(offer(dynamicOffer)));
  await route(j4, dynamicOffer, dynamicPrice(offer(dynamicOffer)));
  await route(j5, tokenOffer, 1_250_000n);
  await route(j7, spotOffer, 2_400_000n);
  await route(j8, 9, 2_100_000n);
  await route(j10, fixedOffer, 2_200_000n);
  await route(j11, fixedOffer, 2_200_000n);
  const unroutableRoot = rootOf(`unroutable-${j6}`);
  await send(keeper, 'market', 'markUnroutable', [BigInt(j6), unroutableRoot], tick());
  job(j6).status = 'Unroutable';
  transitions.push({ jobId: j6, status: 'Unroutable', kind: 'unroutable', timestamp: clock });
  routingDecisions.push({ jobId: j6, kind: 'unroutable', offerId: null, fromOfferId: null, pricePerGpuHour: null, decisionRoot: unroutableRoot, timestamp: clock });
  await send(buyer, 'market', 'cancel', [BigInt(j11)], tick());
  refundTo(j11, 'Cancelled', 'cancel', job(j11).deposit);

  /* 8. Starts, then three hours later completions, refunds (remainder, unroutable, start deadline) */
  log('starts, completions, refunds');
  for (const id of [1, j3, j4, j5, j10]) await start(id, seller);
  clock += 3 * HOUR + 60;
  await complete(1, seller, 3 * HOUR);
  await complete(j3, seller, 2 * HOUR);
  await complete(j5, seller, 3 * HOUR);
  await claimRefund(1, teamUser);
  await claimRefund(j3, buyer);
  await claimRefund(j6, buyer);
  await claimRefund(j8, teamUser); // routed more than the 2 h start window ago, never started

  /* 9. The next UTC day: two more completions, then the payouts withdraw */
  clock = startOfDay(clock) + DAY + 30 * 60;
  await complete(j4, seller, 30 * 60);
  await complete(j10, seller, 90 * 60);
  await withdraw(sellerPayout);
  await withdraw(treasury);
  await send(teamAdmin, 'team', 'setWhitelistEnabled', [team2, false], tick());
  teams[1].whitelistEnabled = false;
  log(`scenario done at block time ${clock}`);

  /* EXPECTED DERIVED TABLES */

  const providerEarningsByDay = new Map<string, Expected['providerEarningsByDay'][number]>();
  const teamSpendByProviderDay = new Map<string, Expected['teamSpendByProviderDay'][number]>();
  for (const c of completions) {
    const key = `${c.providerId}:${c.day}`;
    const row = providerEarningsByDay.get(key) ?? { providerId: c.providerId, day: c.day, earned: 0n, paid: 0n, fee: 0n, jobs: 0 };
    row.earned += c.earned;
    row.paid += c.paid;
    row.fee += c.fee;
    row.jobs++;
    providerEarningsByDay.set(key, row);
    if (c.teamId) {
      const tkey = `${c.teamId}:${c.providerId}:${c.day}`;
      const trow = teamSpendByProviderDay.get(tkey) ?? { teamId: c.teamId, providerId: c.providerId, day: c.day, amount: 0n, jobs: 0 };
      trow.amount += c.earned;
      trow.jobs++;
      teamSpendByProviderDay.set(tkey, trow);
    }
  }
  const spendByUserDay = new Map<string, Expected['teamSpendByUserDay'][number]>();
  for (const s of spendByUser) {
    const key = `${s.teamId}:${s.user}:${s.day}`;
    const row = spendByUserDay.get(key) ?? { ...s, amount: 0n, jobs: 0 };
    row.amount += s.amount;
    row.jobs += s.jobs;
    spendByUserDay.set(key, row);
  }
  const marketStats = new Map<string, Expected['marketStatsByDay'][number]>();
  for (const d of routingDecisions) {
    if (d.kind === 'unroutable') continue;
    const model = offer(d.offerId!).gpuModel;
    const key = `${model}:${dayOf(d.timestamp)}`;
    const row = marketStats.get(key) ?? { gpuModel: model, day: dayOf(d.timestamp), jobsRouted: 0, prices: [], minPrice: 0n, medianPrice: 0n };
    if (d.kind === 'route') row.jobsRouted++;
    row.prices.push(d.pricePerGpuHour!);
    marketStats.set(key, row);
  }
  for (const row of marketStats.values()) {
    row.prices.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    row.minPrice = row.prices[0];
    row.medianPrice = median(row.prices);
  }
  const teamSpendByUserProviderDay = new Map<string, Expected['teamSpendByUserProviderDay'][number]>();
  for (const j of jobs) {
    if (!j.teamId) continue;
    const providerId = j.offerId ? offer(j.offerId).providerId : 0;
    const day = j.requestedAt === null ? null : dayOf(j.requestedAt);
    const key = `${j.teamId}:${j.buyer}:${providerId}:${day}`;
    const row = teamSpendByUserProviderDay.get(key) ?? { teamId: j.teamId, user: j.buyer!, providerId, day, committed: 0n, paid: 0n, jobs: 0 };
    row.committed += j.deposit;
    row.paid += j.earned;
    row.jobs++;
    teamSpendByUserProviderDay.set(key, row);
  }

  const members = teams.reduce((n, t) => n + Object.keys(t.roles).length, 0);
  const whitelistEntries = teams.reduce((n, t) => n + Object.keys(t.whitelist).length, 0);
  const counts = {
    providers: providers.length,
    gateways: providers.filter((p) => p.gateway).length,
    offers: offers.length,
    jobs: jobs.length,
    trackedJobs: jobs.filter((j) => j.mode === 'Tracked').length,
    untrackedJobs: jobs.filter((j) => j.mode === 'Untracked').length,
    routingDecisions: routingDecisions.length,
    routes: routingDecisions.filter((d) => d.kind === 'route').length,
    reroutes: routingDecisions.filter((d) => d.kind === 'reroute').length,
    unroutables: routingDecisions.filter((d) => d.kind === 'unroutable').length,
    transitions: transitions.length,
    transitionsAfterRequest: transitions.filter((t) => t.kind !== 'request').length,
    teams: teams.length,
    teamMembers: members,
    teamMembersWithRole: teams.reduce((n, t) => n + Object.values(t.roles).filter((r) => r !== TeamRole.None).length, 0),
    roleChanges: teams.reduce((n, t) => n + t.roleChanges, 0),
    whitelistEntries,
    whitelistedProviders: teams.reduce((n, t) => n + Object.values(t.whitelist).filter(Boolean).length, 0),
    whitelistChanges: teams.reduce((n, t) => n + t.whitelistChanges, 0),
    withdrawals: withdrawals.length,
    completions: completions.length,
    pricingChanges: offers.reduce((n, o) => n + o.pricingChanges, 0),
    capacityChanges: offers.reduce((n, o) => n + o.capacityChanges, 0),
    availabilityChanges: offers.reduce((n, o) => n + o.availabilityChanges, 0),
    teamSpendRecords: spendByUser.length,
  };

  return {
    t0, feeBps: FEE_BPS, treasury: treasury.address, paused: false,
    providers, offers, jobs, transitions, routingDecisions, teams, withdrawals,
    providerEarningsByDay: [...providerEarningsByDay.values()],
    teamSpendByUserDay: [...spendByUserDay.values()],
    teamSpendByProviderDay: [...teamSpendByProviderDay.values()],
    teamSpendByUserProviderDay: [...teamSpendByUserProviderDay.values()],
    marketStatsByDay: [...marketStats.values()],
    pauseEvents, unpauseEvents, protocolFeeUpdates, counts,
    accounts: {
      admin: admin.address, keeper: keeper.address, guardian: guardian.address, frankfurt: frankfurt.address,
      teamAdmin: teamAdmin.address, teamUser: teamUser.address, teamViewer: teamViewer.address, buyer: buyer.address,
      treasury: treasury.address, seller: seller.address, sellerPayout: sellerPayout.address,
      gatewayOperator: gatewayOperator.address, jobKey5: jobKey5.address, jobKey7: jobKey7.address,
      seedJobKey: seedJobKey.address, cancelRecipient: cancelRecipient.address,
    },
  };
}

if (import.meta.main) {
  const expected = await runScenario(process.argv[2] ?? 'http://127.0.0.1:8545', console.log);
  console.log(JSON.stringify(expected, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
}
