// What an end-to-end test does to the local anvil chain besides the keeper: act as the seeded
// accounts (anvil keeps their keys unlocked), ask the contract what it would do, and move time.
import assert from 'node:assert/strict';
import { createPublicClient, createTestClient, createWalletClient, http } from 'viem';
import type { Abi, Address } from 'viem';
import { nectoMarketAbi } from '@necto/contracts';

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
