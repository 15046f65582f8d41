// The key of an Untracked job, on disk. It alone controls the job (cancel, refund to any recipient
// it names), so it is written, synced and readable by its owner only before the request is sent,
// and never overwritten.
import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isAddress, isHex } from 'viem';
import type { Address, Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ChainError } from '../chain/market.ts';

export type JobKeyFile = {
  warning: string;
  privateKey: Hex;
  address: Address;
  chainId: number;
  market: Address;
  createdAt: string;
  /** Set once the request is mined. */
  jobId?: string;
  requestTx?: Hex;
};

const KEY_FILE_PATTERN = /^necto-job-key-0x[0-9a-fA-F]{40}\.json$/;
const OWNER_ONLY = 0o600;

export const KEY_WARNING =
  'This private key alone controls the Necto job: whoever holds it can cancel the job and have the refund ' +
  'paid to any address. Keep it secret, and keep it until the job is settled.';

export function defaultKeyFilePath(address: Address, dir = process.cwd()): string {
  return join(dir, `necto-job-key-${address}.json`);
}

/** Creates the file (failing if it exists) with owner-only permissions and syncs it to disk. */
export function writeNewKeyFile(path: string, key: JobKeyFile): void {
  try {
    writeSynced(path, key);
  } catch (error) {
    throw new ChainError(`cannot write the job key to ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): nothing was sent`);
  }
}

/** Adds the job id and request transaction: a new file renamed over the old, so a crash leaves one
 *  complete file or the other. */
export function annotateKeyFile(path: string, extra: Pick<JobKeyFile, 'jobId' | 'requestTx'>): void {
  const current = readKeyFile(path);
  const temporary = `${path}.${process.pid}.tmp`;
  writeSynced(temporary, { ...current, ...extra });
  renameSync(temporary, path);
}

export function readKeyFile(path: string): JobKeyFile {
  let parsed: Partial<JobKeyFile>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ChainError(`cannot read the job key file ${path}: ${code ?? 'not JSON'}`);
  }
  const { privateKey, address } = parsed;
  if (!isHex(privateKey) || privateKey.length !== 66 || !address || !isAddress(address)) {
    throw new ChainError(`${path} is not a necto job key file: it needs "privateKey" (0x + 64 hex) and "address"`);
  }
  if (privateKeyToAccount(privateKey).address.toLowerCase() !== address.toLowerCase()) {
    throw new ChainError(`${path}: its private key belongs to ${privateKeyToAccount(privateKey).address}, not to ${address}`);
  }
  return parsed as JobKeyFile;
}

/** The readable job key files of one chain and market in `dir` (others' and broken ones are skipped). */
export function keyFilesIn(dir: string, chainId: number, market: Address): { path: string; key: JobKeyFile }[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => KEY_FILE_PATTERN.test(name));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    try {
      const key = readKeyFile(path);
      return key.chainId === chainId && key.market.toLowerCase() === market.toLowerCase() ? [{ path, key }] : [];
    } catch {
      return [];
    }
  });
}

function writeSynced(path: string, key: JobKeyFile): void {
  const fd = openSync(path, 'wx', OWNER_ONLY);
  try {
    writeSync(fd, `${JSON.stringify(key, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
