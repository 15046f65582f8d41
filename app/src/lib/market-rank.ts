// Where a price would stand among today's offers for one GPU model on the keeper's market board.
import type { MarketRow } from 'agent-keeper/market-board';

export type Rank = { position: number; total: number; text: string };

/** On the board a Necto offer is the quote `necto:<offerId>`. */
export function nectoQuoteKey(offerId: number | string): string {
  return `necto:${offerId}`;
}

/** Ranks `microUsd` among the other offers for `gpuModel` (the offer itself left out when given);
 *  a tie ranks level with the offers it ties. */
export function rankPrice(rows: readonly Pick<MarketRow, 'quote' | 'gpuModel' | 'microUsdPerGpuHour'>[], gpuModel: string, microUsd: number, ownQuote?: string): Rank {
  const others = rows.filter((row) => row.gpuModel === gpuModel && row.quote !== ownQuote);
  const position = 1 + others.filter((row) => row.microUsdPerGpuHour < microUsd).length;
  const total = others.length + 1;
  if (!others.length) return { position, total, text: `no other ${gpuModel} offer today` };
  if (position === 1) return { position, total, text: `cheapest of ${total} ${gpuModel} offers` };
  return { position, total, text: `${ordinal(position)} of ${total} ${gpuModel} offers` };
}

export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}
