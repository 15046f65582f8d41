// Lambda Cloud: GET /api/v1/instance-types. Prices are cents per instance-hour; `data` is an
// object keyed by instance type; an empty regions list means listed but sold out. One quote per
// instance type and region with capacity (a sold-out type gives one unavailable quote).
import { z } from 'zod';
import { memoryOf, resolveGpuModel } from '../gpu-models.ts';
import { centsPerUnitHour, convertAmount } from '../normalize.ts';
import type { Quote, Rejection } from '../quote.ts';
import { regionOfCloudRegion, regionOfLocation } from '../regions.ts';
import { parseResponse, requestJson } from './http.ts';
import type { Source, SourceContext, SourceResult } from './source.ts';

const PATH = '/api/v1/instance-types';

const InstanceTypes = z.object({
  data: z.record(
    z.string(),
    z.object({
      instance_type: z.object({
        name: z.string(),
        description: z.string().optional(),
        gpu_description: z.string().optional(),
        price_cents_per_hour: z.unknown().optional(),
        specs: z.object({ gpus: z.number() }),
      }),
      regions_with_capacity_available: z.array(z.object({ name: z.string(), description: z.string().optional() })),
    }),
  ),
});

export const lambda: Source = {
  id: 'lambda',
  label: 'Lambda',
  liveBaseUrl: 'https://cloud.lambda.ai',
  urlEnv: 'NECTO_LAMBDA_URL',
  keyEnv: ['LAMBDA_API_KEY'],
  async fetchQuotes(context: SourceContext): Promise<SourceResult> {
    const body = await requestJson(context.baseUrl, PATH, {
      signal: context.signal,
      headers: context.apiKey ? { authorization: `Bearer ${context.apiKey}` } : {},
    });
    const { data } = parseResponse(InstanceTypes, body, 'Lambda instance-types');
    const quotes: Quote[] = [];
    const rejected: Rejection[] = [];
    for (const [name, entry] of Object.entries(data)) {
      const type = entry.instance_type;
      const gpus = type.specs.gpus;
      if (gpus === 0) continue; // CPU-only types are not GPU offers
      const vendorGpuName = type.gpu_description || name;
      const reject = (reason: string) => rejected.push({ source: 'lambda', offerId: name, vendorGpuName, reason });
      const gpuModel = resolveGpuModel(vendorGpuName) ?? resolveGpuModel(name);
      if (!gpuModel) {
        reject(`unknown GPU "${vendorGpuName}"`);
        continue;
      }
      const price = convertAmount(type.price_cents_per_hour, 'price_cents_per_hour', (cents) =>
        centsPerUnitHour(cents, gpus),
      );
      if (!price.ok) {
        reject(price.reason);
        continue;
      }
      const regions = entry.regions_with_capacity_available;
      const base = {
        source: 'lambda',
        provider: 'lambda',
        gpuModel,
        vendorGpuName,
        unitGpus: gpus,
        vramGb: memoryOf(gpuModel),
        pricingModel: 'fixed' as const,
        raw: { value: String(price.amount), unit: 'cents/instance-hour', currency: 'USD' },
        effectiveMicroUsdPerGpuHour: price.microUsd,
        observedAt: context.now,
        sourceUrl: context.baseUrl + PATH,
      };
      if (regions.length === 0) {
        quotes.push({ ...base, offerId: name, availableGpus: 0, region: {} });
        continue;
      }
      for (const region of regions) {
        const place = regionOfCloudRegion(region.name);
        quotes.push({
          ...base,
          offerId: `${name}@${region.name}`,
          availableGpus: gpus,
          region: place.country ? place : regionOfLocation(region.description),
        });
      }
    }
    return { quotes, rejected };
  },
};
