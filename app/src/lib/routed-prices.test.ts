import { describe, expect, it } from 'vitest';
import { routedSeries } from './routed-prices.ts';

describe('routed prices', () => {
  it('groups routes by the routed offer GPU model, in dollars, skipping unknown offers', () => {
    const series = routedSeries({
      prices: [
        { timestamp: '100', pricePerGpuHour: '2990000', offerId: 1 },
        { timestamp: '200', pricePerGpuHour: '1500000', offerId: 2 },
        { timestamp: '300', pricePerGpuHour: '2500000', offerId: 1 },
        { timestamp: '400', pricePerGpuHour: '1000000', offerId: 9 },
      ],
      offers: [
        { id: 1, gpuModel: 'H100-80G', providerId: 1, isGateway: true },
        { id: 2, gpuModel: 'A100-80G', providerId: 2, isGateway: false },
      ],
    });
    expect(series).toEqual([
      { label: 'A100-80G', points: [{ t: 200, usd: 1.5 }] },
      { label: 'H100-80G', points: [{ t: 100, usd: 2.99 }, { t: 300, usd: 2.5 }] },
    ]);
  });
});
