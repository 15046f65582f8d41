// RunPod: POST /graphql, the `gpuTypes` query. securePrice / communityPrice are on-demand USD per
// GPU-hour, secureSpotPrice / communitySpotPrice interruptible USD per GPU-hour (spot bids are per
// GPU). One quote per GPU type x cloud x pricing model with a price; a null price is "not offered
// now", never 0. `lowestPrice(gpuCount: 1)` gives the stock status and, when a type has no flat
// price of a pricing model, the cheapest per-GPU price of that model across clouds.
import { z } from 'zod';
import { memoryOf, resolveGpuModel } from '../gpu-models.ts';
import { readAmount, usdPerGpuHour } from '../normalize.ts';
import type { PricingModel, Quote, Rejection } from '../quote.ts';
import { parseResponse, requestJson, schemaProblem } from './http.ts';
import { SourceError } from './source.ts';
import type { Source, SourceContext, SourceResult } from './source.ts';

const PATH = '/graphql';

// gpuCount 1: whether lowestPrice for N > 1 is per GPU or per pod is undocumented.
export const GPU_TYPES_QUERY = `query GpuTypes {
  gpuTypes {
    id
    displayName
    manufacturer
    memoryInGb
    secureCloud
    communityCloud
    securePrice
    communityPrice
    secureSpotPrice
    communitySpotPrice
    maxGpuCount
    lowestPrice(input: { gpuCount: 1 }) {
      minimumBidPrice
      uninterruptablePrice
      stockStatus
    }
  }
}`;

const GraphqlErrors = z.looseObject({
  errors: z.array(z.looseObject({ message: z.string().optional() })).nullish(),
});

const GpuTypes = z.object({ data: z.object({ gpuTypes: z.array(z.looseObject({})) }) });

const GpuType = z.object({
  id: z.string(),
  displayName: z.string().nullish(),
  memoryInGb: z.number().nullish(),
  secureCloud: z.boolean().nullish(),
  communityCloud: z.boolean().nullish(),
  securePrice: z.unknown().optional(),
  communityPrice: z.unknown().optional(),
  secureSpotPrice: z.unknown().optional(),
  communitySpotPrice: z.unknown().optional(),
  maxGpuCount: z.number().nullish(),
  lowestPrice: z
    .object({
      minimumBidPrice: z.unknown().optional(),
      // RunPod's spelling; some clients and proxies write `unInterruptablePrice`.
      uninterruptablePrice: z.unknown().optional(),
      unInterruptablePrice: z.unknown().optional(),
      stockStatus: z.string().nullish(),
    })
    .nullish(),
});
type GpuType = z.infer<typeof GpuType>;

type Cloud = 'secure' | 'community';
const FLAT_PRICES: readonly { field: keyof GpuType; cloud: Cloud; pricingModel: PricingModel }[] = [
  { field: 'securePrice', cloud: 'secure', pricingModel: 'fixed' },
  { field: 'communityPrice', cloud: 'community', pricingModel: 'fixed' },
  { field: 'secureSpotPrice', cloud: 'secure', pricingModel: 'spot' },
  { field: 'communitySpotPrice', cloud: 'community', pricingModel: 'spot' },
];

const IN_STOCK = new Set(['high', 'medium', 'low']);

export const runpod: Source = {
  id: 'runpod',
  label: 'RunPod',
  liveBaseUrl: 'https://api.runpod.io',
  urlEnv: 'NECTO_RUNPOD_URL',
  keyEnv: ['RUNPOD_API_KEY'],
  async fetchQuotes(context: SourceContext): Promise<SourceResult> {
    const body = await requestJson(context.baseUrl, PATH, {
      signal: context.signal,
      method: 'POST',
      headers: context.apiKey ? { authorization: `Bearer ${context.apiKey}` } : {},
      body: { query: GPU_TYPES_QUERY },
    });
    // GraphQL reports failures with HTTP 200 and an `errors` list.
    const errors = GraphqlErrors.safeParse(body);
    if (errors.success && errors.data.errors?.length) {
      const messages = errors.data.errors.map((error) => error.message ?? 'unknown error');
      throw new SourceError(`RunPod GraphQL error: ${messages.join('; ')}`);
    }
    const { gpuTypes } = parseResponse(GpuTypes, body, 'RunPod gpuTypes').data;
    const sourceUrl = context.baseUrl.replace(/\/$/, '') + PATH;
    const quotes: Quote[] = [];
    const rejected: Rejection[] = [];
    for (const [index, item] of gpuTypes.entries()) {
      const parsed = GpuType.safeParse(item);
      if (!parsed.success) {
        const offerId = typeof item.id === 'string' ? item.id : `gpuTypes.${index}`;
        rejected.push({ source: 'runpod', offerId, reason: schemaProblem(parsed.error) });
        continue;
      }
      const type = parsed.data;
      const vendorGpuName = type.id;
      const memoryHint = type.memoryInGb ?? undefined;
      const gpuModel = resolveGpuModel(type.id, memoryHint) ?? resolveGpuModel(type.displayName ?? '', memoryHint);
      if (!gpuModel) {
        rejected.push({ source: 'runpod', offerId: type.id, vendorGpuName, reason: `unknown GPU "${type.id}"` });
        continue;
      }
      const stockStatus = type.lowestPrice?.stockStatus ?? null;
      const inStock = stockStatus !== null && IN_STOCK.has(stockStatus.toLowerCase());
      const perPod = type.maxGpuCount && type.maxGpuCount > 0 ? Math.floor(type.maxGpuCount) : 1;

      const candidates: { cloud: Cloud | 'any'; pricingModel: PricingModel; field: string; value: unknown }[] =
        FLAT_PRICES.filter(({ field }) => !isAbsent(type[field])).map(({ field, cloud, pricingModel }) => ({
          cloud,
          pricingModel,
          field,
          value: type[field],
        }));
      // A pricing model with no flat price falls back to lowestPrice (cheapest across clouds).
      const lowest = type.lowestPrice;
      const uninterruptable = lowest?.uninterruptablePrice ?? lowest?.unInterruptablePrice;
      if (!candidates.some((c) => c.pricingModel === 'fixed') && !isAbsent(uninterruptable)) {
        candidates.push({
          cloud: 'any',
          pricingModel: 'fixed',
          field: 'lowestPrice.uninterruptablePrice',
          value: uninterruptable,
        });
      }
      if (!candidates.some((c) => c.pricingModel === 'spot') && !isAbsent(lowest?.minimumBidPrice)) {
        candidates.push({
          cloud: 'any',
          pricingModel: 'spot',
          field: 'lowestPrice.minimumBidPrice',
          value: lowest?.minimumBidPrice,
        });
      }
      if (candidates.length === 0) {
        const status = stockStatus === null ? 'stock status null' : `stock status ${stockStatus}`;
        rejected.push({
          source: 'runpod',
          offerId: type.id,
          vendorGpuName,
          reason: `no price: every price is null (not offered now, ${status})`,
        });
        continue;
      }
      for (const candidate of candidates) {
        const offerId = `${type.id}:${candidate.cloud}:${candidate.pricingModel}`;
        const reject = (reason: string) => rejected.push({ source: 'runpod', offerId, vendorGpuName, reason });
        const amount = readAmount(candidate.value, candidate.field);
        if (!amount.ok) {
          reject(amount.reason);
          continue;
        }
        const price = usdPerGpuHour(amount.value, candidate.field);
        if (!price.ok) {
          reject(price.reason);
          continue;
        }
        // A cloud the type is not offered on right now cannot serve a job, whatever its list price.
        const cloudOffered =
          candidate.cloud === 'any' ||
          (candidate.cloud === 'secure' ? type.secureCloud : type.communityCloud) !== false;
        quotes.push({
          source: 'runpod',
          offerId,
          provider: 'runpod',
          gpuModel,
          vendorGpuName,
          unitGpus: 1, // prices are per GPU; a pod takes 1..maxGpuCount GPUs
          availableGpus: inStock && cloudOffered ? perPod : 0,
          vramGb: memoryOf(gpuModel),
          region: {}, // gpuTypes does not say where
          pricingModel: candidate.pricingModel,
          raw: { value: String(amount.value), unit: 'USD/GPU-hour', currency: 'USD' },
          effectiveMicroUsdPerGpuHour: price.microUsd,
          observedAt: context.now,
          sourceUrl,
          note: noteFor(candidate.cloud, candidate.pricingModel),
        });
      }
    }
    return { quotes, rejected };
  },
};

function noteFor(cloud: Cloud | 'any', pricingModel: PricingModel): string {
  const where =
    cloud === 'secure'
      ? 'Secure Cloud'
      : cloud === 'community'
        ? 'Community Cloud (peer hosts)'
        : 'cheapest cloud (lowestPrice, gpuCount 1)';
  return pricingModel === 'spot' ? `${where}; interruptible, bid per GPU` : where;
}

function isAbsent(value: unknown): boolean {
  return value === null || value === undefined;
}

