// Hand-built quotes for engine tests: a quote that passes the default test request, and overrides
// for whatever a test is about.
import type { Quote } from '../../src/quote.ts';
import { NOW } from './context.ts';

export { NOW };

/** An on-demand H100 in the US, $2.50/GPU-h, 8 GPUs free, observed a minute ago. */
export function quote(overrides: Partial<Quote> = {}): Quote {
  return {
    source: 'test',
    offerId: 'offer-1',
    provider: 'test',
    gpuModel: 'H100-80G',
    vendorGpuName: 'NVIDIA H100 80GB HBM3',
    unitGpus: 1,
    availableGpus: 8,
    vramGb: 80,
    region: { country: 'US', area: 'NA' },
    pricingModel: 'fixed',
    raw: { value: '2.50', unit: 'USD/GPU-hour', currency: 'USD' },
    effectiveMicroUsdPerGpuHour: 2_500_000,
    observedAt: NOW - 60,
    sourceUrl: 'https://provider.test/offers',
    ...overrides,
  };
}

/** Quotes that differ only by id and the given fields, numbered offer-1, offer-2, ... */
export function quotes(...overrides: Partial<Quote>[]): Quote[] {
  return overrides.map((fields, index) => quote({ offerId: `offer-${index + 1}`, ...fields }));
}
