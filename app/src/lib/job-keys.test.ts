import { describe, expect, it } from 'vitest';
import { keyFileText } from 'agent-keeper/job-key';
import { keyFor, newJobKey, parseKeyFile, storeKey, storedKeys } from './job-keys.ts';

class MemoryStorage implements Storage {
  #items = new Map<string, string>();
  get length() { return this.#items.size; }
  clear() { this.#items.clear(); }
  getItem(key: string) { return this.#items.get(key) ?? null; }
  key(index: number) { return [...this.#items.keys()][index] ?? null; }
  removeItem(key: string) { this.#items.delete(key); }
  setItem(key: string, value: string) { this.#items.set(key, value); }
}

const MARKET = '0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9';

describe('job keys', () => {
  it('round-trips a key file and refuses one whose key is not its address', () => {
    const key = newJobKey(31337, MARKET);
    expect(parseKeyFile(keyFileText(key))).toEqual(key);
    const other = newJobKey(31337, MARKET);
    expect(() => parseKeyFile(JSON.stringify({ ...key, address: other.address }))).toThrow(/belongs to/);
    expect(() => parseKeyFile('nope')).toThrow(/not JSON/);
  });

  it('keeps keys per chain and market and finds a job key by controller', () => {
    const storage = new MemoryStorage();
    const here = newJobKey(31337, MARKET);
    const elsewhere = newJobKey(99999, MARKET);
    storeKey(storage, here);
    storeKey(storage, elsewhere);
    storeKey(storage, { ...here, jobId: '7' });
    expect(storedKeys(storage, 31337, MARKET)).toEqual([{ ...here, jobId: '7' }]);
    expect(keyFor(storage, here.address.toLowerCase())?.jobId).toBe('7');
  });
});
