// What every handler shares: the database handle, the parts of an event the tables record, and
// the lookups of rows an event refers to.
import type { Context } from 'ponder:registry';
import { job, offer } from 'ponder:schema';

export type Db = Context['db'];
export type Hex = `0x${string}`;
export type AnyEvent = {
  id: string;
  block: { number: bigint; timestamp: bigint };
  log: { logIndex: number };
  transaction: { hash: Hex };
};

/** The block, log, transaction and time columns of an event-sourced row (schema `eventSource`). */
export function meta(event: AnyEvent) {
  return {
    block: event.block.number,
    logIndex: event.log.logIndex,
    tx: event.transaction.hash,
    timestamp: event.block.timestamp,
  };
}

export async function requireJob(db: Db, id: bigint) {
  const row = await db.find(job, { id });
  if (!row) throw new Error(`Job ${id} has an event but was never requested`);
  return row;
}

export async function requireOffer(db: Db, id: number) {
  const row = await db.find(offer, { id });
  if (!row) throw new Error(`Offer ${id} has an event but was never added`);
  return row;
}

export type JobRow = Awaited<ReturnType<typeof requireJob>>;
