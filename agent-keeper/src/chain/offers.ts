// Offers as the NectoMarket contract stores them, decoded once for both readers: the Necto sellers
// source (quotes) and the keeper's route checks (carriers).
import { BaseError, ContractFunctionRevertedError, hexToString } from 'viem';
import type { Address, Hex, PublicClient } from 'viem';
import { nectoMarketAbi } from '@necto/contracts';

export const ONCHAIN_PRICING = ['Fixed', 'Dynamic', 'Token', 'Spot', 'Auction'] as const;
export type OnchainPricing = (typeof ONCHAIN_PRICING)[number];
const CAPACITY = ['Available', 'Reserved', 'Offline'] as const;
const AREAS = [undefined, 'NA', 'SA', 'EU', 'APAC', 'MEA'] as const;

export type OnchainOffer = {
  offerId: number;
  providerId: number;
  gpuModel: string;
  gpuCount: number;
  gpusInUse: number;
  vramGb: number;
  country?: string;
  area?: 'NA' | 'SA' | 'EU' | 'APAC' | 'MEA';
  pricing: OnchainPricing;
  state: (typeof CAPACITY)[number];
  gateway: boolean;
  availableFrom: number;
  availableUntil: number;
  /** Micro-USD per GPU-hour, never zero: the exact price (Fixed), the floor (Dynamic), or the
   *  owner's committed USD ceiling (Token, and every gateway offer): a route may pay at most it. */
  price: bigint;
  demandSlopeBps: number;
  /** Micro-tokens per GPU-hour (Token). */
  tokenAmount: bigint;
  /** CoinGecko id (Token). */
  tokenId: string;
};

/** getOffer's struct as viem decodes it. */
export type RawOffer = {
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

export async function readOffers(client: PublicClient, market: Address): Promise<OnchainOffer[]> {
  const read = (functionName: string, args: unknown[] = []) =>
    client.readContract({ address: market, abi: nectoMarketAbi, functionName, args } as never) as Promise<unknown>;
  const count = Number(await read('offerCount'));
  const raw = (await Promise.all(Array.from({ length: count }, (_, i) => read('getOffer', [i + 1])))) as RawOffer[];
  return raw.map((o, i) => ({
    offerId: i + 1,
    providerId: o.providerId,
    gpuModel: ascii(o.gpuModel),
    gpuCount: o.gpuCount,
    gpusInUse: o.gpusInUse,
    vramGb: o.vramGb,
    ...region(o.country, o.area),
    pricing: ONCHAIN_PRICING[o.pricing] ?? 'Fixed',
    state: CAPACITY[o.state] ?? 'Offline',
    gateway: o.gateway,
    availableFrom: o.availableFrom,
    availableUntil: o.availableUntil,
    price: o.price,
    demandSlopeBps: o.demandSlopeBps,
    tokenAmount: o.tokenAmount,
    tokenId: ascii(o.tokenId),
  }));
}

/** ISO country (bytes2) and area (enum) as stored; absent parts are left out. */
export function region(country: Hex, area: number): { country?: string; area?: OnchainOffer['area'] } {
  const code = ascii(country);
  const name = AREAS[area];
  return { ...(code && { country: code }), ...(name && { area: name }) };
}

/** A left-aligned ASCII bytesN value without its zero padding. */
export function ascii(value: Hex): string {
  return hexToString(value).replace(/\0+$/, '');
}

/** What a person needs to read of a viem error: the contract's custom error with its arguments
 *  when a call reverted, else the first line of the short message. */
export function rpcErrorMessage(error: unknown): string {
  const revert = revertOf(error);
  if (revert) return `reverted with ${revert.errorName}(${(revert.args ?? []).map(String).join(', ')})`;
  return ((error as { shortMessage?: string }).shortMessage ?? (error as Error).message).split('\n')[0] ?? 'error';
}

/** The name of the custom error a contract call reverted with, if it did. */
export function revertName(error: unknown): string | undefined {
  return revertOf(error)?.errorName;
}

function revertOf(error: unknown): ContractFunctionRevertedError['data'] {
  const revert = error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null;
  return revert instanceof ContractFunctionRevertedError ? revert.data : undefined;
}
