// Vast.ai: POST /api/v0/bundles/ with a search query. `dph_total` is USD per hour for the whole
// offer (all `num_gpus`, storage for the default allocation included, bandwidth extra);
// `min_bid` is the interruptible floor for the same offer. Both are divided by `num_gpus`.
// `gpu_ram` is in MB; `geolocation` is free-form ("Norway", "Czechia, CZ", "United States, US");
// `reliability2` supersedes `reliability`.
//
// `gpu_frac` is "ratio of GPUs in the offer to GPUs in the system" (vast-cli search docs): one
// whole GPU of a 4-GPU box is 0.25, with a quarter of its CPUs. It is not a share of one GPU and
// does not change the unit. A unit smaller than one GPU can only come from `num_gpus` itself
// (e.g. 0.5); it stays fractional for the engine to judge.
import { z } from 'zod';
import { memoryOf, resolveGpuModel } from '../gpu-models.ts';
import { readAmount, usdPerUnitHour } from '../normalize.ts';
import type { PricingModel, Quote, Rejection } from '../quote.ts';
import { regionOfLocation } from '../regions.ts';
import { parseResponse, requestJson, schemaProblem } from './http.ts';
import type { Source, SourceContext, SourceResult } from './source.ts';

const PATH = '/api/v0/bundles/';

/** Rentable, verified on-demand offers, cheapest first (the API's default order is its score). */
export const SEARCH_QUERY = {
  rentable: { eq: true },
  verified: { eq: true },
  num_gpus: { gte: 1 },
  type: 'on-demand',
  order: [['dph_total', 'asc']],
  limit: 200,
} as const;

const Bundles = z.object({ offers: z.array(z.looseObject({})) });

const Offer = z.object({
  id: z.union([z.number(), z.string()]),
  gpu_name: z.string(),
  num_gpus: z.number(),
  gpu_ram: z.number().nullish(),
  dph_total: z.unknown().optional(),
  min_bid: z.unknown().optional(),
  reliability2: z.number().nullish(),
  reliability: z.number().nullish(),
  geolocation: z.string().nullish(),
  rentable: z.boolean().nullish(),
  rented: z.boolean().nullish(),
});

export const vast: Source = {
  id: 'vast',
  label: 'Vast.ai',
  liveBaseUrl: 'https://console.vast.ai',
  urlEnv: 'NECTO_VAST_URL',
  keyEnv: ['VAST_API_KEY'],
  async fetchQuotes(context: SourceContext): Promise<SourceResult> {
    const body = await requestJson(context.baseUrl, PATH, {
      signal: context.signal,
      method: 'POST',
      headers: context.apiKey ? { authorization: `Bearer ${context.apiKey}` } : {},
      body: SEARCH_QUERY,
    });
    const { offers } = parseResponse(Bundles, body, 'Vast.ai bundles');
    const sourceUrl = context.baseUrl.replace(/\/$/, '') + PATH;
    const quotes: Quote[] = [];
    const rejected: Rejection[] = [];
    for (const [index, item] of offers.entries()) {
      const parsed = Offer.safeParse(item);
      if (!parsed.success) {
        const id = typeof item.id === 'number' || typeof item.id === 'string' ? String(item.id) : `offers.${index}`;
        rejected.push({ source: 'vast', offerId: id, reason: schemaProblem(parsed.error) });
        continue;
      }
      const offer = parsed.data;
      const offerId = String(offer.id);
      const vendorGpuName = offer.gpu_name;
      const reject = (reason: string, id = offerId) =>
        rejected.push({ source: 'vast', offerId: id, vendorGpuName, reason });
      const gpuModel = resolveVastGpu(offer.gpu_name, offer.gpu_ram);
      if (!gpuModel) {
        reject(`unknown GPU "${offer.gpu_name}"`);
        continue;
      }
      const gpus = offer.num_gpus;
      const open = offer.rentable !== false && offer.rented !== true;
      const uptime = offer.reliability2 ?? offer.reliability;
      const base = {
        source: 'vast',
        provider: 'vast',
        gpuModel,
        vendorGpuName,
        unitGpus: gpus, // the whole offer is rented at once
        availableGpus: open && gpus > 0 ? gpus : 0,
        vramGb: memoryOf(gpuModel),
        region: regionOfLocation(offer.geolocation),
        ...(typeof uptime === 'number' && uptime >= 0 && uptime <= 1 ? { uptime } : {}),
        observedAt: context.now,
        sourceUrl,
      };
      const prices: { id: string; field: string; value: unknown; pricingModel: PricingModel; note: string }[] = [
        {
          id: offerId,
          field: 'dph_total',
          value: offer.dph_total,
          pricingModel: 'fixed',
          note: 'on-demand; dph_total includes storage for the default allocation, bandwidth is billed per GB',
        },
      ];
      // The interruptible floor exists only where the host takes bids.
      if (offer.min_bid !== null && offer.min_bid !== undefined) {
        prices.push({
          id: `${offerId}:interruptible`,
          field: 'min_bid',
          value: offer.min_bid,
          pricingModel: 'spot',
          note: 'interruptible at the current minimum bid; a higher bid can preempt it',
        });
      }
      for (const price of prices) {
        const amount = readAmount(price.value, price.field);
        if (!amount.ok) {
          reject(amount.reason, price.id);
          continue;
        }
        const normalized = usdPerUnitHour(amount.value, gpus);
        if (!normalized.ok) {
          reject(normalized.reason, price.id);
          continue;
        }
        quotes.push({
          ...base,
          offerId: price.id,
          pricingModel: price.pricingModel,
          raw: { value: String(amount.value), unit: 'USD/offer-hour', currency: 'USD' },
          effectiveMicroUsdPerGpuHour: normalized.microUsd,
          note: `${price.note}; ${gpus} GPU(s) per offer`,
        });
      }
    }
    return { quotes, rejected };
  },
};

/**
 * `gpu_ram` is usable memory in MB as nvidia-smi reports it (24576 for a 24 GB RTX 3090, 46068 for
 * a 48 GB L40S, 183359 for a 180 GB B200): read as binary MB first, then as decimal MB, so both
 * kinds of marketed size match; a size neither reading places is an unknown GPU.
 */
function resolveVastGpu(name: string, gpuRamMb: number | null | undefined): string | undefined {
  if (!gpuRamMb || gpuRamMb <= 0) return resolveGpuModel(name);
  return resolveGpuModel(name, gpuRamMb / 1024) ?? resolveGpuModel(name, gpuRamMb / 1000);
}

