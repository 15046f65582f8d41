// An Untracked job's key as a file: the one format `necto request --untracked` writes and the app
// downloads, so either can cancel or claim with the other's file. The key alone controls its job.
import { isAddress, isHex } from 'viem';
import type { Address, Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

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

export const KEY_WARNING =
  'This private key alone controls the Necto job: whoever holds it can cancel the job and have the refund ' +
  'paid to any address. Keep it secret, and keep it until the job is settled.';

export const KEY_FILE_PATTERN = /^necto-job-key-0x[0-9a-fA-F]{40}\.json$/;

export function keyFileName(address: Address): string {
  return `necto-job-key-${address}.json`;
}

export function keyFileText(key: JobKeyFile): string {
  return `${JSON.stringify(key, null, 2)}\n`;
}

/** A key file's contents, checked: the private key must belong to the address it names. Throws an
 *  Error saying what is wrong. */
export function parseJobKey(text: string): JobKeyFile {
  let parsed: Partial<JobKeyFile>;
  try {
    parsed = JSON.parse(text) as Partial<JobKeyFile>;
  } catch {
    throw new Error('not JSON');
  }
  const { privateKey, address } = parsed;
  if (!isHex(privateKey) || privateKey.length !== 66 || !address || !isAddress(address)) {
    throw new Error('not a necto job key file: it needs "privateKey" (0x + 64 hex) and "address"');
  }
  const owner = privateKeyToAccount(privateKey).address;
  if (owner.toLowerCase() !== address.toLowerCase()) throw new Error(`its private key belongs to ${owner}, not to ${address}`);
  return parsed as JobKeyFile;
}
