// The market table's rows: filtered, sorted and summarized in one pass each, pure, so the page
// stays responsive with thousands of quotes and the URL can carry the whole view.
import type { MarketRow } from 'agent-keeper/market-board';

export type { MarketRow };

export type SortKey = 'price' | 'gpu' | 'source' | 'age' | 'available';
export const SORT_KEYS: readonly SortKey[] = ['price', 'gpu', 'source', 'age', 'available'];

export type MarketFilter = {
  gpu: string;
  /** An area (EU, NA, ...) or an ISO country code; '' for anywhere. */
  region: string;
  pricing: string;
  /** Dollars per GPU-hour; undefined for no limit. */
  maxPrice: number | undefined;
  sort: SortKey;
  descending: boolean;
};

export const NO_FILTER: MarketFilter = { gpu: '', region: '', pricing: '', maxPrice: undefined, sort: 'price', descending: false };

export function filterRows(rows: readonly MarketRow[], filter: MarketFilter): MarketRow[] {
  const maxMicro = filter.maxPrice === undefined ? Infinity : Math.round(filter.maxPrice * 1_000_000);
  return rows.filter(
    (row) =>
      (!filter.gpu || row.gpuModel === filter.gpu) &&
      (!filter.pricing || row.pricingModel === filter.pricing) &&
      (!filter.region || row.area === filter.region || row.country === filter.region) &&
      row.microUsdPerGpuHour <= maxMicro,
  );
}

const COMPARE: Record<SortKey, (a: MarketRow, b: MarketRow) => number> = {
  price: (a, b) => a.microUsdPerGpuHour - b.microUsdPerGpuHour,
  gpu: (a, b) => a.gpuModel.localeCompare(b.gpuModel),
  source: (a, b) => a.sourceLabel.localeCompare(b.sourceLabel),
  age: (a, b) => a.ageSeconds - b.ageSeconds,
  // Unknown availability sorts after every known figure, whichever the direction.
  available: (a, b) => (a.availableGpus ?? -1) - (b.availableGpus ?? -1),
};

/** Sorted by the key, then by price, then by quote id: a stable order for equal rows. */
export function sortRows(rows: readonly MarketRow[], sort: SortKey, descending: boolean): MarketRow[] {
  const by = COMPARE[sort];
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => sign * by(a, b) || COMPARE.price(a, b) || a.quote.localeCompare(b.quote));
}

export type ModelSummary = { gpuModel: string; offers: number; cheapest: MarketRow; medianMicro: number };

/** Per GPU model: how many offers, the cheapest now and the median price, cheapest models first. */
export function summarize(rows: readonly MarketRow[]): ModelSummary[] {
  const byModel = new Map<string, MarketRow[]>();
  for (const row of rows) {
    const list = byModel.get(row.gpuModel);
    if (list) list.push(row);
    else byModel.set(row.gpuModel, [row]);
  }
  return [...byModel]
    .map(([gpuModel, list]) => {
      const prices = list.map((r) => r.microUsdPerGpuHour).sort((a, b) => a - b);
      const mid = Math.floor(prices.length / 2);
      const medianMicro = prices.length % 2 ? prices[mid]! : Math.round((prices[mid - 1]! + prices[mid]!) / 2);
      const cheapest = list.reduce((best, r) => (r.microUsdPerGpuHour < best.microUsdPerGpuHour ? r : best));
      return { gpuModel, offers: list.length, cheapest, medianMicro };
    })
    .sort((a, b) => a.gpuModel.localeCompare(b.gpuModel));
}

export function filterFromParams(params: Pick<URLSearchParams, 'get'>): MarketFilter {
  const sort = params.get('sort') as SortKey | null;
  const max = Number(params.get('max'));
  return {
    gpu: params.get('gpu') ?? '',
    region: params.get('region') ?? '',
    pricing: params.get('pricing') ?? '',
    maxPrice: params.get('max') && Number.isFinite(max) && max > 0 ? max : undefined,
    sort: sort && SORT_KEYS.includes(sort) ? sort : 'price',
    descending: params.get('order') === 'desc',
  };
}

export function filterToParams(filter: MarketFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.gpu) params.set('gpu', filter.gpu);
  if (filter.region) params.set('region', filter.region);
  if (filter.pricing) params.set('pricing', filter.pricing);
  if (filter.maxPrice !== undefined) params.set('max', String(filter.maxPrice));
  if (filter.sort !== 'price') params.set('sort', filter.sort);
  if (filter.descending) params.set('order', 'desc');
  return params;
}
