// What the scenario expects the indexer to rebuild: the types of its expectations, the seeded world
// (script/Seed.s.sol) as the scenario finds it, and the day and median rules the indexer follows.
import type { Address, Hex } from 'viem';
import { Area, CapacityState, DAY, PricingModel, actor } from './chain.ts';
import type { OfferParams } from './chain.ts';

export type JobStatusName =
  | 'Requested'
  | 'Routed'
  | 'Started'
  | 'Completed'
  | 'Cancelled'
  | 'Unroutable'
  | 'Refunded'
  | 'Expired';

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
  /** Exact price, floor or USD ceiling: never zero. */
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

export type Funding = 'approve' | 'permit' | 'treasury';

export type ExpectedJob = {
  id: number;
  mode: 'Tracked' | 'Untracked';
  funding: Funding;
  /** The wallet that funded the job (public in the USDC transfer, never in Necto's own data for
   *  an Untracked job); the submitting member for a team job. */
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
  reviewSeconds: number;
  rerouteOptIn: boolean;
  offerId: number | null;
  pricePerGpuHour: bigint | null;
  /** The protocol fee of the last route or reroute. */
  feeBps: number | null;
  routedAt: number | null;
  reviewEndsAt: number | null;
  startedAt: number | null;
  expiredAt: number | null;
  deposit: bigint;
  usedSeconds: number;
  /** Gross earnings of the job (price × GPUs × usedSeconds / 3600): provider share plus fee. */
  earned: bigint;
  /** What the provider's payout accrued (earned − fee). */
  paid: bigint;
  fee: bigint;
  /** Paid back to the buyer, key holder or a recipient, or credited to the team, so far. */
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

/**
 * A team's treasury; always deposited = balance + committed + spent + withdrawn. `windowSpend` is
 * what counts against the cap: the team jobs' deposits less what came back (the scenario spans far
 * less than the 30-day epoch, so none of it stops counting); `windowSpendAt` the block time of the
 * last JobFunding or CreditBack (null if the seed's).
 */
export type Treasury = {
  balance: bigint;
  deposited: bigint;
  withdrawn: bigint;
  committed: bigint;
  spent: bigint;
  windowSpend: bigint;
  windowSpendAt: number | null;
};

export type TreasuryMovement = {
  teamId: number;
  kind: 'Deposit' | 'Withdrawal' | 'JobFunding' | 'CreditBack';
  jobId: number | null;
  account: Address;
  to: Address | null;
  amount: bigint;
  /** The team's balance after the movement. */
  balance: bigint;
  /** null for the seed's movements (before the scenario's clock). */
  timestamp: number | null;
};

export type ExpectedTeam = {
  id: number;
  name: string;
  creator: Address;
  whitelistEnabled: boolean;
  spendingCap: bigint;
  /** Final role per member (None for revoked ones). */
  roles: Record<Address, number>;
  /** Final whitelist entry per provider (false for removed ones). */
  whitelist: Record<number, boolean>;
  treasury: Treasury;
};

export type Protocol = {
  feeBps: number;
  treasury: Address;
  paused: boolean;
  pendingAdmin: Address | null;
  pendingAdminSchedule: number | null;
  pendingAdminDelay: number | null;
  pendingAdminDelaySchedule: number | null;
};

export type Expected = {
  t0: number;
  protocol: Protocol;
  providers: ExpectedProvider[];
  offers: ExpectedOffer[];
  jobs: ExpectedJob[];
  transitions: Transition[];
  routingDecisions: RoutingDecision[];
  teams: ExpectedTeam[];
  /** In chain order. */
  treasuryMovements: TreasuryMovement[];
  /** Every role x account the market ever granted, with whether it still holds. */
  marketRoles: { role: Hex; account: Address; granted: boolean }[];
  withdrawals: { account: Address; to: Address; amount: bigint; timestamp: number }[];
  /** Per provider and UTC day number of the completion. */
  providerEarningsByDay: { providerId: number; day: number; earned: bigint; paid: bigint; fee: bigint; jobs: number }[];
  /**
   * Team spend per user, provider (the one holding the job at the end, 0 if never routed) and day
   * of the request: deposits committed, gross amounts paid and what was credited back to the
   * treasury. Day null = the seed's request.
   */
  teamSpendByUserProviderDay: {
    teamId: number;
    user: Address;
    providerId: number;
    day: number | null;
    committed: bigint;
    paid: bigint;
    creditedBack: bigint;
    jobs: number;
  }[];
  /** Per GPU model and day: every route and reroute price; jobsRouted counts first routes only. */
  marketStatsByDay: {
    gpuModel: string;
    day: number;
    jobsRouted: number;
    prices: bigint[];
    minPrice: bigint;
    medianPrice: bigint;
  }[];
  counts: {
    providers: number;
    offers: number;
    jobs: number;
    routingDecisions: number;
    routes: number;
    reroutes: number;
    pricingChanges: number;
    capacityChanges: number;
    availabilityChanges: number;
  };
};

/** The UTC day number of a block time, floor(timestamp / 86400), as the indexer keys days. */
export const dayOf = (timestamp: number) => Math.floor(timestamp / DAY);
export const startOfDay = (timestamp: number) => dayOf(timestamp) * DAY;

/** The median of routed prices; for an even count, the floor of the mean of the two middle ones. */
export function median(values: readonly bigint[]): bigint {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2n;
}

export const metadata = (name: string) => `data:application/json,{"name":"${name}"}`;

export function usd(gpuModel: string, gpuCount: number, country: string, area: number, pricing: number, price: bigint): OfferParams {
  return { gpuModel, gpuCount, vramGb: Number(gpuModel.split('-')[1].replace('G', '')), country, area, pricing, price };
}

/** A Token offer: micro-tokens per GPU-hour, and the owner's USD ceiling as its price. */
export function token(
  gpuModel: string,
  gpuCount: number,
  country: string,
  area: number,
  tokenId: string,
  tokenAmount: bigint,
  usdCeiling: bigint,
): OfferParams {
  return { ...usd(gpuModel, gpuCount, country, area, PricingModel.Token, usdCeiling), tokenId, tokenAmount };
}

/** An offer as stored: pricing fields the model does not use are zero (OfferBook._normalizePricing). */
export function offerRow(id: number, providerId: number, p: OfferParams): ExpectedOffer {
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
    price: p.price,
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

/** The seed's providers and offers (script/Seed.s.sol): eight gateways with USD ceilings, three sellers. */
export function seedWorld() {
  const admin = actor(0).address;
  const gateways: [string, string, OfferParams][] = [
    ['akash', 'Akash', usd('H100-80G', 16, 'US', Area.NA, PricingModel.Auction, 3_000_000n)],
    ['ionet', 'io.net', token('A100-80G', 32, 'US', Area.NA, 'io-net', 1_100_000n, 2_500_000n)],
    ['aws-spot', 'AWS EC2 Spot', usd('H100-80G', 8, 'US', Area.NA, PricingModel.Spot, 6_000_000n)],
    ['render', 'Render', token('RTX4090-24G', 24, '', Area.None, 'render-token', 120_000n, 1_500_000n)],
    ['nosana', 'Nosana', token('RTX4090-24G', 12, '', Area.EU, 'nosana', 600_000n, 1_000_000n)],
    ['runpod', 'RunPod', usd('H100-80G', 8, 'US', Area.NA, PricingModel.Fixed, 4_000_000n)],
    ['lambda', 'Lambda', usd('H100-80G', 8, 'US', Area.NA, PricingModel.Fixed, 4_000_000n)],
    ['vast', 'Vast.ai', usd('RTX4090-24G', 8, 'NL', Area.EU, PricingModel.Fixed, 800_000n)],
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
    [5, 'Tokyo Render Farm', [token('RTX4090-24G', 6, 'JP', Area.APAC, 'render-token', 150_000n, 1_500_000n)]],
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

/** The seed's team treasury: 2,000 USDC deposited by the team Admin. */
export const SEED_TEAM_DEPOSIT = 2_000_000_000n;
