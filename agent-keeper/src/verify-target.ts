// Verifying a decision named by its job or its root: read the root from the chain when given a
// job, fetch the record from the store, and check it against its root, the chain and a replay.
import { ChainError } from './chain/market.ts';
import type { Market } from './chain/market.ts';
import { decisionRoot } from './decision/root.ts';
import type { DecisionStore } from './decision/store.ts';
import { verifyDecision } from './decision/verify.ts';
import type { Check, VerifyReport } from './decision/verify.ts';

/** `target`: a job id (decimal) or a 0x root. `connect` is called only when the chain is needed. */
export async function verifyTarget(
  target: string,
  store: DecisionStore,
  connect: () => Promise<Market>,
): Promise<VerifyReport> {
  const failed = (root: string, check: Check): VerifyReport => ({ ok: false, root, checks: [check] });
  let market: Market | undefined;
  let root = target;
  if (/^\d+$/.test(target)) {
    market = await connect();
    const job = await market.readJob(BigInt(target));
    if (/^0x0+$/.test(job.decisionRoot)) {
      const yet = job.status === 'Requested' ? ' yet' : '';
      return failed('', { name: 'job', ok: false, detail: `job ${target} is ${job.status}: no decision root on-chain${yet}` });
    }
    root = job.decisionRoot;
  }
  let bytes: Uint8Array;
  try {
    bytes = await store.get(root as `0x${string}`);
  } catch (error) {
    return failed(root, { name: 'fetch', ok: false, detail: `${(error as Error).message} (${store.describe()})` });
  }
  let chainJob;
  const recordJobId = jobIdIn(bytes);
  if (recordJobId !== undefined) {
    try {
      market ??= await connect();
      chainJob = await market.readJob(BigInt(recordJobId));
    } catch (error) {
      if (!(error instanceof ChainError)) throw error;
    }
  }
  return verifyDecision({ root, bytes, computeRoot: decisionRoot, ...(chainJob && { chainJob }) });
}

/** The job a record names, read loosely: the verifier checks the record properly afterwards. */
function jobIdIn(bytes: Uint8Array): string | undefined {
  try {
    const id = (JSON.parse(new TextDecoder().decode(bytes)) as { job?: { jobId?: unknown } }).job?.jobId;
    return typeof id === 'string' && /^\d+$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
