// Sellers listed on Necto itself: offers read from the NectoMarket contract. Fixed offers quote
// their price, Dynamic offers the on-chain current price (floor + demand), Token offers a token
// amount per GPU-hour converted at the CoinGecko rate. Gateway offers are skipped: the external
// networks are quoted by their own adapters.
import { createPublicClient, hexToString, http } from 'viem';
import type { Address, Hex } from 'viem';
import { deployments, nectoMarketAbi } from '@necto/contracts';
import { memoryOf, resolveGpuModel } from '../gpu-models.ts';
import { tokenPerGpuHour, usdPerGpuHour } from '../normalize.ts';
import type { Area, Quote, Rejection } from '../quote.ts';
import { SourceError } from './source.ts';
import type { Source, SourceContext, SourceResult } from './source.ts';

const AREAS: (Area | undefined)[] = [undefined, 'NA', 'SA', 'EU', 'APAC', 'MEA'];
const FIXED = 0;
const DYNAMIC = 1;
const TOKEN = 2;
const AVAILABLE = 0;

/** The market to read: NECTO_MARKET_ADDRESS, or the deployment of NECTO_CHAIN_ID (default 31337). */
export function nectoMarketAddress(env: NodeJS.ProcessEnv = process.env): Address {
  if (env.NECTO_MARKET_ADDRESS) return env.NECTO_MARKET_ADDRESS as Address;
  const chainId = Number(env.NECTO_CHAIN_ID ?? 31337);
  const deployment = (deployments as Record<number, { contracts: { NectoMarket: Address } }>)[chainId];
  if (!deployment) throw new SourceError(`no Necto deployment for chain ${chainId}: set NECTO_MARKET_ADDRESS`);
  return deployment.contracts.NectoMarket;
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

    let offerCount: number;
    try {
      offerCount = Number(await read<number>('offerCount'));
    } catch (error) {
      throw new SourceError(`cannot read the market at ${market} on ${context.baseUrl}: ${shortError(error)}`);
    }
    const ids = Array.from({ length: offerCount }, (_, i) => i + 1);
    const offers = await Promise.all(ids.map((id) => read<OnchainOffer>('getOffer', [id])));
    const dynamicPrices = new Map(
      await Promise.all(
        ids
          .filter((_, i) => offers[i]?.pricing === DYNAMIC && !offers[i]?.gateway)
          .map(async (id) => [id, await read<bigint>('currentPrice', [id])] as const),
      ),
    );

    const quotes: Quote[] = [];
    const rejected: Rejection[] = [];
    for (const [index, offer] of offers.entries()) {
      if (offer.gateway) continue;
      const offerId = String(index + 1);
      const vendorGpuName = ascii(offer.gpuModel);
      const reject = (reason: string) => rejected.push({ source: 'necto', offerId, vendorGpuName, reason });
      const gpuModel = resolveGpuModel(vendorGpuName);
      if (!gpuModel) {
        reject(`unknown GPU "${vendorGpuName}"`);
        continue;
      }
      const priced = await price(offer, dynamicPrices.get(index + 1), context);
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
        availableGpus: offer.state === AVAILABLE && inWindow ? offer.gpuCount - offer.gpusInUse : 0,
        vramGb: offer.vramGb || memoryOf(gpuModel),
        region: region(offer),
        observedAt: context.now,
        sourceUrl: `${context.baseUrl}#${market}`,
        ...priced,
      });
    }
    return { quotes, rejected };
  },
};

type OnchainOffer = {
  providerId: number;
  gpuModel: Hex;
  gpuCount: number;
  gpusInUse: number;
  vramGb: number;
  country: Hex;
  area: number;
  pricing: number;
  state: number;
  gateway: boolean;
  availableFrom: number;
  availableUntil: number;
  price: bigint;
  demandSlopeBps: number;
  tokenAmount: bigint;
  tokenId: Hex;
};

type Priced = Pick<Quote, 'pricingModel' | 'raw' | 'effectiveMicroUsdPerGpuHour' | 'tokenRate' | 'note'>;

async function price(
  offer: OnchainOffer,
  dynamicPrice: bigint | undefined,
  context: SourceContext,
): Promise<Priced | { reason: string }> {
  if (offer.pricing === FIXED || offer.pricing === DYNAMIC) {
    const micro = offer.pricing === DYNAMIC ? dynamicPrice : offer.price;
    const usd = usdPerGpuHour(Number(micro ?? 0n) / 1e6);
    if (!usd.ok) return { reason: usd.reason };
    return {
      pricingModel: 'fixed',
      raw: { value: String(micro), unit: 'micro-USD/GPU-hour', currency: 'USD' },
      effectiveMicroUsdPerGpuHour: usd.microUsd,
      ...(offer.pricing === DYNAMIC && {
        note: `dynamic: floor ${offer.price} micro-USD + ${offer.demandSlopeBps / 100}% x utilization (${offer.gpusInUse}/${offer.gpuCount} GPUs in use)`,
      }),
    };
  }
  if (offer.pricing === TOKEN) {
    const tokenId = ascii(offer.tokenId);
    const rate = await context.tokenRate(tokenId);
    if ('error' in rate) return { reason: rate.error };
    const usd = tokenPerGpuHour(Number(offer.tokenAmount) / 1e6, rate.usd);
    if (!usd.ok) return { reason: usd.reason };
    return {
      pricingModel: 'token',
      raw: { value: String(offer.tokenAmount), unit: `micro-${tokenId}/GPU-hour`, currency: tokenId },
      effectiveMicroUsdPerGpuHour: usd.microUsd,
      tokenRate: rate,
      note: 'quoted in the token, settled in USDC at this rate',
    };
  }
  return { reason: `pricing model ${offer.pricing} is for gateways only` };
}

function region(offer: OnchainOffer): Quote['region'] {
  const country = ascii(offer.country);
  const area = AREAS[offer.area];
  return { ...(country && { country }), ...(area && { area }) };
}

/** A left-aligned ASCII bytesN value without its zero padding. */
function ascii(value: Hex): string {
  return hexToString(value).replace(/\0+$/, '');
}

function shortError(error: unknown): string {
  return ((error as { shortMessage?: string }).shortMessage ?? (error as Error).message).split('\n')[0] ?? 'error';
}
