// The indexer's GraphQL (Ponder). Each query the app makes lives here, typed by what it selects.
// Ponder returns bigint columns as strings.
import { fetchJson, ServiceError } from './http.ts';

export type IndexedJob = {
  id: string;
  mode: 'Tracked' | 'Untracked';
  controller: string;
  buyer: string | null;
  teamId: number | null;
  gpuModel: string;
  gpuCount: number;
  hoursRequested: number;
  maxPricePerGpuHour: string;
  reviewSeconds: number;
  rerouteOptIn: boolean;
  status: string;
  offerId: number | null;
  providerId: number | null;
  pricePerGpuHour: string | null;
  decisionRoot: string | null;
  deposit: string;
  paid: string;
  refunded: string;
  refundDue: string;
  usedSeconds: number | null;
  requestedTx: string;
  requestedAt: string;
  routedAt: string | null;
  reviewEndsAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
};

export type Transition = { from: string; to: string; tx: string; block: string; timestamp: string };
export type Routing = { kind: string; offerId: number | null; pricePerGpuHour: string | null; decisionRoot: string; previousRoot: string | null; tx: string; timestamp: string };
export type RoutedPrice = { timestamp: string; pricePerGpuHour: string; offerId: number };
export type Membership = { teamId: number; role: 'Viewer' | 'User' | 'Admin'; team: { id: number; name: string } | null };
export type RoutedOffer = { id: number; gpuModel: string; gpuCount: number; pricing: string; country: string | null; area: string; provider: { id: number; sourceTag: string | null; isGateway: boolean; metadataURI: string } | null };
export type IndexedOffer = { id: number; gpuModel: string; providerId: number; isGateway: boolean };
export type IndexedProvider = { id: number; owner: string; payout: string; sourceTag: string | null; isGateway: boolean; metadataURI: string };
export type JobPage = { items: IndexedJob[]; totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

const JOB_FIELDS = `id mode controller buyer teamId gpuModel gpuCount hoursRequested maxPricePerGpuHour reviewSeconds
  rerouteOptIn status offerId providerId pricePerGpuHour decisionRoot deposit paid refunded refundDue usedSeconds
  requestedTx requestedAt routedAt reviewEndsAt startedAt completedAt`;

export class Indexer {
  readonly url: string;
  constructor(baseUrl: string) {
    this.url = `${baseUrl}/graphql`;
  }

  async query<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const body = await fetchJson<{ data?: T; errors?: { message: string }[] }>('the indexer', this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    if (body.errors?.length) throw new ServiceError(`the indexer: ${body.errors[0]?.message}`);
    if (!body.data) throw new ServiceError('the indexer answered without data');
    return body.data;
  }

  async job(id: string): Promise<{ job: IndexedJob | null; transitions: Transition[]; routings: Routing[] }> {
    const data = await this.query<{
      job: IndexedJob | null;
      jobTransitions: { items: Transition[] };
      routingDecisions: { items: Routing[] };
    }>(
      `query ($id: BigInt!) {
        job(id: $id) { ${JOB_FIELDS} }
        jobTransitions(where: { jobId: $id }, orderBy: "block", orderDirection: "asc", limit: 100) { items { from to tx block timestamp } }
        routingDecisions(where: { jobId: $id }, orderBy: "timestamp", orderDirection: "asc", limit: 100) { items { kind offerId pricePerGpuHour decisionRoot previousRoot tx timestamp } }
      }`,
      { id },
    );
    return { job: data.job, transitions: data.jobTransitions.items, routings: data.routingDecisions.items };
  }

  /** A wallet's Tracked jobs, newest first. */
  async jobsOf(buyer: string): Promise<IndexedJob[]> {
    const data = await this.query<{ jobs: { items: IndexedJob[] } }>(
      `query ($buyer: String!) { jobs(where: { buyer: $buyer }, orderBy: "requestedAt", orderDirection: "desc", limit: 100) { items { ${JOB_FIELDS} } } }`,
      { buyer: buyer.toLowerCase() },
    );
    return data.jobs.items;
  }

  /** Untracked jobs by their controlling keys. */
  async jobsControlledBy(keys: string[]): Promise<IndexedJob[]> {
    if (!keys.length) return [];
    const data = await this.query<{ jobs: { items: IndexedJob[] } }>(
      `query ($keys: [String!]) { jobs(where: { controller_in: $keys }, orderBy: "requestedAt", orderDirection: "desc", limit: 100) { items { ${JOB_FIELDS} } } }`,
      { keys: keys.map((k) => k.toLowerCase()) },
    );
    return data.jobs.items;
  }

  /** Routes and reroutes (not unroutable marks), newest last, with the routed offer's GPU model. */
  async routedPrices(): Promise<{ prices: RoutedPrice[]; offers: IndexedOffer[] }> {
    const data = await this.query<{ routingDecisions: { items: RoutedPrice[] }; offers: { items: IndexedOffer[] } }>(
      `{
        routingDecisions(where: { kind_not: Unroutable }, orderBy: "timestamp", orderDirection: "desc", limit: 100) { items { timestamp pricePerGpuHour offerId } }
        offers(limit: 100) { items { id gpuModel providerId isGateway } }
      }`,
    );
    return { prices: data.routingDecisions.items.reverse(), offers: data.offers.items };
  }

  /** The offer a job was routed to and its provider (a gateway names its network). */
  async offer(id: number): Promise<RoutedOffer | null> {
    const data = await this.query<{ offer: RoutedOffer | null }>(
      `query ($id: Int!) { offer(id: $id) { id gpuModel gpuCount pricing country area provider { id sourceTag isGateway metadataURI } } }`,
      { id },
    );
    return data.offer;
  }

  /** One page of jobs matching a `where` (the indexer's jobFilter), newest first. */
  async jobsPage(where: Record<string, unknown>, after?: string | null, limit = 100): Promise<JobPage> {
    const data = await this.query<{ jobs: JobPage }>(
      `query ($where: jobFilter, $after: String, $limit: Int) { jobs(where: $where, orderBy: "requestedAt", orderDirection: "desc", after: $after, limit: $limit) { items { ${JOB_FIELDS} } totalCount pageInfo { hasNextPage endCursor } } }`,
      { where, after: after ?? null, limit },
    );
    return data.jobs;
  }

  /** Every provider, sellers and gateways (the first 100 by id). */
  async providers(): Promise<IndexedProvider[]> {
    const data = await this.query<{ providers: { items: IndexedProvider[] } }>(`{ providers(orderBy: "id", limit: 100) { items { id owner payout sourceTag isGateway metadataURI } } }`);
    return data.providers.items;
  }

  /** Every team's id and name (the first 100 by id). */
  async teamNames(): Promise<{ id: number; name: string }[]> {
    const data = await this.query<{ teams: { items: { id: number; name: string }[] } }>(`{ teams(orderBy: "id", limit: 100) { items { id name } } }`);
    return data.teams.items;
  }

  /** The teams `account` may submit jobs for (User or Admin). */
  async submittingTeams(account: string): Promise<Membership[]> {
    const data = await this.query<{ teamMembers: { items: Membership[] } }>(
      `query ($account: String!) { teamMembers(where: { account: $account, role_in: [User, Admin] }, limit: 100) { items { teamId role team { id name } } } }`,
      { account: account.toLowerCase() },
    );
    return data.teamMembers.items;
  }
}
