// A gateway operator's side of the market: the jobs routed to its gateways' offers, and the two
// reports it owes for each (start, then completion with the seconds used). Every call is simulated
// first, so a report the contract would refuse is explained and never sent.
import { createPublicClient, createWalletClient, http, parseEventLogs } from 'viem';
import type { Address, Hex, LocalAccount } from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { nectoMarketAbi } from '@necto/contracts';
import type { GatewayProvider } from '../gateways/operator-queue.ts';
import { nectoMarketAddress } from '../sources/necto.ts';
import { ConfigError } from '../scan.ts';
import { ANVIL_MNEMONIC } from './buyer.ts';
import { explainRevert } from './buyer-errors.ts';
import { ChainError } from './errors.ts';
import { LOCAL_CHAIN_ID } from './market.ts';
import { decodeJob } from './jobs.ts';
import type { OnchainJob, RawJob } from './jobs.ts';
import { ascii, readOffers, rpcErrorMessage } from './offers.ts';
import type { OnchainOffer } from './offers.ts';

/** anvil's account 0: the local chain's protocol admin, which operates the seeded gateways. */
const SEEDED_OPERATOR_INDEX = 0;

export type Settled = { jobId: bigint; usedSeconds: number; payout: Address; providerEarnings: bigint; protocolFee: bigint; buyerRefundDue: bigint; txHash: Hex };

export type Operator = {
  chainId: number;
  market: Address;
  address: Address;
  /** Chain time of the next block, unix seconds. */
  chainTime(): Promise<number>;
  jobs(): Promise<OnchainJob[]>;
  offers(): Promise<OnchainOffer[]>;
  /** The gateways this operator owns. */
  gateways(): Promise<GatewayProvider[]>;
  start(jobId: bigint): Promise<Hex>;
  complete(jobId: bigint, usedSeconds: number): Promise<Settled>;
};

export async function connectOperator(env: NodeJS.ProcessEnv = process.env): Promise<Operator> {
  const rpcUrl = env.NECTO_RPC_URL || 'http://127.0.0.1:8545';
  const key = operatorKey(env);
  const transport = http(rpcUrl, { retryCount: 0, batch: true });
  const probe = createPublicClient({ transport });
  const chainId = await probe.getChainId().catch((error: unknown) => {
    throw new ChainError(`cannot reach the chain at ${rpcUrl} (NECTO_RPC_URL; is \`npm start\` running?): ${rpcErrorMessage(error)}`);
  });
  const account = operatorAccount(key, chainId);
  const chain = { id: chainId, name: `chain ${chainId}`, nativeCurrency: { name: 'ETH', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } };
  const reader = createPublicClient({ chain, transport, pollingInterval: 250 });
  const wallet = createWalletClient({ account, chain, transport, pollingInterval: 250 });
  let market: Address;
  try {
    market = nectoMarketAddress({ ...env, NECTO_CHAIN_ID: String(chainId) });
  } catch (error) {
    throw new ChainError((error as Error).message);
  }
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    reader.readContract({ address: market, abi: nectoMarketAbi, functionName, args } as never) as Promise<T>;

  const send = async (functionName: 'startJob' | 'completeJob', args: readonly unknown[], jobId: bigint) => {
    const context = { chainId, market, jobId };
    const call = { account, address: market, abi: nectoMarketAbi, functionName, args } as never;
    try {
      await reader.simulateContract(call);
    } catch (error) {
      throw new ChainError(explainRevert(error, context));
    }
    const hash = await wallet.writeContract({ ...(call as object), chain } as never).catch((error: unknown) => {
      throw new ChainError(explainRevert(error, context));
    });
    const receipt = await reader.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new ChainError(`${functionName} transaction ${hash} reverted`);
    return { hash, receipt };
  };

  return {
    chainId,
    market,
    address: account.address,
    async chainTime() {
      const latest = Number((await reader.getBlock()).timestamp);
      return Math.max(latest + 1, Math.floor(Date.now() / 1000));
    },
    async jobs() {
      const count = Number(await read<bigint>('jobCount'));
      const raw = await Promise.all(Array.from({ length: count }, (_, i) => read<RawJob>('getJob', [BigInt(i + 1)])));
      return raw.map((job, i) => decodeJob(BigInt(i + 1), job));
    },
    offers: () => readOffers(reader, market),
    async gateways() {
      const count = Number(await read<number>('providerCount'));
      const providers = await Promise.all(Array.from({ length: count }, (_, i) => read<{ owner: Address; sourceTag: Hex }>('getProvider', [i + 1])));
      return providers.flatMap((p, i) => {
        const sourceTag = ascii(p.sourceTag);
        return sourceTag && p.owner.toLowerCase() === account.address.toLowerCase() ? [{ providerId: i + 1, sourceTag }] : [];
      });
    },
    async start(jobId) {
      return (await send('startJob', [jobId], jobId)).hash;
    },
    async complete(jobId, usedSeconds) {
      const { hash, receipt } = await send('completeJob', [jobId, usedSeconds], jobId);
      const [completed] = parseEventLogs({ abi: nectoMarketAbi, eventName: 'JobCompleted', logs: receipt.logs });
      if (!completed) throw new ChainError(`completeJob transaction ${hash} emitted no JobCompleted event`);
      const { usedSeconds: used, payout, providerEarnings, protocolFee, buyerRefundDue } = completed.args;
      return { jobId, usedSeconds: Number(used), payout, providerEarnings, protocolFee, buyerRefundDue, txHash: hash };
    },
  };
}

function operatorKey(env: NodeJS.ProcessEnv): Hex | undefined {
  const key = env.NECTO_OPERATOR_KEY;
  if (!key) return undefined;
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new ConfigError('NECTO_OPERATOR_KEY must be a 0x-prefixed 32-byte hex private key (66 characters)');
  return key as Hex;
}

function operatorAccount(key: Hex | undefined, chainId: number): LocalAccount {
  if (key) return privateKeyToAccount(key);
  if (chainId === LOCAL_CHAIN_ID) return mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: SEEDED_OPERATOR_INDEX });
  throw new ConfigError(`NECTO_OPERATOR_KEY is required on chain ${chainId}: the gateway operator's 0x-prefixed 32-byte private key`);
}
