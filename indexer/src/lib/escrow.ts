// The escrow's books: every movement of escrowed USDC, the pull-payment balances of payout
// addresses and the protocol treasury, and where fees accrue.
import { earningsAccount, escrowMovement, protocolSetting } from 'ponder:schema';
import { lower } from './decode.ts';
import { meta } from './source.ts';
import type { AnyEvent, Db, Hex } from './source.ts';

/** The id of the single protocolSetting row (fee, treasury, pause, pending admin changes). */
export const PROTOCOL_ID = 'protocol';

export type EscrowKind = 'Deposit' | 'EarningCredit' | 'FeeCredit' | 'Refund' | 'CancelRefund' | 'Withdrawal';

export async function addEscrowMovement(
  db: Db,
  event: AnyEvent,
  kind: EscrowKind,
  values: { jobId?: bigint; account: Hex | null; teamId?: number | null; amount: bigint; idSuffix?: string },
) {
  await db
    .insert(escrowMovement)
    .values({
      id: values.idSuffix ? `${event.id}-${values.idSuffix}` : event.id,
      kind,
      jobId: values.jobId ?? null,
      account: values.account === null ? null : lower(values.account),
      teamId: values.teamId ?? null,
      amount: values.amount,
      ...meta(event),
    })
    .onConflictDoNothing();
}

/** Where protocol fees accrue now; null before the first ProtocolFeeUpdated. */
export async function feeTreasury(db: Db): Promise<Hex | null> {
  const settings = await db.find(protocolSetting, { id: PROTOCOL_ID });
  return settings?.treasury ?? null;
}

/** Adds (positive `amount`) or withdraws (negative) pull-payment earnings. */
export async function changeEarnings(db: Db, account: Hex, amount: bigint, timestamp: bigint) {
  const credited = amount > 0n ? amount : 0n;
  const withdrawn = amount < 0n ? -amount : 0n;
  await db
    .insert(earningsAccount)
    .values({ id: lower(account), credited, withdrawn, balance: amount, updatedAt: timestamp })
    .onConflictDoUpdate((row) => ({
      credited: row.credited + credited,
      withdrawn: row.withdrawn + withdrawn,
      balance: row.balance + amount,
      updatedAt: timestamp,
    }));
}
