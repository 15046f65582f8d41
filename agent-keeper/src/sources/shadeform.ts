// Shadeform (a marketplace fronting many clouds): GET /v1/instances/types. `hourly_price` is
// cents per instance-hour for `configuration.num_gpus` GPUs; `availability[]` is per region, an
// entry with `available: false` is listed but sold out there. One quote per instance type and
// region; capacity can still run out at create time ("try the next instance returned").
import { z } from 'zod';
import { memoryOf, resolveGpuModel } from '../gpu-models.ts';
import { centsPerUnitHour, convertAmount } from '../normalize.ts';
import type { Quote, Region, Rejection } from '../quote.ts';
import { regionOfCloudRegion, regionOfLocation } from '../regions.ts';
import { parseResponse, requestJson, schemaProblem } from './http.ts';
import type { Source, SourceContext, SourceResult } from './source.ts';

const PATH = '/v1/instances/types';

const InstanceTypes = z.object({ instance_types: z.array(z.looseObject({})) });

const InstanceType = z.object({
  cloud: z.string(),
  shade_instance_type: z.string(),
  cloud_instance_type: z.string().nullish(),
  configuration: z.object({
    num_gpus: z.number(),
    gpu_type: z.string(),
    vram_per_gpu_in_gb: z.number().nullish(),
    interconnect: z.string().nullish(),
  }),
  hourly_price: z.unknown().optional(),
  availability: z
    .array(z.object({ region: z.string(), available: z.boolean(), display_name: z.string().nullish() }))
    .nullish(),
  boot_time: z.object({ max_boot_in_sec: z.number().nullish() }).nullish(),
});

export const shadeform: Source = {
  id: 'shadeform',
  label: 'Shadeform',
  liveBaseUrl: 'https://api.shadeform.ai',
  urlEnv: 'NECTO_SHADEFORM_URL',
  keyEnv: ['SHADEFORM_API_KEY'],
  async fetchQuotes(context: SourceContext): Promise<SourceResult> {
    const body = await requestJson(context.baseUrl, PATH, {
      signal: context.signal,
      query: { available: 'true', sort: 'price' },
      headers: context.apiKey ? { 'x-api-key': context.apiKey } : {},
    });
    const { instance_types } = parseResponse(InstanceTypes, body, 'Shadeform instance types');
    const sourceUrl = context.baseUrl.replace(/\/$/, '') + PATH;
    const quotes: Quote[] = [];
    const rejected: Rejection[] = [];
    for (const [index, item] of instance_types.entries()) {
      const parsed = InstanceType.safeParse(item);
      if (!parsed.success) {
        rejected.push({ source: 'shadeform', offerId: `instance_types.${index}`, reason: schemaProblem(parsed.error) });
        continue;
      }
      const type = parsed.data;
      // (cloud, shade_instance_type, region) is what Shadeform's create call takes.
      const offerBase = `${type.cloud}:${type.shade_instance_type}`;
      const { num_gpus: gpus, gpu_type: vendorGpuName } = type.configuration;
      const reject = (reason: string) =>
        rejected.push({ source: 'shadeform', offerId: offerBase, vendorGpuName, reason });
      const gpuModel = resolveGpuModel(vendorGpuName, type.configuration.vram_per_gpu_in_gb ?? undefined);
      if (!gpuModel) {
        reject(`unknown GPU "${vendorGpuName}"`);
        continue;
      }
      const price = convertAmount(type.hourly_price, 'hourly_price', (cents) => centsPerUnitHour(cents, gpus));
      if (!price.ok) {
        reject(price.reason);
        continue;
      }
      const bootSec = type.boot_time?.max_boot_in_sec;
      const base = {
        source: 'shadeform',
        provider: 'shadeform',
        gpuModel,
        vendorGpuName,
        unitGpus: gpus,
        vramGb: memoryOf(gpuModel),
        pricingModel: 'fixed' as const,
        raw: { value: String(price.amount), unit: 'cents/instance-hour', currency: 'USD' },
        effectiveMicroUsdPerGpuHour: price.microUsd,
        ...(typeof bootSec === 'number' && bootSec > 0 ? { latencySec: bootSec } : {}),
        observedAt: context.now,
        sourceUrl,
        note: `on ${type.cloud}${type.cloud_instance_type ? ` (${type.cloud_instance_type})` : ''}`,
      };
      const regions = type.availability ?? [];
      if (regions.length === 0) {
        quotes.push({ ...base, offerId: offerBase, availableGpus: 0, region: {} });
        continue;
      }
      for (const place of regions) {
        quotes.push({
          ...base,
          offerId: `${offerBase}@${place.region}`,
          availableGpus: place.available ? gpus : 0,
          region: regionOf(place.region, place.display_name),
        });
      }
    }
    return { quotes, rejected };
  },
};

/**
 * Display names lead with the country ("US, Kansas City, KS", "Canada, Montreal"), so the last
 * two-letter token would read a US state as a country (CA, GA...): read the first part. Then the
 * region code: cloud style ("us-east-1") or Shadeform's own ("kansascity-usa-1"); then the whole
 * display name.
 */
function regionOf(code: string, displayName: string | null | undefined): Region {
  const fromDisplay = regionOfLocation(displayName?.split(',')[0]);
  if (fromDisplay.country) return fromDisplay;
  const fromCloud = regionOfCloudRegion(code);
  if (fromCloud.country) return fromCloud;
  const fromCode = regionOfLocation(code.split(/[-_]/).join(','));
  if (fromCode.country && fromCode.area) return fromCode;
  return regionOfLocation(displayName);
}

