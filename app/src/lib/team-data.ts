// What the team pages read from the indexer, typed by what they select (bigint columns arrive as
// strings), and a provider's display name.
import type { Indexer } from './indexer.ts';

export const ROLES = ['Admin', 'User', 'Viewer'] as const;
export type Role = (typeof ROLES)[number];

export type Team = {
  id: number;
  name: string;
  creator: string;
  whitelistEnabled: boolean;
  spendingCap: string;
  balance: string;
  deposited: string;
  withdrawn: string;
  committed: string;
  spent: string;
  createdAt: string;
};
export type TeamMember = { account: string; role: Role; grantedBy: string; updatedAt: string };
export type WhitelistEntry = { providerId: number; updatedAt: string };
export type TreasuryMovement = { id: string; kind: 'Deposit' | 'Withdrawal' | 'JobFunding' | 'CreditBack'; jobId: string | null; account: string; to: string | null; amount: string; balance: string; tx: string; timestamp: string };
export type DailySpend = { user: string; providerId: number; day: number; committed: string; paid: string; creditedBack: string; jobs: number };
export type TeamJob = { id: string; buyer: string | null; status: string; providerId: number | null; deposit: string; paid: string; gpuModel: string; gpuCount: number; hoursRequested: number; requestedAt: string };
export type Provider = { id: number; isGateway: boolean; sourceTag: string | null; metadataURI: string };
export type MyTeam = { teamId: number; role: Role; team: { name: string } | null };

export type TeamPage = { team: Team | null; members: TeamMember[]; whitelist: WhitelistEntry[]; movements: TreasuryMovement[]; spend: DailySpend[]; jobs: TeamJob[]; providers: Provider[] };

/** The teams `account` belongs to (revoked memberships left out), with its role. */
export async function teamsOf(indexer: Indexer, account: string): Promise<MyTeam[]> {
  const data = await indexer.query<{ teamMembers: { items: MyTeam[] } }>(
    `query ($account: String!) { teamMembers(where: { account: $account, role_not: None }, orderBy: "teamId", limit: 100) { items { teamId role team { name } } } }`,
    { account: account.toLowerCase() },
  );
  return data.teamMembers.items;
}

/** Everything the team page shows, in one query. */
export async function teamPage(indexer: Indexer, teamId: number): Promise<TeamPage> {
  const data = await indexer.query<{
    team: Team | null;
    teamMembers: { items: TeamMember[] };
    teamWhitelists: { items: WhitelistEntry[] };
    teamTreasuryMovements: { items: TreasuryMovement[] };
    teamDailySpends: { items: DailySpend[] };
    jobs: { items: TeamJob[] };
    providers: { items: Provider[] };
  }>(
    `query ($id: Int!) {
      team(id: $id) { id name creator whitelistEnabled spendingCap balance deposited withdrawn committed spent createdAt }
      teamMembers(where: { teamId: $id, role_not: None }, orderBy: "updatedAt", limit: 100) { items { account role grantedBy updatedAt } }
      teamWhitelists(where: { teamId: $id, allowed: true }, orderBy: "providerId", limit: 100) { items { providerId updatedAt } }
      teamTreasuryMovements(where: { teamId: $id }, orderBy: "timestamp", orderDirection: "desc", limit: 100) { items { id kind jobId account to amount balance tx timestamp } }
      teamDailySpends(where: { teamId: $id }, orderBy: "day", limit: 100) { items { user providerId day committed paid creditedBack jobs } }
      jobs(where: { teamId: $id }, orderBy: "requestedAt", orderDirection: "desc", limit: 100) { items { id buyer status providerId deposit paid gpuModel gpuCount hoursRequested requestedAt } }
      providers(orderBy: "id", limit: 100) { items { id isGateway sourceTag metadataURI } }
    }`,
    { id: teamId },
  );
  return {
    team: data.team,
    members: data.teamMembers.items,
    whitelist: data.teamWhitelists.items,
    movements: data.teamTreasuryMovements.items,
    spend: data.teamDailySpends.items,
    jobs: data.jobs.items,
    providers: data.providers.items,
  };
}

