// The indexer's view of a seller: providers by owner, one provider with its offers, the jobs routed
// to it, and its earnings (per day, per offer, credits and withdrawals of its payout address).
// Ponder returns bigint columns as strings.
import type { Indexer } from './indexer.ts';

export type SellerProvider = { id: number; owner: string; payout: string; sourceTag: string | null; isGateway: boolean; metadataURI: string; registeredAt: string };
export type SellerOffer = {
  id: number;
  gpuModel: string;
  gpuCount: number;
  gpusInUse: number;
  vramGb: number;
  country: string | null;
  area: string;
  availableFrom: string;
  availableUntil: string;
  pricing: 'Fixed' | 'Dynamic' | 'Token' | 'Spot' | 'Auction';
  price: string;
  demandSlopeBps: number;
  tokenId: string;
  tokenAmount: string;
  state: 'Available' | 'Reserved' | 'Offline';
};
export type SellerJob = {
  id: string;
  mode: 'Tracked' | 'Untracked';
  buyer: string | null;
  status: string;
  offerId: number | null;
  gpuModel: string;
  gpuCount: number;
  hoursRequested: number;
  pricePerGpuHour: string | null;
  workloadURI: string;
  workloadHash: string;
  usedSeconds: number | null;
  providerEarnings: string;
  routedAt: string | null;
  reviewEndsAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
};
export type DailyEarning = { day: number; earnings: string; fees: string; jobsCompleted: number };
export type Utilization = { id: number; gpuHoursUsed: number; gpuHoursOffered: number; ratioBps: string; jobsCompleted: number };
export type Credit = { jobId: string; amount: string; tx: string; timestamp: string };
export type Withdrawal = { to: string; amount: string; tx: string; timestamp: string };
export type SellerEarnings = { daily: DailyEarning[]; utilization: Utilization[]; credits: Credit[]; withdrawals: Withdrawal[] };

const PROVIDER_FIELDS = 'id owner payout sourceTag isGateway metadataURI registeredAt';
const OFFER_FIELDS = 'id gpuModel gpuCount gpusInUse vramGb country area availableFrom availableUntil pricing price demandSlopeBps tokenId tokenAmount state';
const JOB_FIELDS = 'id mode buyer status offerId gpuModel gpuCount hoursRequested pricePerGpuHour workloadURI workloadHash usedSeconds providerEarnings routedAt reviewEndsAt startedAt completedAt';

/** Sellers and gateways `owner` registered, oldest first. */
export async function providersOwnedBy(indexer: Indexer, owner: string): Promise<SellerProvider[]> {
  const data = await indexer.query<{ providers: { items: SellerProvider[] } }>(
    `query ($owner: String!) { providers(where: { owner: $owner }, orderBy: "id", orderDirection: "asc", limit: 100) { items { ${PROVIDER_FIELDS} } } }`,
    { owner: owner.toLowerCase() },
  );
  return data.providers.items;
}

export async function providerWithOffers(indexer: Indexer, id: number): Promise<{ provider: SellerProvider | null; offers: SellerOffer[] }> {
  const data = await indexer.query<{ provider: SellerProvider | null; offers: { items: SellerOffer[] } }>(
    `query ($id: Int!) {
      provider(id: $id) { ${PROVIDER_FIELDS} }
      offers(where: { providerId: $id }, orderBy: "id", orderDirection: "asc", limit: 100) { items { ${OFFER_FIELDS} } }
    }`,
    { id },
  );
  return { provider: data.provider, offers: data.offers.items };
}

/** Jobs routed to the provider's offers, newest first. */
export async function jobsOfProvider(indexer: Indexer, providerId: number): Promise<SellerJob[]> {
  const data = await indexer.query<{ jobs: { items: SellerJob[] } }>(
    `query ($id: Int!) { jobs(where: { providerId: $id }, orderBy: "requestedAt", orderDirection: "desc", limit: 100) { items { ${JOB_FIELDS} } } }`,
    { id: providerId },
  );
  return data.jobs.items;
}

export async function earningsOfProvider(indexer: Indexer, providerId: number, payout: string): Promise<SellerEarnings> {
  const data = await indexer.query<{
    providerDailyEarnings: { items: DailyEarning[] };
    offerUtilizations: { items: Utilization[] };
    escrowMovements: { items: Credit[] };
    withdrawals: { items: Withdrawal[] };
  }>(
    `query ($id: Int!, $payout: String!) {
      providerDailyEarnings(where: { providerId: $id }, orderBy: "day", orderDirection: "asc", limit: 60) { items { day earnings fees jobsCompleted } }
      offerUtilizations(where: { providerId: $id }, orderBy: "id", orderDirection: "asc", limit: 100) { items { id gpuHoursUsed gpuHoursOffered ratioBps jobsCompleted } }
      escrowMovements(where: { account: $payout, kind: EarningCredit }, orderBy: "timestamp", orderDirection: "desc", limit: 100) { items { jobId amount tx timestamp } }
      withdrawals(where: { account: $payout }, orderBy: "timestamp", orderDirection: "desc", limit: 100) { items { to amount tx timestamp } }
    }`,
    { id: providerId, payout: payout.toLowerCase() },
  );
  return { daily: data.providerDailyEarnings.items, utilization: data.offerUtilizations.items, credits: data.escrowMovements.items, withdrawals: data.withdrawals.items };
}
