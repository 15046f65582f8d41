// NectoMarket team treasuries: deposits (anyone), withdrawals (a team Admin), and the team jobs'
// funding and credit back (TeamJobFunded just before its JobRequested, TeamJobCredited just before
// the JobCancelled or JobRefunded of the same amount). Balances and window spend are the events'
// own values (lib/treasury.ts); the job side of those events is in NectoMarket.jobs.ts.
import { ponder } from 'ponder:registry';
import { addTeamSpend, teamSpendKey } from './lib/derived.ts';
import { requireJob } from './lib/source.ts';
import { creditTeamJob, depositToTeam, fundTeamJob, isTeamJob, withdrawFromTeam } from './lib/treasury.ts';

ponder.on('NectoMarket:TeamDeposited', async ({ event, context }) => {
  await depositToTeam(context.db, event, event.args);
});

ponder.on('NectoMarket:TeamWithdrawn', async ({ event, context }) => {
  await withdrawFromTeam(context.db, event, event.args);
});

ponder.on('NectoMarket:TeamJobFunded', async ({ event, context }) => {
  await fundTeamJob(context.db, event, event.args);
});

ponder.on('NectoMarket:TeamJobCredited', async ({ event, context }) => {
  const { teamId, jobId, amount } = event.args;
  const row = await requireJob(context.db, jobId);
  if (!isTeamJob(row) || row.teamId !== teamId) throw new Error(`Job ${jobId} is credited to team ${teamId} but is not its job`);
  if (await creditTeamJob(context.db, event, row, event.args)) {
    await addTeamSpend(context.db, teamSpendKey(row), { creditedBack: amount });
  }
});
