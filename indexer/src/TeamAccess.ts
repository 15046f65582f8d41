// TeamAccess: teams, member roles, the provider whitelist, spending caps and recorded spend.
import { ponder } from 'ponder:registry';
import { team, teamMember, teamSpend, teamWhitelist } from 'ponder:schema';
import { TEAM_ROLES, enumName } from './lib/decode.ts';

type Hex = `0x${string}`;

function lower(address: Hex): Hex {
  return address.toLowerCase() as Hex;
}

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
      windowStart: null,
      spentInWindow: 0n,
      totalCommitted: 0n,
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
  const { teamId, capPerWindow } = event.args;
  await context.db.update(team, { id: teamId }).set({ spendingCap: capPerWindow, updatedAt: event.block.timestamp });
});

ponder.on('TeamAccess:TeamSpendRecorded', async ({ event, context }) => {
  const { teamId, user, jobId, amount, spentInWindow } = event.args;
  const windowStart = BigInt(event.args.windowStart);
  const timestamp = event.block.timestamp;
  await context.db
    .insert(teamSpend)
    .values({
      id: event.id,
      teamId,
      user: lower(user),
      jobId,
      amount,
      windowStart,
      spentInWindow,
      block: event.block.number,
      tx: event.transaction.hash,
      timestamp,
    })
    .onConflictDoNothing();
  await context.db.update(team, { id: teamId }).set((row) => ({
    windowStart,
    spentInWindow,
    totalCommitted: row.totalCommitted + amount,
    updatedAt: timestamp,
  }));
});
