// TeamAccess: teams, member roles, the provider whitelist and spending caps (policy only: the
// treasuries are the market's, NectoMarket.teams.ts).
import { ponder } from 'ponder:registry';
import { team, teamMember, teamWhitelist } from 'ponder:schema';
import { TEAM_ROLES, enumName, lower } from './lib/decode.ts';

ponder.on('TeamAccess:TeamCreated', async ({ event, context }) => {
  const { teamId, admin, name } = event.args;
  const timestamp = event.block.timestamp;
  await context.db
    .insert(team)
    .values({
      id: teamId,
      name,
      creator: lower(admin),
      whitelistEnabled: false,
      spendingCap: 0n,
      balance: 0n,
      deposited: 0n,
      withdrawn: 0n,
      committed: 0n,
      spent: 0n,
      windowSpend: 0n,
      windowSpendAt: null,
      createdAt: timestamp,
      updatedAt: timestamp,
    })
    .onConflictDoUpdate({ name, creator: lower(admin), updatedAt: timestamp });
});

ponder.on('TeamAccess:TeamRoleSet', async ({ event, context }) => {
  const { teamId, account, by } = event.args;
  const role = enumName(TEAM_ROLES, event.args.role);
  const values = { teamId, account: lower(account), role, grantedBy: lower(by), updatedAt: event.block.timestamp };
  await context.db
    .insert(teamMember)
    .values({ id: `${teamId}-${lower(account)}`, ...values })
    .onConflictDoUpdate(values);
});

ponder.on('TeamAccess:WhitelistToggled', async ({ event, context }) => {
  const { teamId, enabled } = event.args;
  await context.db.update(team, { id: teamId }).set({ whitelistEnabled: enabled, updatedAt: event.block.timestamp });
});

ponder.on('TeamAccess:ProviderWhitelisted', async ({ event, context }) => {
  const { teamId, providerId, allowed } = event.args;
  const values = { teamId, providerId, allowed, updatedAt: event.block.timestamp };
  await context.db
    .insert(teamWhitelist)
    .values({ id: `${teamId}-${providerId}`, ...values })
    .onConflictDoUpdate(values);
});

ponder.on('TeamAccess:SpendingCapSet', async ({ event, context }) => {
  const { teamId, cap } = event.args;
  await context.db.update(team, { id: teamId }).set({ spendingCap: cap, updatedAt: event.block.timestamp });
});
