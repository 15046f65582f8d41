import { describe, expect, it } from 'vitest';
import { NO_FILTER, filterFromParams, filterRows, filterToParams, sortRows, summarize } from './market-table.ts';
import type { MarketRow } from './market-table.ts';

function row(quote: string, gpuModel: string, micro: number, extra: Partial<MarketRow> = {}): MarketRow {
  return {
    quote, source: quote.split(':')[0]!, sourceLabel: quote.split(':')[0]!, provider: 'p', gpuModel, vendorGpuName: gpuModel,
    pricingModel: 'fixed', microUsdPerGpuHour: micro, usdPerGpuHour: micro / 1e6, raw: { value: String(micro / 1e6), unit: 'USD/GPU-hour', currency: 'USD' },
    unitGpus: 1, availableGpus: 8, availability: 'known', vramGb: 80, country: 'US', area: 'NA', observedAt: 0, ageSeconds: 10, ...extra,
  };
}

const rows = [
  row('a:1', 'H100-80G', 2_500_000),
  row('b:1', 'H100-80G', 1_900_000, { area: 'EU', country: 'DE', pricingModel: 'spot', availableGpus: null, availability: 'unknown' }),
  row('c:1', 'A100-80G', 1_200_000),
  row('d:1', 'H100-80G', 3_100_000, { ageSeconds: 5 }),
];

describe('market table', () => {
  it('filters by model, region (area or country), pricing model and max price', () => {
    expect(filterRows(rows, { ...NO_FILTER, gpu: 'H100-80G' }).map((r) => r.quote)).toEqual(['a:1', 'b:1', 'd:1']);
    expect(filterRows(rows, { ...NO_FILTER, region: 'EU' }).map((r) => r.quote)).toEqual(['b:1']);
    expect(filterRows(rows, { ...NO_FILTER, region: 'DE' }).map((r) => r.quote)).toEqual(['b:1']);
    expect(filterRows(rows, { ...NO_FILTER, pricing: 'fixed', maxPrice: 2.5 }).map((r) => r.quote)).toEqual(['a:1', 'c:1']);
  });

  it('sorts by any key with price then id as tie-breakers; unknown availability last', () => {
    expect(sortRows(rows, 'price', false).map((r) => r.quote)).toEqual(['c:1', 'b:1', 'a:1', 'd:1']);
    expect(sortRows(rows, 'gpu', false).map((r) => r.quote)).toEqual(['c:1', 'b:1', 'a:1', 'd:1']);
    expect(sortRows(rows, 'available', true).at(-1)?.quote).toBe('b:1');
    expect(sortRows(rows, 'age', false)[0]?.quote).toBe('d:1');
  });

  it('summarizes each model: offers, cheapest now and the median', () => {
    const [a100, h100] = summarize(rows);
    expect(a100).toMatchObject({ gpuModel: 'A100-80G', offers: 1, medianMicro: 1_200_000 });
    expect(h100).toMatchObject({ gpuModel: 'H100-80G', offers: 3, medianMicro: 2_500_000 });
    expect(h100?.cheapest.quote).toBe('b:1');
    expect(summarize([rows[0]!, rows[1]!])[0]?.medianMicro).toBe(2_200_000);
  });

  it('round-trips the view through the URL and ignores nonsense', () => {
    const filter = { gpu: 'H100-80G', region: 'EU', pricing: 'spot', maxPrice: 3, sort: 'age' as const, descending: true };
    expect(filterFromParams(filterToParams(filter))).toEqual(filter);
    expect(filterFromParams(new URLSearchParams('max=-1&sort=bogus'))).toEqual(NO_FILTER);
  });
});
