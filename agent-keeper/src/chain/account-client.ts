// A person's connection to the market (a buyer, a gateway operator): the chain at NECTO_RPC_URL,
// the market of that chain, and a wallet for one account. Every failure is a one-line ChainError
// naming the variable to check.
import { createPublicClient, createWalletClient, http } from 'viem';
import type { Address, Hex, LocalAccount, PublicClient, TransactionReceipt, WalletClient } from 'viem';
import { nectoMarketAddress } from '../sources/necto.ts';
import { ChainError } from './errors.ts';
import { rpcErrorMessage } from './offers.ts';

/** viem polls receipts every 4 s by default: a person waits on each one here. */
const RECEIPT_POLL_MS = 250;

export type AccountClient = {
  rpcUrl: string;
  chainId: number;
  account: LocalAccount;
  chain: NonNullable<WalletClient['chain']>;
  reader: PublicClient;
  wallet: WalletClient;
  market: Address;
  /** Unix seconds as the chain counts them for the next transaction. */
  chainTime(): Promise<number>;
  /** The receipt of a sent transaction, which must have succeeded. */
  mined(hash: Hex, what: string): Promise<TransactionReceipt>;
};

/** `accountOf` picks the account once the chain is known (a configured key, or anvil's locally). */
export async function connectAccountClient(env: NodeJS.ProcessEnv, accountOf: (chainId: number) => LocalAccount): Promise<AccountClient> {
  const rpcUrl = env.NECTO_RPC_URL || 'http://127.0.0.1:8545';
  const transport = http(rpcUrl, { retryCount: 0, batch: true });
  let chainId: number;
  try {
    chainId = await createPublicClient({ transport }).getChainId();
  } catch (error) {
    throw new ChainError(`cannot reach the chain at ${rpcUrl} (NECTO_RPC_URL; is \`npm start\` running?): ${rpcErrorMessage(error)}`);
  }
  const account = accountOf(chainId);
  const chain = {
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: 'ETH', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  };
  const reader = createPublicClient({ chain, transport, pollingInterval: RECEIPT_POLL_MS });
  const wallet = createWalletClient({ account, chain, transport, pollingInterval: RECEIPT_POLL_MS });
  let market: Address;
  try {
    market = nectoMarketAddress({ ...env, NECTO_CHAIN_ID: String(chainId) });
  } catch (error) {
    throw new ChainError((error as Error).message);
  }
  return {
    rpcUrl,
    chainId,
    account,
    chain,
    reader: reader as PublicClient,
    wallet,
    market,
    async chainTime() {
      const latest = Number((await reader.getBlock()).timestamp);
      return Math.max(latest + 1, Math.floor(Date.now() / 1000));
    },
    async mined(hash, what) {
      const receipt = await reader.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') throw new ChainError(`${what} transaction ${hash} reverted`);
      return receipt;
    },
  };
}
