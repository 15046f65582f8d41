// Sellers listed on Necto itself: offers read from the NectoMarket contract. Fixed offers quote
// their price, Dynamic offers the on-chain current price (floor + demand), Token offers a token
// amount per GPU-hour converted at the CoinGecko rate, which may not exceed the seller's committed
// USD ceiling (a route above it reverts). Gateway offers are skipped: the external networks are
// quoted by their own adapters.
import { createPublicClient, http } from 'viem';
import type { Address, PublicClient } from 'viem';
import { deployments, nectoMarketAbi } from '@necto/contracts';
import { memoryOf, resolveGpuModel } from '../gpu-models.ts';
import { formatPrice, tokenPerGpuHour, usdPerGpuHour } from '../normalize.ts';
import { readOffers, rpcErrorMessage } from '../chain/offers.ts';
import type { OnchainOffer } from '../chain/offers.ts';
import type { Quote, Rejection } from '../quote.ts';
import { SourceError } from './source.ts';
import type { Source, SourceContext, SourceResult } from './source.ts';

/** The market to read: NECTO_MARKET_ADDRESS, or the deployment of NECTO_CHAIN_ID (default 31337). */
export function nectoMarketAddress(env: NodeJS.ProcessEnv = process.env): Address {
  return nectoDeployment(env).address;
}

/** The market and the block its history starts at: NECTO_MARKET_ADDRESS and NECTO_START_BLOCK
 *  (default 0), or the deployment of NECTO_CHAIN_ID (default 31337). */
export function nectoDeployment(env: NodeJS.ProcessEnv = process.env): { address: Address; startBlock: bigint } {
  const startBlock = env.NECTO_START_BLOCK;
  if (startBlock !== undefined && startBlock !== '' && !/^\d+$/.test(startBlock)) {
    throw new SourceError(`NECTO_START_BLOCK must be a block number (got "${startBlock}")`);
  }
  const chainId = Number(env.NECTO_CHAIN_ID ?? 31337);
  const deployment = (deployments as Record<number, { startBlock: number; contracts: { NectoMarket: Address } }>)[chainId];
  if (env.NECTO_MARKET_ADDRESS) {
    const sameAsDeployed = deployment?.contracts.NectoMarket.toLowerCase() === env.NECTO_MARKET_ADDRESS.toLowerCase();
    return {
      address: env.NECTO_MARKET_ADDRESS as Address,
      startBlock: BigInt(startBlock || (sameAsDeployed ? deployment.startBlock : 0)),
    };
  }
  if (!deployment) throw new SourceError(`no Necto deployment for chain ${chainId}: set NECTO_MARKET_ADDRESS`);
  return { address: deployment.contracts.NectoMarket, startBlock: BigInt(startBlock || deployment.startBlock) };
}

export const necto: Source = {
  id: 'necto',
  label: 'Necto sellers',
  liveBaseUrl: 'http://127.0.0.1:8545',
  urlEnv: 'NECTO_RPC_URL',
  async fetchQuotes(context: SourceContext): Promise<SourceResult> {
    const market = nectoMarketAddress();
    const client = createPublicClient({
      transport: http(context.baseUrl, { batch: true, retryCount: 0, fetchOptions: { signal: context.signal } }),
    });
    const read = <T>(functionName: string, args: unknown[] = []) =>
      client.readContract({ address: market, abi: nectoMarketAbi, functionName, args } as never) as Promise<T>;

    let offers: OnchainOffer[];
    try {
      offers = await readOffers(client as PublicClient, market);
    } catch (error) {
      throw new SourceError(`cannot read the market at ${market} on ${context.baseUrl}: ${rpcErrorMessage(error)}`);
    }
    const dynamicPrices = new Map(
      await Promise.all(
        offers
          .filter((o) => o.pricing === 'Dynamic' && !o.gateway)
          .map(async (o) => [o.offerId, await read<bigint>('currentPrice', [o.offerId])] as const),
      ),
    );

    const quotes: Quote[] = [];
    const rejected: Rejection[] = [];
    for (const offer of offers) {
      if (offer.gateway) continue;
      const offerId = String(offer.offerId);
      const vendorGpuName = offer.gpuModel;
      const reject = (reason: string) => rejected.push({ source: 'necto', offerId, vendorGpuName, reason });
      const gpuModel = resolveGpuModel(vendorGpuName);
      if (!gpuModel) {
        reject(`unknown GPU "${vendorGpuName}"`);
        continue;
      }
      const priced = await price(offer, dynamicPrices.get(offer.offerId), context);
      if ('reason' in priced) {
        reject(priced.reason);
        continue;
      }
      const inWindow =
        offer.availableFrom <= context.now && (offer.availableUntil === 0 || offer.availableUntil > context.now);
      quotes.push({
        source: 'necto',
        offerId,
        provider: `necto:${offer.providerId}`,
        gpuModel,
        vendorGpuName,
        unitGpus: 1,
        availableGpus: offer.state === 'Available' && inWindow ? offer.gpuCount - offer.gpusInUse : 0,
        vramGb: offer.vramGb || memoryOf(gpuModel),
        region: { ...(offer.country && { country: offer.country }), ...(offer.area && { area: offer.area }) },
        observedAt: context.now,
        sourceUrl: `${context.baseUrl}#${market}`,
        ...priced,
      });
    }
    return { quotes, rejected };
  },
};

type Priced = Pick<Quote, 'pricingModel' | 'raw' | 'effectiveMicroUsdPerGpuHour' | 'tokenRate' | 'note'>;

async function price(
  offer: OnchainOffer,
  dynamicPrice: bigint | undefined,
  context: SourceContext,
): Promise<Priced | { reason: string }> {
  if (offer.pricing === 'Fixed' || offer.pricing === 'Dynamic') {
    const micro = offer.pricing === 'Dynamic' ? dynamicPrice : offer.price;
    const usd = usdPerGpuHour(Number(micro ?? 0n) / 1e6);
    if (!usd.ok) return { reason: usd.reason };
    return {
      pricingModel: 'fixed',
      raw: { value: String(micro), unit: 'micro-USD/GPU-hour', currency: 'USD' },
      effectiveMicroUsdPerGpuHour: usd.microUsd,
      ...(offer.pricing === 'Dynamic' && {
        note: `dynamic: floor ${offer.price} micro-USD + ${offer.demandSlopeBps / 100}% x utilization (${offer.gpusInUse}/${offer.gpuCount} GPUs in use)`,
      }),
    };
  }
  if (offer.pricing === 'Token') {
    const tokenId = offer.tokenId;
    const rate = await context.tokenRate(tokenId);
    if ('error' in rate) return { reason: rate.error };
    const usd = tokenPerGpuHour(Number(offer.tokenAmount) / 1e6, rate.usd);
    if (!usd.ok) return { reason: usd.reason };
    const ceiling = Number(offer.price);
    if (usd.microUsd > ceiling) {
      return {
        reason:
          `converted price ${formatPrice(usd.microUsd)}/GPU-h (${offer.tokenAmount} micro-${tokenId} at $${rate.usd}) ` +
          `is above the seller's USD ceiling ${formatPrice(ceiling)}/GPU-h`,
      };
    }
    return {
      pricingModel: 'token',
      raw: { value: String(offer.tokenAmount), unit: `micro-${tokenId}/GPU-hour`, currency: tokenId },
      effectiveMicroUsdPerGpuHour: usd.microUsd,
      tokenRate: rate,
      note: `quoted in the token, settled in USDC at this rate (seller's USD ceiling ${formatPrice(ceiling)}/GPU-h)`,
    };
  }
  return { reason: `pricing model ${offer.pricing} is for gateways only` };
}
