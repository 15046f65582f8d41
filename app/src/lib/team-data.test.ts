import { describe, expect, it } from 'vitest';
import { Indexer } from './indexer.ts';
import { teamPage, teamsOf } from './team-data.ts';

function fakeIndexer(data: unknown) {
  const asked: { query: string; variables: Record<string, unknown> }[] = [];
  const indexer = new Indexer('http://indexer.test');
  indexer.query = (async (query: string, variables: Record<string, unknown> = {}) => (asked.push({ query, variables }), data)) as Indexer['query'];
  return { indexer, asked };
}

describe('team data', () => {
  it("lists an account's teams by its lowercase address, revoked memberships left out", async () => {
    const { indexer, asked } = fakeIndexer({ teamMembers: { items: [{ teamId: 2, role: 'Viewer', team: { name: 'Helix' } }] } });
    expect(await teamsOf(indexer, '0xAbC0000000000000000000000000000000000001')).toEqual([{ teamId: 2, role: 'Viewer', team: { name: 'Helix' } }]);
    expect(asked[0]!.variables).toEqual({ account: '0xabc0000000000000000000000000000000000001' });
    expect(asked[0]!.query).toMatch(/role_not: None/);
  });

  it('reads the team page in one query', async () => {
    const items = (x: unknown[]) => ({ items: x });
    const { indexer, asked } = fakeIndexer({ team: null, teamMembers: items([]), teamWhitelists: items([]), teamTreasuryMovements: items([]), teamDailySpends: items([]), jobs: items([{ id: '4' }]), providers: items([]) });
    const page = await teamPage(indexer, 3);
    expect(page).toMatchObject({ team: null, jobs: [{ id: '4' }], members: [] });
    expect(asked).toHaveLength(1);
    expect(asked[0]!.variables).toEqual({ id: 3 });
  });

});
