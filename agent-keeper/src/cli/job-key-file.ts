// The key of an Untracked job, on disk. It alone controls the job (cancel, refund to any recipient
// it names), so it is written, synced and readable by its owner only before the request is sent,
// and never overwritten.
import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Address } from 'viem';
import { KEY_FILE_PATTERN, keyFileName, keyFileText, parseJobKey } from '../chain/job-key.ts';
import type { JobKeyFile } from '../chain/job-key.ts';
import { ChainError } from '../chain/market.ts';

const OWNER_ONLY = 0o600;

export function defaultKeyFilePath(address: Address, dir = process.cwd()): string {
  return join(dir, keyFileName(address));
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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ChainError(`cannot read the job key file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return parseJobKey(text);
  } catch (error) {
    throw new ChainError(`${path}: ${(error as Error).message}`);
  }
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
    writeSync(fd, keyFileText(key));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
