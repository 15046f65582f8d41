// A gateway operator's side of the market: the jobs routed to its gateways' offers, and the two
// reports it owes for each (start, then completion with the seconds used). Every call is simulated
// first, so a report the contract would refuse is explained and never sent.
import { parseEventLogs } from 'viem';
import type { Address, Hex, LocalAccount } from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { nectoMarketAbi } from '@necto/contracts';
import type { GatewayProvider } from '../gateways/operator-queue.ts';
import { ConfigError } from '../scan.ts';
import { connectAccountClient } from './account-client.ts';
import { ANVIL_MNEMONIC } from './buyer.ts';
import { explainRevert } from './buyer-errors.ts';
import { ChainError } from './errors.ts';
import { LOCAL_CHAIN_ID } from './market.ts';
import { decodeJob } from './jobs.ts';
import type { OnchainJob, RawJob } from './jobs.ts';
import { ascii, readOffers } from './offers.ts';
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
  job(jobId: bigint): Promise<OnchainJob>;
  jobs(): Promise<OnchainJob[]>;
  /** What the job runs, as its request named and pinned it (the JobRequested event). */
  workload(jobId: bigint): Promise<{ uri: string; hash: Hex }>;
  offers(): Promise<OnchainOffer[]>;
  /** The gateways this operator owns. */
  gateways(): Promise<GatewayProvider[]>;
  start(jobId: bigint): Promise<Hex>;
  complete(jobId: bigint, usedSeconds: number): Promise<Settled>;
};

export async function connectOperator(env: NodeJS.ProcessEnv = process.env): Promise<Operator> {
  const key = operatorKey(env);
  const { chainId, account, chain, reader, wallet, market, chainTime, mined } = await connectAccountClient(env, (id) => operatorAccount(key, id));
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    reader.readContract({ address: market, abi: nectoMarketAbi, functionName, args } as never) as Promise<T>;

  const send = async (functionName: 'startJob' | 'completeJob', args: readonly unknown[], jobId: bigint) => {
    const context = { chainId, market, jobId };
    const call = { account, address: market, abi: nectoMarketAbi, functionName, args } as never;
    try {
      // Against the pending block: a completion counts time up to the block it lands in, and a
      // chain that mines only on demand (anvil) may have a latest block long past.
      await reader.simulateContract({ ...(call as object), blockTag: 'pending' } as never);
    } catch (error) {
      throw new ChainError(explainRevert(error, context));
    }
    const hash = await wallet.writeContract({ ...(call as object), chain } as never).catch((error: unknown) => {
      throw new ChainError(explainRevert(error, context));
    });
    return { hash, receipt: await mined(hash, functionName) };
  };

  return {
    chainId,
    market,
    address: account.address,
    chainTime,
    async job(jobId) {
      const raw = await read<RawJob>('getJob', [jobId]).catch((error: unknown) => {
        throw new ChainError(explainRevert(error, { chainId, market, jobId }));
      });
      return decodeJob(jobId, raw);
    },
    async jobs() {
      const count = Number(await read<bigint>('jobCount'));
      const raw = await Promise.all(Array.from({ length: count }, (_, i) => read<RawJob>('getJob', [BigInt(i + 1)])));
      return raw.map((job, i) => decodeJob(BigInt(i + 1), job));
    },
    async workload(jobId) {
      const [requested] = await reader.getContractEvents({ address: market, abi: nectoMarketAbi, eventName: 'JobRequested', args: { jobId }, fromBlock: 'earliest' });
      if (!requested?.args.spec) throw new ChainError(`job ${jobId} has no JobRequested event on chain ${chainId}`);
      return { uri: requested.args.spec.workloadURI, hash: requested.args.spec.workloadHash };
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
