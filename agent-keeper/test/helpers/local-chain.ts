// What an end-to-end test does to the local anvil chain besides the keeper: start a seeded one, act
// as the seeded accounts (anvil keeps their keys unlocked), ask the contract what it would do, and
// move time.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createPublicClient, createTestClient, createWalletClient, http } from 'viem';
import type { Abi, Address } from 'viem';
import { nectoMarketAbi } from '@necto/contracts';
import { freePort, startStack } from '../../../script/test/stack.ts';

const REPO = resolve(import.meta.dirname, '../../..');

export type LocalChain = ReturnType<typeof localChain>;

export function localChain(rpcUrl: string, market: Address) {
  const chain = {
    id: 31337,
    name: 'anvil',
    nativeCurrency: { name: 'ETH', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  };
  const transport = http(rpcUrl, { retryCount: 0 });
  const reader = createPublicClient({ chain, transport });
  const wallet = createWalletClient({ chain, transport });
  const anvil = createTestClient({ chain, mode: 'anvil', transport });
  return {
    /** Sends a transaction from an unlocked account and waits for its success. */
    async send(from: Address, functionName: string, args: unknown[], to: Address = market, abi: Abi = nectoMarketAbi as Abi) {
      const hash = await wallet.writeContract({ account: from, address: to, abi, functionName, args, chain } as never);
      const receipt = await reader.waitForTransactionReceipt({ hash });
      assert.equal(receipt.status, 'success', `${functionName} reverted`);
    },
    /** What the market would do with this call from `from`, without sending it. */
    simulate(from: Address, functionName: string, args: unknown[]) {
      return reader.simulateContract({ account: from, address: market, abi: nectoMarketAbi, functionName, args } as never);
    },
    read<T>(functionName: string, args: unknown[] = []): Promise<T> {
      return reader.readContract({ address: market, abi: nectoMarketAbi, functionName, args } as never) as Promise<T>;
    },
    async latestTimestamp(): Promise<number> {
      return Number((await reader.getBlock()).timestamp);
    },
    /** Moves the chain's clock forward and mines a block at the new time. */
    async advance(seconds: number) {
      await anvil.increaseTime({ seconds });
      await anvil.mine({ blocks: 1 });
    },
  };
}

/**
 * `npm start`'s program on a free port (no keeper unless `env` turns it on), for a test: its seed,
 * its deployment and a `localChain` on it; stopped and its deployments folder removed after `t`.
 */
export async function seededChain(t: { after(fn: () => void): void }, tag: string, env: Record<string, string> = {}) {
  const port = await freePort();
  const deploymentsDir = `deployments/.test-${tag}-${process.pid}`;
  const stack = startStack(port, deploymentsDir, env);
  t.after(() => {
    if (stack.child.exitCode === null && stack.child.signalCode === null) stack.child.kill('SIGINT');
    rmSync(join(REPO, deploymentsDir), { recursive: true, force: true });
  });
  await stack.ready;
  const read = (name: string) => JSON.parse(readFileSync(join(REPO, deploymentsDir, name), 'utf8'));
  const seed = read('31337.seed.json');
  const deployment = read('31337.json');
  const market = deployment.contracts.NectoMarket as Address;
  const rpcUrl = `http://127.0.0.1:${port}`;
  return { seed, deployment, market, rpcUrl, chain: localChain(rpcUrl, market) };
}
