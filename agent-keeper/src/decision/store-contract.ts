// What every decision store promises, whatever holds the bytes: `put` answers only once the bytes
// are durably stored, and `get` never trusts the backend — it recomputes the root of what it
// read. No Node-only dependency, so the browser verifier can share the error and the check.
import { decisionRoot, isDecisionRoot, whyUnrootable } from './root.ts';
import type { DecisionRoot } from './root.ts';

export interface DecisionStore {
  readonly kind: 'local' | '0g';
  /** Where records go, for logs and reports: "local store /repo/.necto/decisions". */
  describe(): string;
  /** Stores the bytes and returns their root, only after they are durably stored; throws otherwise. */
  put(bytes: Uint8Array): Promise<DecisionRoot>;
  /** The bytes stored under `root`, checked to hash to it; throws DecisionStoreError otherwise. */
  get(root: string): Promise<Uint8Array>;
}

export type DecisionStoreFailure =
  /** No record under that root in this store. */
  | 'not-found'
  /** Bytes read back do not hash to the root asked for (tampered, truncated or swapped). */
  | 'integrity'
  /** The backend failed: disk, network, the 0G indexer or chain. */
  | 'storage'
  /** The caller's input: a malformed root, or bytes that have no 0G root (empty). */
  | 'invalid';

export class DecisionStoreError extends Error {
  readonly failure: DecisionStoreFailure;

  constructor(failure: DecisionStoreFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DecisionStoreError';
    this.failure = failure;
  }
}

/** A root as given by a user or a chain read, checked and lower-cased (0G roots are lower-case). */
export function parseDecisionRoot(root: string): DecisionRoot {
  const normalized = root.trim().toLowerCase();
  if (!isDecisionRoot(normalized)) {
    throw new DecisionStoreError('invalid', `"${root}" is not a decision root (expected 0x and 64 hex digits)`);
  }
  return normalized;
}

/** The root of bytes about to be stored; bytes without one are the caller's error, not storage's. */
export async function rootForStoring(bytes: Uint8Array): Promise<DecisionRoot> {
  const unrootable = whyUnrootable(bytes);
  if (unrootable) throw new DecisionStoreError('invalid', `cannot store the record: ${unrootable}`);
  return decisionRoot(bytes);
}

/** Returns `bytes` if they hash to `root`; otherwise an integrity error naming both roots. */
export async function checkedRecord(bytes: Uint8Array, root: DecisionRoot, where: string): Promise<Uint8Array> {
  const unrootable = whyUnrootable(bytes);
  const actual = unrootable ? `no root: ${unrootable}` : await decisionRoot(bytes);
  if (actual !== root) {
    throw new DecisionStoreError('integrity', `record ${root} read from ${where} hashes to ${actual}`);
  }
  return bytes;
}
