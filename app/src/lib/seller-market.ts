// The seller's writes, each through Market.send (simulated first, progress shown, a refusal in
// words), and the on-chain reads the seller pages need fresh: current prices, GPUs in use, the
// withdrawable balance.
import { nectoMarketAbi } from '@necto/contracts';
import { parseEventLogs } from 'viem';
import type { Address, Hex } from 'viem';
import type { Market, TxStep } from './market.ts';
import type { OfferParams, PricingArgs } from './seller-form.ts';

type OnStep = (step: TxStep) => void;

export class SellerMarket {
  readonly #market: Market;
  constructor(market: Market) {
    this.#market = market;
  }

  /** Registers the wallet as a seller; the new provider id, from its ProviderRegistered event. */
  async register(payout: Address, metadataURI: string, onStep: OnStep): Promise<number> {
    const { receipt, hash } = await this.#market.send({ what: 'Register as a provider', contract: 'market', functionName: 'registerProvider', args: [payout, metadataURI] }, onStep);
    const [registered] = parseEventLogs({ abi: nectoMarketAbi, eventName: 'ProviderRegistered', logs: receipt.logs });
    if (!registered) throw new Error(`the registration ${hash} emitted no ProviderRegistered event`);
    return Number(registered.args.providerId);
  }

  updateProvider(providerId: number, payout: Address, metadataURI: string, onStep: OnStep) {
    return this.#market.send({ what: 'Update the profile', contract: 'market', functionName: 'updateProvider', args: [providerId, payout, metadataURI] }, onStep);
  }

  /** Lists an offer; its id, from its OfferAdded event. */
  async addOffer(providerId: number, params: OfferParams, onStep: OnStep): Promise<number> {
    const { receipt, hash } = await this.#market.send({ what: 'List the offer', contract: 'market', functionName: 'addOffer', args: [providerId, params] }, onStep);
    const [added] = parseEventLogs({ abi: nectoMarketAbi, eventName: 'OfferAdded', logs: receipt.logs });
    if (!added) throw new Error(`the listing ${hash} emitted no OfferAdded event`);
    return Number(added.args.offerId);
  }

  setPricing(offerId: number, p: PricingArgs, onStep: OnStep) {
    return this.#market.send({ what: `Reprice offer ${offerId}`, contract: 'market', functionName: 'setPricing', args: [offerId, p.pricing, p.price, p.demandSlopeBps, p.tokenId, p.tokenAmount] }, onStep);
  }

  setCapacity(offerId: number, state: number, gpuCount: number, onStep: OnStep) {
    return this.#market.send({ what: `Set the capacity of offer ${offerId}`, contract: 'market', functionName: 'setCapacity', args: [offerId, state, gpuCount] }, onStep);
  }

  setAvailability(offerId: number, availableFrom: number, availableUntil: number, onStep: OnStep) {
    return this.#market.send({ what: `Move the window of offer ${offerId}`, contract: 'market', functionName: 'setAvailability', args: [offerId, availableFrom, availableUntil] }, onStep);
  }

  startJob(jobId: bigint, onStep: OnStep) {
    return this.#market.send({ what: `Start job ${jobId}`, contract: 'market', functionName: 'startJob', args: [jobId] }, onStep, { jobId });
  }

  /** Completes a job; what the payout address earned, net of the fee (its JobCompleted event). */
  async completeJob(jobId: bigint, usedSeconds: number, onStep: OnStep): Promise<{ earnings: bigint; hash: Hex }> {
    const { receipt, hash } = await this.#market.send({ what: `Complete job ${jobId}`, contract: 'market', functionName: 'completeJob', args: [jobId, usedSeconds] }, onStep, { jobId });
    const [completed] = parseEventLogs({ abi: nectoMarketAbi, eventName: 'JobCompleted', logs: receipt.logs });
    if (!completed) throw new Error(`the completion ${hash} emitted no JobCompleted event`);
    return { earnings: completed.args.providerEarnings, hash };
  }

  withdraw(to: Address, onStep: OnStep) {
    return this.#market.send({ what: 'Withdraw the earnings', contract: 'market', functionName: 'withdraw', args: [to] }, onStep);
  }

  currentPrice(offerId: number): Promise<bigint> {
    return this.#read<bigint>('currentPrice', [offerId]);
  }

  /** GPUs reserved by routed and running jobs now, as the contract counts them. */
  async gpusInUse(offerId: number): Promise<number> {
    return Number((await this.#read<{ gpusInUse: number }>('getOffer', [offerId])).gpusInUse);
  }

  earningsOf(account: Address): Promise<bigint> {
    return this.#read<bigint>('earningsOf', [account]);
  }

  #read<T>(functionName: string, args: readonly unknown[]): Promise<T> {
    return this.#market.reader.readContract({ address: this.#market.address, abi: nectoMarketAbi, functionName, args } as never) as Promise<T>;
  }
}
