// Team treasuries, rebuilt from the market's events (see README: "Team treasuries"). Every change
// of a team's balance is one teamTreasuryMovement row, recorded once per event; the balance and the
// window spend are what the event reports, and the team's totals move so that
// deposited = balance + committed + spent + withdrawn holds after every event.
import { team, teamTreasuryMovement } from 'ponder:schema';
import { lower } from './decode.ts';
import { meta } from './source.ts';
import type { AnyEvent, Db, Hex, JobRow } from './source.ts';

type Totals = { deposited?: bigint; withdrawn?: bigint; committed?: bigint; spent?: bigint };
type Movement = {
  teamId: number;
  kind: 'Deposit' | 'Withdrawal' | 'JobFunding' | 'CreditBack';
  account: Hex;
  amount: bigint;
  /** The team's balance after the movement, from the event. */
  balance: bigint;
  /** What counts against the cap after it, from a team job's event. */
  windowSpend?: bigint;
  jobId?: bigint;
  to?: Hex;
};

/** A team job: Tracked, with a team and the member who requested it. */
export type TeamJob = Pick<JobRow, 'id' | 'teamId' | 'buyer'> & { teamId: number; buyer: Hex };

export function isTeamJob(row: Pick<JobRow, 'id' | 'teamId' | 'buyer'>): row is TeamJob {
  return row.teamId !== null && row.buyer !== null;
}

/** Adds to the team's totals; a movement also sets the balance and window spend it reports. */
async function changeTotals(db: Db, teamId: number, delta: Totals, timestamp: bigint, movement?: Movement) {
  await db.update(team, { id: teamId }).set((row) => ({
    deposited: row.deposited + (delta.deposited ?? 0n),
    withdrawn: row.withdrawn + (delta.withdrawn ?? 0n),
    committed: row.committed + (delta.committed ?? 0n),
    spent: row.spent + (delta.spent ?? 0n),
    ...(movement ? { balance: movement.balance } : {}),
    ...(movement?.windowSpend !== undefined ? { windowSpend: movement.windowSpend, windowSpendAt: timestamp } : {}),
    updatedAt: timestamp,
  }));
}

/** Records the movement under `id` and applies it to the team; false if it was already recorded. */
async function move(db: Db, event: AnyEvent, id: string, movement: Movement, delta: Totals): Promise<boolean> {
  const recorded = await db
    .insert(teamTreasuryMovement)
    .values({
      id,
      teamId: movement.teamId,
      kind: movement.kind,
      jobId: movement.jobId ?? null,
      account: lower(movement.account),
      to: movement.to === undefined ? null : lower(movement.to),
      amount: movement.amount,
      balance: movement.balance,
      ...meta(event),
    })
    .onConflictDoNothing();
  if (recorded === null) return false;
  await changeTotals(db, movement.teamId, delta, event.block.timestamp, movement);
  return true;
}

/** TeamDeposited: anyone adds to the balance. */
export function depositToTeam(db: Db, event: AnyEvent, args: { teamId: number; from: Hex; amount: bigint; balance: bigint }) {
  const { teamId, from, amount, balance } = args;
  return move(db, event, event.id, { teamId, kind: 'Deposit', account: from, amount, balance }, { deposited: amount });
}

/** TeamWithdrawn: an Admin takes from the balance. */
export function withdrawFromTeam(
  db: Db,
  event: AnyEvent,
  args: { teamId: number; by: Hex; to: Hex; amount: bigint; balance: bigint },
) {
  const { teamId, by, to, amount, balance } = args;
  return move(db, event, event.id, { teamId, kind: 'Withdrawal', account: by, to, amount, balance }, { withdrawn: amount });
}

type TeamJobMovement = { teamId: number; jobId: bigint; amount: bigint; balance: bigint; windowSpend: bigint };

/** TeamJobFunded: a team job's deposit moves from the balance into escrow, for the member who requested it. */
export function fundTeamJob(db: Db, event: AnyEvent, args: TeamJobMovement & { submitter: Hex }) {
  const { submitter, ...movement } = args;
  return move(db, event, event.id, { ...movement, kind: 'JobFunding', account: submitter }, { committed: args.amount });
}

/** TeamJobCredited: what a team job did not spend goes back to the balance; false if already recorded. */
export function creditTeamJob(db: Db, event: AnyEvent, row: TeamJob, args: TeamJobMovement) {
  return move(db, event, event.id, { ...args, kind: 'CreditBack', account: row.buyer }, { committed: -args.amount });
}

/** A team job's completion: what it earned the provider is spent (no balance moves). */
export async function spendTeamJob(db: Db, row: TeamJob, paid: bigint, timestamp: bigint) {
  await changeTotals(db, row.teamId, { committed: -paid, spent: paid }, timestamp);
}
