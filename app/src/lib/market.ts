// The market contract as the app uses it: reads through a public client on the app's RPC, writes
// through the connected wallet, each write simulated first so a call the contract would refuse is
// never sent, and every revert decoded into one sentence (agent-keeper's buyer errors).
import { localUsdcAbi, nectoMarketAbi, teamAccessAbi } from '@necto/contracts';
import { JOB_ACTION, PERMIT_TYPES, depositFor, jobRequest } from 'agent-keeper/job-request';
import type { JobTerms } from 'agent-keeper/job-request';
import { decodeJob } from 'agent-keeper/jobs';
import type { OnchainJob, RawJob } from 'agent-keeper/jobs';
import { explainRevert } from 'agent-keeper/revert';
import type { RevertContext } from 'agent-keeper/revert';
import { permitDomain, signJobAction } from 'agent-keeper/signatures';
import { createPublicClient, http, parseEventLogs, parseSignature } from 'viem';
import type { Address, Hex, PublicClient, TransactionReceipt } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { AppConfig } from './app-config.ts';
import type { Wallet } from './wallet.svelte.ts';

export type { JobTerms, OnchainJob };
export { depositFor };

/** Where a write is: the app shows each step as it happens. */
export type TxStep =
  | { step: 'signing'; what: string }
  | { step: 'sending'; what: string }
  | { step: 'pending'; what: string; hash: Hex }
  | { step: 'confirmed'; what: string; hash: Hex; block: bigint };

export class TxError extends Error {
  readonly hash: Hex | undefined;
  constructor(message: string, hash?: Hex) {
    super(message);
    this.name = 'TxError';
    this.hash = hash;
  }
}

/** A write to one of the app's contracts, named for the progress line. */
export type Call = { what: string; contract: 'market' | 'teamAccess' | 'usdc'; functionName: string; args: readonly unknown[] };

const SIGNATURE_LIFETIME_SECONDS = 3600;

export class Market {
  readonly reader: PublicClient;
  readonly address: Address;
  readonly usdc: Address;
  readonly teamAccess: Address;
  readonly chainId: number;
  readonly #wallet: Wallet;

  constructor(app: AppConfig, wallet: Wallet) {
    this.reader = createPublicClient({ chain: wallet.chain, transport: http(app.rpcUrl, { batch: true }), pollingInterval: 250 });
    this.address = app.contracts.market;
    this.usdc = app.contracts.usdc;
    this.teamAccess = app.contracts.teamAccess;
    this.chainId = app.chainId;
    this.#wallet = wallet;
  }

  /** The connected account, or undefined. */
  get account(): Address | undefined {
    return this.#wallet.address;
  }

  /** Any write to the market, the team registry or the token: simulated first, its revert in words. */
  send(call: Call, onStep: (step: TxStep) => void, context: Partial<RevertContext> = {}): Promise<{ receipt: TransactionReceipt; hash: Hex }> {
    const targets = { market: [this.address, nectoMarketAbi], teamAccess: [this.teamAccess, teamAccessAbi], usdc: [this.usdc, localUsdcAbi] } as const;
    const [address, abi] = targets[call.contract];
    return this.#send(call.what, address, abi, call.functionName, call.args, this.#context(context), onStep);
  }

  /** Lets the market pull `amount` of the wallet's USDC, approving only when the allowance is short. */
  async ensureAllowance(amount: bigint, onStep: (step: TxStep) => void): Promise<void> {
    const owner = await this.#account();
    const allowance = await this.reader.readContract({ address: this.usdc, abi: localUsdcAbi, functionName: 'allowance', args: [owner, this.address] });
    if (allowance < amount) await this.send({ what: 'Approve the USDC', contract: 'usdc', functionName: 'approve', args: [this.address, amount] }, onStep);
  }

  #context(extra: Partial<RevertContext> = {}): RevertContext {
    return { chainId: this.chainId, market: this.address, ...(this.#wallet.address && { buyer: this.#wallet.address }), ...extra };
  }

  async readJob(jobId: bigint): Promise<OnchainJob> {
    try {
      const raw = await this.reader.readContract({ address: this.address, abi: nectoMarketAbi, functionName: 'getJob', args: [jobId] });
      return decodeJob(jobId, raw as RawJob);
    } catch (error) {
      throw new TxError(explainRevert(error, this.#context({ jobId })));
    }
  }

  usdcBalance(account: Address): Promise<bigint> {
    return this.reader.readContract({ address: this.usdc, abi: localUsdcAbi, functionName: 'balanceOf', args: [account] });
  }

  refundDue(jobId: bigint): Promise<bigint> {
    return this.reader.readContract({ address: this.address, abi: nectoMarketAbi, functionName: 'refundDue', args: [jobId] });
  }

  /** A team treasury: its balance, what counts against its cap now, and the largest deposit a
   *  team job could commit now (the cap applied). */
  async teamFunds(teamId: number): Promise<{ balance: bigint; windowSpend: bigint; spendable: bigint; cap: bigint }> {
    const [balance, windowSpend, cap, spendable] = await this.reader.readContract({ address: this.address, abi: nectoMarketAbi, functionName: 'teamFunds', args: [teamId] });
    return { balance, windowSpend, spendable, cap };
  }

  /** Unix seconds as the next block will see them. */
  async chainTime(): Promise<number> {
    const latest = Number((await this.reader.getBlock()).timestamp);
    return Math.max(latest + 1, Math.floor(Date.now() / 1000));
  }

  /** Requests a job: from the team's treasury, or the wallet's USDC by permit in the same
   *  transaction (an approval first where the token takes no permit). */
  async request(terms: JobTerms, onStep: (step: TxStep) => void): Promise<{ jobId: bigint; hash: Hex }> {
    const request = jobRequest(terms);
    const deposit = depositFor(terms);
    const context = this.#context({ teamId: terms.teamId, deposit });
    const withJob = (receipt: TransactionReceipt, hash: Hex) => {
      const [requested] = parseEventLogs({ abi: nectoMarketAbi, eventName: 'JobRequested', logs: receipt.logs });
      if (!requested) throw new TxError(`the request ${hash} emitted no JobRequested event`, hash);
      return { jobId: requested.args.jobId, hash };
    };
    if (terms.teamId !== 0) {
      const { receipt, hash } = await this.#write('Request the job', 'requestJob', [request], context, onStep);
      return withJob(receipt, hash);
    }
    const owner = await this.#account();
    const domain = await permitDomain(this.reader, this.usdc, this.chainId);
    if (domain) {
      const nonce = await this.reader.readContract({ address: this.usdc, abi: localUsdcAbi, functionName: 'nonces', args: [owner] });
      const deadline = BigInt((await this.chainTime()) + SIGNATURE_LIFETIME_SECONDS);
      onStep({ step: 'signing', what: `Sign the USDC permit for exactly ${deposit} base units` });
      const wallet = await this.#wallet.client();
      let signature: Hex;
      try {
        signature = await wallet.signTypedData({
          account: owner,
          domain,
          types: PERMIT_TYPES,
          primaryType: 'Permit',
          message: { owner, spender: this.address, value: deposit, nonce, deadline },
        });
      } catch (error) {
        throw new TxError(`the permit was not signed: ${explainRevert(error, context)}`);
      }
      const { r, s, v, yParity } = parseSignature(signature);
      const args = [request, deadline, Number(v ?? BigInt(yParity + 27)), r, s] as const;
      const { receipt, hash } = await this.#write('Request the job', 'requestJobWithPermit', args, context, onStep);
      return withJob(receipt, hash);
    }
    const allowance = await this.reader.readContract({ address: this.usdc, abi: localUsdcAbi, functionName: 'allowance', args: [owner, this.address] });
    if (allowance < deposit) await this.#send('Approve the deposit', this.usdc, localUsdcAbi, 'approve', [this.address, deposit], context, onStep);
    const { receipt, hash } = await this.#write('Request the job', 'requestJob', [request], context, onStep);
    return withJob(receipt, hash);
  }

  /** Cancels as the buyer, or with an Untracked job's key (its signature; the wallet pays gas and
   *  receives the refund). */
  async cancel(jobId: bigint, onStep: (step: TxStep) => void, jobKey?: Hex): Promise<Hex> {
    const job = await this.readJob(jobId);
    const context = this.#context({ jobId, job, action: 'cancelled' });
    if (!jobKey) return (await this.#write('Cancel the job', 'cancel', [jobId], context, onStep)).hash;
    const args = await this.#keySigned(jobId, JOB_ACTION.Cancel, jobKey, onStep);
    return (await this.#write('Cancel the job', 'cancelWithSig', args, context, onStep)).hash;
  }

  /** Claims what is due after completion or expiry, as the buyer or with the job key. */
  async claimRefund(jobId: bigint, onStep: (step: TxStep) => void, jobKey?: Hex): Promise<Hex> {
    const context = this.#context({ jobId });
    if (!jobKey) return (await this.#write('Claim the refund', 'claimRefund', [jobId], context, onStep)).hash;
    const args = await this.#keySigned(jobId, JOB_ACTION.ClaimRefund, jobKey, onStep);
    return (await this.#write('Claim the refund', 'claimRefundWithSig', args, context, onStep)).hash;
  }

  async #keySigned(jobId: bigint, action: number, jobKey: Hex, onStep: (step: TxStep) => void) {
    const recipient = await this.#account();
    const deadline = BigInt((await this.chainTime()) + SIGNATURE_LIFETIME_SECONDS);
    onStep({ step: 'signing', what: 'Signing with the job key (in this browser)' });
    const signature = await signJobAction(this.reader, this.address, privateKeyToAccount(jobKey), { jobId, action, recipient, deadline });
    return [jobId, recipient, deadline, signature] as const;
  }

  async #account(): Promise<Address> {
    const client = await this.#wallet.client();
    const account = client.account?.address ?? this.#wallet.address;
    if (!account) throw new TxError('connect a wallet first');
    return account;
  }

  #write(what: string, functionName: string, args: readonly unknown[], context: RevertContext, onStep: (step: TxStep) => void) {
    return this.#send(what, this.address, nectoMarketAbi, functionName, args, context, onStep);
  }

  async #send(what: string, address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[], context: RevertContext, onStep: (step: TxStep) => void) {
    const account = await this.#account();
    const call = { account, address, abi, functionName, args } as never;
    try {
      await this.reader.simulateContract(call);
    } catch (error) {
      throw new TxError(explainRevert(error, context));
    }
    onStep({ step: 'sending', what });
    const wallet = await this.#wallet.client();
    let hash: Hex;
    try {
      hash = await wallet.writeContract({ ...(call as object), chain: this.#wallet.chain } as never);
    } catch (error) {
      throw new TxError(explainRevert(error, context));
    }
    onStep({ step: 'pending', what, hash });
    const receipt = await this.reader.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new TxError(`${what}: the transaction ${hash} reverted`, hash);
    onStep({ step: 'confirmed', what, hash, block: receipt.blockNumber });
    return { receipt, hash };
  }
}
