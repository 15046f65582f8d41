// The decision root: the 0G Storage Merkle root of a record's bytes, the value posted on-chain.
// The SDK is loaded on first use, not at import, so a page or command that only might verify
// does not pay for it (in the browser it is a ~200 kB chunk with Node polyfills).

/** A 0G Storage root: 0x and 64 lower-case hex digits. */
export type DecisionRoot = `0x${string}`;

/** Bytes that have no unambiguous 0G root, or an SDK failure while computing it. */
export class DecisionRootError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DecisionRootError';
  }
}

const ROOT_PATTERN = /^0x[0-9a-f]{64}$/;

export function isDecisionRoot(value: unknown): value is DecisionRoot {
  return typeof value === 'string' && ROOT_PATTERN.test(value);
}

type ZeroGSdk = typeof import('@0glabs/0g-ts-sdk');
let sdk: Promise<ZeroGSdk> | undefined;

/** The SDK module, imported once; a failed import (a chunk that did not load) is tried again. */
function loadSdk(): Promise<ZeroGSdk> {
  sdk ??= import('@0glabs/0g-ts-sdk').catch((error: unknown) => {
    sdk = undefined;
    throw new DecisionRootError(`cannot load the 0G SDK: ${(error as Error).message}`, { cause: error });
  });
  return sdk;
}

/** Why `bytes` have no unambiguous root (see decisionRoot), or undefined when they have one. */
export function whyUnrootable(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'an empty record has no 0G root (0G Storage cannot store an empty file)';
  if (bytes[bytes.length - 1] === 0) {
    return 'a record ending in a zero byte has no unambiguous 0G root (the root does not cover trailing zero padding)';
  }
  return undefined;
}

/**
 * The 0G Storage Merkle root of `bytes` (`new MemData(bytes).merkleTree()` → `rootHash()`), the
 * same root the 0G network gives the file.
 *
 * Refuses two inputs the root cannot pin down. Empty bytes: the SDK builds no tree (0G cannot
 * store an empty file). Bytes ending in 0x00: the SDK pads the last chunk with zeros and the root
 * does not commit to the length, so `x` and `x + "\0"` share a root; canonical JSON never ends in
 * a zero byte, so refusing it makes one root name exactly one byte string.
 */
export async function decisionRoot(bytes: Uint8Array): Promise<DecisionRoot> {
  const unrootable = whyUnrootable(bytes);
  if (unrootable) throw new DecisionRootError(unrootable);
  const { MemData } = await loadSdk();
  const [tree, error] = await new MemData(bytes).merkleTree();
  const root = tree?.rootHash()?.toLowerCase();
  if (error || !isDecisionRoot(root)) {
    throw new DecisionRootError(`the 0G SDK computed no root for ${bytes.length} bytes: ${error?.message ?? `got ${root}`}`, {
      cause: error ?? undefined,
    });
  }
  return root;
}
