// Untracked jobs' keys in this browser. A key alone controls its job, so it is generated here,
// downloaded by the buyer (the file `necto request --untracked` writes, agent-keeper/job-key)
// before anything is sent, and kept in this browser's storage to list and cancel the job later.
import { KEY_WARNING, parseJobKey } from 'agent-keeper/job-key';
import type { JobKeyFile } from 'agent-keeper/job-key';
import type { Address } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';

export type JobKey = JobKeyFile;
const STORAGE_KEY = 'necto.jobKeys';

export function newJobKey(chainId: number, market: Address): JobKey {
  const privateKey = generatePrivateKey();
  return { warning: KEY_WARNING, privateKey, address: privateKeyToAccount(privateKey).address, chainId, market, createdAt: new Date().toISOString() };
}

/** A key file chosen by the buyer, checked; the error says what is wrong with it. */
export function parseKeyFile(text: string): JobKey {
  try {
    return parseJobKey(text);
  } catch (error) {
    throw new Error(`that file is ${(error as Error).message.replace(/^its /, 'a key file whose ')}`);
  }
}

export function storedKeys(storage: Storage, chainId: number, market: Address): JobKey[] {
  return all(storage).filter((k) => k.chainId === chainId && k.market.toLowerCase() === market.toLowerCase());
}

export function storeKey(storage: Storage, key: JobKey): void {
  const keys = all(storage).filter((k) => k.address.toLowerCase() !== key.address.toLowerCase());
  storage.setItem(STORAGE_KEY, JSON.stringify([...keys, key]));
}

export function keyFor(storage: Storage, controller: string): JobKey | undefined {
  return all(storage).find((k) => k.address.toLowerCase() === controller.toLowerCase());
}

function all(storage: Storage): JobKey[] {
  try {
    const parsed = JSON.parse(storage.getItem(STORAGE_KEY) ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as JobKey[]) : [];
  } catch {
    return [];
  }
}
