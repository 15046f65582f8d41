// Untracked jobs' keys in this browser. A key alone controls its job, so it is generated here,
// downloaded by the buyer (the same file format as `necto request --untracked` writes) before
// anything is sent, and kept in this browser's storage to list and cancel the job later.
import { isAddress, isHex } from 'viem';
import type { Address, Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';

export type JobKey = {
  warning: string;
  privateKey: Hex;
  address: Address;
  chainId: number;
  market: Address;
  createdAt: string;
  jobId?: string;
  requestTx?: Hex;
};

const STORAGE_KEY = 'necto.jobKeys';

export const KEY_WARNING =
  'This private key alone controls the Necto job: whoever holds it can cancel the job and have the refund ' +
  'paid to any address. Keep it secret, and keep it until the job is settled.';

export function newJobKey(chainId: number, market: Address): JobKey {
  const privateKey = generatePrivateKey();
  return { warning: KEY_WARNING, privateKey, address: privateKeyToAccount(privateKey).address, chainId, market, createdAt: new Date().toISOString() };
}

export function keyFileName(key: Pick<JobKey, 'address'>): string {
  return `necto-job-key-${key.address}.json`;
}

export function keyFileContents(key: JobKey): string {
  return `${JSON.stringify(key, null, 2)}\n`;
}

/** A key file's text, checked: the private key must belong to the address it names. */
export function parseKeyFile(text: string): JobKey {
  let parsed: Partial<JobKey>;
  try {
    parsed = JSON.parse(text) as Partial<JobKey>;
  } catch {
    throw new Error('that file is not JSON: choose a necto-job-key-0x….json file');
  }
  const { privateKey, address } = parsed;
  if (!isHex(privateKey) || privateKey.length !== 66 || !address || !isAddress(address)) {
    throw new Error('that file is not a Necto job key: it needs "privateKey" (0x + 64 hex) and "address"');
  }
  if (privateKeyToAccount(privateKey).address.toLowerCase() !== address.toLowerCase()) {
    throw new Error(`its private key belongs to ${privateKeyToAccount(privateKey).address}, not to ${address}`);
  }
  return parsed as JobKey;
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
