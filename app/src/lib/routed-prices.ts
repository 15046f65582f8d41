// The indexer's routes as chart series: one per GPU model, each point a route's price.
import type { IndexedOffer, RoutedPrice } from './indexer.ts';

export type PriceSeries = { label: string; points: { t: number; usd: number }[] };

export function routedSeries({ prices, offers }: { prices: RoutedPrice[]; offers: IndexedOffer[] }): PriceSeries[] {
  const modelOf = new Map(offers.map((o) => [o.id, o.gpuModel]));
  const byModel = new Map<string, PriceSeries['points']>();
  for (const p of prices) {
    const model = modelOf.get(p.offerId);
    if (!model || p.pricePerGpuHour === null) continue;
    const points = byModel.get(model) ?? [];
    points.push({ t: Number(p.timestamp), usd: Number(p.pricePerGpuHour) / 1_000_000 });
    byModel.set(model, points);
  }
  return [...byModel].sort(([a], [b]) => a.localeCompare(b)).map(([label, points]) => ({ label, points }));
}
