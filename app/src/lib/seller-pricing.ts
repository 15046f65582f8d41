// What an offer's pricing reads as, and a Token offer's USD value at a rate, converted as the
// keeper converts it (agent-keeper normalize: tokens x USD, snapped, rounded to micro-USD).
import { usdPerGpuHour } from './format.ts';
import { tokenIdText } from './seller-form.ts';
import type { SellerOffer } from './seller-data.ts';

export function tokenUsdMicro(microTokens: bigint, usdPerToken: number): number {
  return Math.round(Number(((Number(microTokens) / 1_000_000) * usdPerToken * 1_000_000).toPrecision(15)));
}

/** Micro-tokens as tokens, exactly: 450000 -> "0.45". */
export function tokens(microTokens: bigint | string): string {
  const value = BigInt(microTokens);
  const fraction = (value % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return `${value / 1_000_000n}${fraction ? `.${fraction}` : ''}`;
}

/** "Fixed $2.10", "Dynamic floor $1.50 + 25% at full use", "Token 0.45 render-token, ceiling $1.50". */
export function pricingSummary(offer: Pick<SellerOffer, 'pricing' | 'price' | 'demandSlopeBps' | 'tokenId' | 'tokenAmount'>): string {
  const price = usdPerGpuHour(BigInt(offer.price));
  if (offer.pricing === 'Dynamic') return `Dynamic: floor ${price} + ${offer.demandSlopeBps / 100}% at full use`;
  if (offer.pricing === 'Token') return `Token: ${tokens(offer.tokenAmount)} ${tokenIdText(offer.tokenId)}/GPU-h, ceiling ${price}`;
  return `${offer.pricing}: ${price}`;
}
