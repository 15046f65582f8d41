// Verifying a job's decision in the browser, trusting neither the keeper nor this app's server:
// fetch the record's bytes, recompute their 0G root here, read the job from the chain, and let
// agent-keeper's verifier check format, chain and replay. Imported only through a dynamic
// import() (VerifyPanel), and the SDK only on the first root: neither is in any page's first
// load. In the browser the SDK's `crypto` is ./node-crypto.ts (vite.config.ts).
import { decisionRoot, whyUnrootable } from 'agent-keeper/decision-root';
import type { DecisionRecord } from 'agent-keeper/record';
import { verifyDecision } from 'agent-keeper/verify';
import type { ChainJobView, Check, VerifyReport } from 'agent-keeper/verify';
import type { OnchainJob } from '../market.ts';

export type { Check, VerifyReport };

/** The four steps, in the order they run; VerifyPanel shows each as it starts. */
export const VERIFY_STAGES = ['fetch', 'root', 'chain', 'replay'] as const;
export type VerifyStage = (typeof VERIFY_STAGES)[number];

export type JobVerification = VerifyReport & {
  /** Size of the record's bytes (what the root commits to). */
  size: number;
  /** The 0G root of those bytes as computed here (absent for bytes that have none). */
  computedRoot?: string;
  /** The job read from the chain, when one was. */
  job?: OnchainJob;
};

export type VerifyJobInput = {
  /** The root to verify: the job's decisionRoot as the chain holds it, or one given by the user. */
  root: string;
  keeper: { decisionBytes(root: string): Promise<Uint8Array> };
  readJob: (jobId: bigint) => Promise<OnchainJob>;
  /** The job the page is about. Absent: the job the record names, if any. */
  jobId?: bigint;
  onStage?: (stage: VerifyStage) => void;
  /** The 0G root function; the SDK's by default (tests may pass their own). */
  computeRoot?: (bytes: Uint8Array) => Promise<string>;
};

/** Nothing could be checked: the record could not be fetched (keeper unreachable, no such
 *  record) or its root not computed (the SDK did not load). */
export class VerifyJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'VerifyJobError';
  }
}

export async function verifyJobDecision({
  root,
  keeper,
  readJob,
  jobId,
  onStage,
  computeRoot = decisionRoot,
}: VerifyJobInput): Promise<JobVerification> {
  onStage?.('fetch');
  let bytes: Uint8Array;
  try {
    bytes = await keeper.decisionBytes(root);
  } catch (error) {
    throw new VerifyJobError(`could not fetch the record: ${messageOf(error)}`, { cause: error });
  }

  // The root first, on its own. Bytes with no 0G root fail the check; an SDK that does not load
  // is an error, not evidence against the record.
  onStage?.('root');
  const unrootable = whyUnrootable(bytes);
  if (unrootable) return { ok: false, root, size: bytes.length, checks: [{ name: 'root', ok: false, detail: unrootable }] };
  let actual: string;
  try {
    actual = await computeRoot(bytes);
  } catch (error) {
    throw new VerifyJobError(`could not compute the 0G root here: ${messageOf(error)}`, { cause: error });
  }

  onStage?.('chain');
  const named = jobNamedBy(bytes);
  const target = jobId ?? (named === undefined ? undefined : BigInt(named));
  let job: OnchainJob | undefined;
  let unread: string | undefined;
  if (target !== undefined) {
    try {
      job = await readJob(target);
    } catch (error) {
      unread = `could not read job ${target} from the chain: ${messageOf(error)}`;
    }
  }

  onStage?.('replay');
  const report = await verifyDecision({
    root,
    bytes,
    computeRoot: async () => actual,
    ...(job && { chainJob: chainView(job) }),
  });
  const checks = report.checks.map((check) => (check.name === 'chain' && unread ? { ...check, detail: unread } : check));
  if (jobId !== undefined && report.record) checks.push(sameJob(report.record, jobId));
  return { ...report, checks, ok: checks.every((c) => c.ok), size: bytes.length, computedRoot: actual, ...(job && { job }) };
}

/** The job as the verifier compares it with the record. */
export function chainView(job: OnchainJob): ChainJobView {
  return {
    status: job.status,
    offerId: job.offerId,
    pricePerGpuHour: job.pricePerGpuHour,
    decisionRoot: job.decisionRoot,
    mode: job.mode,
  };
}

/** The page's job must be the one the record decides: a root can be committed by one job only,
 *  but a root typed in by hand could belong to another. */
function sameJob(record: DecisionRecord, jobId: bigint): Check {
  const decided = record.job?.jobId;
  const ok = decided === jobId.toString();
  return {
    name: 'job',
    ok,
    detail: ok ? `the record decides job ${jobId}` : decided ? `the record decides job ${decided}, not job ${jobId}` : `the record decides no job, not job ${jobId}`,
  };
}

/** The job a record names, read loosely before the verifier checks the record properly. */
function jobNamedBy(bytes: Uint8Array): string | undefined {
  try {
    const id = (JSON.parse(new TextDecoder().decode(bytes)) as { job?: { jobId?: unknown } }).job?.jobId;
    return typeof id === 'string' && /^\d+$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
