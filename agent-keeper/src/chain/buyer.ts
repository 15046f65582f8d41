// The buyer's side of the market: request a job (own funds by permit or approval, or a team's
// treasury), cancel one (as its buyer, or with an Untracked job's key by signature), and read jobs.
// The keeper's signer lives in market.ts; this module never routes and never holds the keeper key.
import { parseEventLogs, parseSignature } from 'viem';
import type { Address, Hex, LocalAccount } from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { localUsdcAbi, nectoMarketAbi } from '@necto/contracts';
import { ConfigError } from '../scan.ts';
import { connectAccountClient } from './account-client.ts';
import { describeRevert, explainRevert } from './buyer-errors.ts';
import type { RevertContext } from './buyer-errors.ts';
import { decodeJob } from './jobs.ts';
import type { RawJob } from './jobs.ts';
import { ChainError, JOB_STATUS, LOCAL_CHAIN_ID } from './market.ts';
import type { JobStatus, OnchainJob } from './market.ts';
import { JOB_ACTION, PERMIT_TYPES, depositFor, jobRequest } from './job-request.ts';
import { permitDomain, signJobAction } from './signatures.ts';
import type { JobTerms } from './job-request.ts';
import { ascii, rpcErrorMessage } from './offers.ts';

export type { OnchainJob };

/** anvil's default mnemonic; on chain 31337 its account 9 is the seeded buyer (script/Seed.s.sol). */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';
export const SEEDED_BUYER_INDEX = 9;

export type Funding = 'permit' | 'approve' | 'team';

/** A request checked against the chain (signed permit, simulated), ready to send. */
export type PreparedRequest = {
  deposit: bigint;
  funding: Funding;
  /** Sends it and waits for the receipt. */
  send(): Promise<{ jobId: bigint; txHash: Hex; block: bigint }>;
};

export type CancelOutcome = { jobId: bigint; refund: bigint; from: JobStatus; txHash: Hex; via: 'cancel' | 'cancelWithSig' };

export type Buyer = {
  chainId: number;
  rpcUrl: string;
  market: Address;
  usdc: Address;
  address: Address;
  readJob(jobId: bigint): Promise<OnchainJob>;
  /** The GPU model a job was requested with: getJob reads zero once an unrouted job is closed. */
  requestedGpuModel(jobId: bigint): Promise<string | undefined>;
  jobCount(): Promise<bigint>;
  depositOf(jobId: bigint): Promise<bigint>;
  usdcBalance(account: Address): Promise<bigint>;
  teamBalance(teamId: number): Promise<bigint>;
  /** Unix seconds as the chain counts them for the next transaction. */
  chainTime(): Promise<number>;
  prepareRequest(terms: JobTerms): Promise<PreparedRequest>;
  /** Cancels as the buyer, or, given the controlling job key, by its signature with the refund
   *  going to the buyer (the buyer pays the gas: the job key needs none). */
  cancel(jobId: bigint, jobKey?: Hex): Promise<CancelOutcome>;
};


/** Connects to NECTO_RPC_URL (local anvil by default) as NECTO_BUYER_KEY (the seeded buyer locally). */
export async function connectBuyer(env: NodeJS.ProcessEnv = process.env): Promise<Buyer> {
  const configuredKey = buyerKey(env);
  const { rpcUrl, chainId, account, chain, reader, wallet, market, chainTime, mined } = await connectAccountClient(env, (id) =>
    buyerAccount(configuredKey, id),
  );
  const usdc = await reader.readContract({ address: market, abi: nectoMarketAbi, functionName: 'usdc' }).catch((error: unknown) => {
    throw new ChainError(`cannot read the market at ${market} on chain ${chainId} (NECTO_MARKET_ADDRESS): ${rpcErrorMessage(error)}`);
  });

  const readJob = async (jobId: bigint): Promise<OnchainJob> => {
    const raw = await reader
      .readContract({ address: market, abi: nectoMarketAbi, functionName: 'getJob', args: [jobId] })
      .catch((error: unknown) => {
        throw new ChainError(explainRevert(error, { jobId, chainId, market }));
      });
    return decodeJob(jobId, raw);
  };

  /** An EIP-2612 permit for exactly the deposit, or undefined when the token takes none. */
  const signPermit = async (value: bigint) => {
    const [domain, nonce] = await Promise.all([
      permitDomain(reader, usdc, chainId),
      reader.readContract({ address: usdc, abi: localUsdcAbi, functionName: 'nonces', args: [account.address] }).catch(() => undefined),
    ]);
    if (!domain || nonce === undefined) return undefined;
    const deadline = BigInt((await chainTime()) + PERMIT_LIFETIME_SECONDS);
    const signature = await account.signTypedData({
      domain,
      types: PERMIT_TYPES,
      primaryType: 'Permit',
      message: { owner: account.address, spender: market, value, nonce, deadline },
    });
    const { r, s, v, yParity } = parseSignature(signature);
    return { deadline, v: Number(v ?? BigInt(yParity + 27)), r, s };
  };

  const simulate = async (functionName: string, args: readonly unknown[], context: RevertContext) => {
    try {
      await reader.simulateContract({ account, address: market, abi: nectoMarketAbi, functionName, args } as never);
    } catch (error) {
      throw new ChainError(explainRevert(error, context));
    }
  };

  const write = async (functionName: string, args: readonly unknown[], context: RevertContext) => {
    try {
      return await wallet.writeContract({ account, chain, address: market, abi: nectoMarketAbi, functionName, args } as never);
    } catch (error) {
      throw new ChainError(explainRevert(error, context));
    }
  };

  return {
    chainId,
    rpcUrl,
    market,
    usdc,
    address: account.address,
    readJob,
    async requestedGpuModel(jobId) {
      const logs = await reader.getContractEvents({
        address: market,
        abi: nectoMarketAbi,
        eventName: 'JobRequested',
        args: { jobId },
        fromBlock: 'earliest',
      });
      const model = logs[0]?.args.spec?.gpuModel;
      return model ? ascii(model) : undefined;
    },
    jobCount: () => reader.readContract({ address: market, abi: nectoMarketAbi, functionName: 'jobCount' }),
    depositOf: (jobId) => reader.readContract({ address: market, abi: nectoMarketAbi, functionName: 'depositOf', args: [jobId] }),
    usdcBalance: (who) => reader.readContract({ address: usdc, abi: localUsdcAbi, functionName: 'balanceOf', args: [who] }),
    async teamBalance(teamId) {
      const [balance] = await reader.readContract({ address: market, abi: nectoMarketAbi, functionName: 'teamFunds', args: [teamId] });
      return balance;
    },
    chainTime,

    async prepareRequest(terms) {
      const request = jobRequest(terms);
      const deposit = depositFor(terms);
      const context = { chainId, market, buyer: account.address, teamId: terms.teamId, deposit };
      const receiptOf = async (hash: Hex) => {
        const receipt = await mined(hash, 'request');
        const [requested] = parseEventLogs({ abi: nectoMarketAbi, eventName: 'JobRequested', logs: receipt.logs }).filter(
          (log) => log.address.toLowerCase() === market.toLowerCase(),
        );
        if (!requested) throw new ChainError(`request transaction ${hash} emitted no JobRequested event`);
        return { jobId: requested.args.jobId, txHash: hash, block: receipt.blockNumber };
      };

      if (terms.teamId !== 0) {
        await simulate('requestJob', [request], context);
        return { deposit, funding: 'team', send: async () => receiptOf(await write('requestJob', [request], context)) };
      }
      const permit = await signPermit(deposit);
      if (permit) {
        const args = [request, permit.deadline, permit.v, permit.r, permit.s] as const;
        await simulate('requestJobWithPermit', args, context);
        return { deposit, funding: 'permit', send: async () => receiptOf(await write('requestJobWithPermit', args, context)) };
      }
      // No permit: the approval is a transaction of its own, so the request can only be simulated
      // once it is mined; check the balance up front instead, so a short wallet approves nothing.
      const balance = await reader.readContract({ address: usdc, abi: localUsdcAbi, functionName: 'balanceOf', args: [account.address] });
      if (balance < deposit) {
        throw new ChainError(describeRevert({ errorName: 'ERC20InsufficientBalance', args: [account.address, balance, deposit] }, context));
      }
      return {
        deposit,
        funding: 'approve',
        send: async () => {
          const allowance = await reader.readContract({ address: usdc, abi: localUsdcAbi, functionName: 'allowance', args: [account.address, market] });
          if (allowance < deposit) {
            const hash = await wallet
              .writeContract({ account, chain, address: usdc, abi: localUsdcAbi, functionName: 'approve', args: [market, deposit] })
              .catch((error: unknown) => {
                throw new ChainError(`approving ${market} for the deposit failed: ${explainRevert(error, context)}`);
              });
            await mined(hash, 'approve');
          }
          await simulate('requestJob', [request], context);
          return receiptOf(await write('requestJob', [request], context));
        },
      };
    },

    async cancel(jobId, jobKey) {
      const job = await readJob(jobId);
      const context = { chainId, market, buyer: account.address, jobId, job, action: 'cancelled' as const };
      let functionName: 'cancel' | 'cancelWithSig';
      let args: readonly unknown[];
      if (jobKey) {
        const key = privateKeyToAccount(jobKey);
        const deadline = BigInt((await chainTime()) + SIGNATURE_LIFETIME_SECONDS);
        const signature = await signJobAction(reader, market, key, { jobId, action: JOB_ACTION.Cancel, recipient: account.address, deadline });
        functionName = 'cancelWithSig';
        args = [jobId, account.address, deadline, signature];
      } else {
        functionName = 'cancel';
        args = [jobId];
      }
      await simulate(functionName, args, context);
      const hash = await write(functionName, args, context);
      const receipt = await mined(hash, functionName);
      const [cancelled] = parseEventLogs({ abi: nectoMarketAbi, eventName: 'JobCancelled', logs: receipt.logs });
      if (!cancelled) throw new ChainError(`${functionName} transaction ${hash} emitted no JobCancelled event`);
      return {
        jobId,
        refund: cancelled.args.refund,
        from: JOB_STATUS[cancelled.args.from] ?? 'None',
        txHash: hash,
        via: functionName,
      };
    },
  };
}

/** NECTO_BUYER_KEY, checked before anything is asked of the chain. */
function buyerKey(env: NodeJS.ProcessEnv): Hex | undefined {
  const key = env.NECTO_BUYER_KEY;
  if (!key) return undefined;
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) {
    throw new ConfigError('NECTO_BUYER_KEY must be a 0x-prefixed 32-byte hex private key (66 characters)');
  }
  return key as Hex;
}

/** The configured key, or on the local chain the seeded buyer (anvil account 9). */
function buyerAccount(key: Hex | undefined, chainId: number): LocalAccount {
  if (key) return privateKeyToAccount(key);
  if (chainId === LOCAL_CHAIN_ID) return mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: SEEDED_BUYER_INDEX });
  throw new ConfigError(`NECTO_BUYER_KEY is required on chain ${chainId}: the buyer's 0x-prefixed 32-byte private key`);
}


/** A permit or a cancel signature outlives a slow confirmation, not much more. */
const PERMIT_LIFETIME_SECONDS = 3600;
const SIGNATURE_LIFETIME_SECONDS = 3600;
