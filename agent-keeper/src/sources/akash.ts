// Akash Network, through the Console API (read endpoints need no key).
// - GET /v1/gpu-prices: per-model bands derived from recent single-GPU bids, already USD per
//   GPU-hour. One auction quote per model at `price.med`; `price: null` means no recent bids.
//   This is a historical clearing band, not a firm quote.
// - GET /v1/bids?dseq=<dseq>: the open bids on a live order (AKASH_DSEQ). A bid prices the whole
//   order per block in micro-denom DecCoin strings: uakt (AKT, converted at the CoinGecko rate),
//   uact (ACT, the USD-pegged compute credit) or ibc/... (USDC over IBC, legacy leases). It is
//   divided by every GPU the order gets: sum of gpu.units x count over resources_offer.
import { z } from 'zod';
import { memoryOf, resolveGpuModel } from '../gpu-models.ts';
import { microDenomPerBlock, readAmount, usdPerGpuHour } from '../normalize.ts';
import type { Quote, Rejection, TokenRate } from '../quote.ts';
import { parseResponse, requestJson, schemaProblem } from './http.ts';
import { SourceError } from './source.ts';
import type { Source, SourceContext, SourceResult } from './source.ts';

const PRICES_PATH = '/v1/gpu-prices';
const BIDS_PATH = '/v1/bids';
const AKT_TOKEN_ID = 'akash-network';

// Envelopes are strict (a different shape fails the source); each item is checked on its own so
// one odd model or bid is a rejection with its path, not a failed scan.
const GpuPrices = z.object({ models: z.array(z.looseObject({})) });

const GpuPriceModel = z.object({
  vendor: z.string(),
  model: z.string(),
  ram: z.string().nullish(),
  interface: z.string().nullish(),
  availability: z.object({ total: z.number().nullish(), available: z.number() }).nullish(),
  price: z.object({ currency: z.string().nullish(), med: z.unknown().optional() }).nullish(),
});

const Bids = z.object({ data: z.array(z.object({ bid: z.looseObject({}) })) });

const Numberish = z.union([z.number(), z.string()]);
const BidId = z.object({
  owner: z.string().optional(),
  dseq: Numberish,
  gseq: Numberish,
  oseq: Numberish,
  provider: z.string(),
});
const Bid = z.object({
  // The Console schema says `bid_id`; chain types (v1beta5) and older clients say `id`.
  bid_id: BidId.nullish(),
  id: BidId.nullish(),
  state: z.string(),
  price: z.object({ denom: z.string(), amount: z.unknown().optional() }),
  resources_offer: z
    .array(
      z.object({
        resources: z.object({
          gpu: z
            .object({
              units: z.object({ val: Numberish }),
              attributes: z.array(z.object({ key: z.string(), value: z.string() })).nullish(),
            })
            .nullish(),
        }),
        count: Numberish,
      }),
    )
    .nullish(),
});
type Bid = z.infer<typeof Bid>;

export const akash: Source = {
  id: 'akash',
  label: 'Akash',
  liveBaseUrl: 'https://console-api.akash.network',
  urlEnv: 'NECTO_AKASH_URL',
  async fetchQuotes(context: SourceContext): Promise<SourceResult> {
    const dseq = process.env.AKASH_DSEQ?.trim();
    if (!dseq) return marketQuotes(context);
    // The bids endpoint needs a Console API key; the market endpoint does not.
    const bidContext = { ...context, apiKey: context.apiKey ?? process.env.AKASH_CONSOLE_API_KEY };
    const [market, bids] = await Promise.allSettled([marketQuotes(context), akashBidQuotes(bidContext, dseq)]);
    if (market.status === 'rejected' && bids.status === 'rejected') throw market.reason;
    const result: SourceResult = { quotes: [], rejected: [] };
    for (const [what, settled] of [
      ['gpu-prices', market],
      [`bids for dseq ${dseq}`, bids],
    ] as const) {
      if (settled.status === 'fulfilled') {
        result.quotes.push(...settled.value.quotes);
        result.rejected.push(...settled.value.rejected);
      } else if (settled.reason instanceof SourceError) {
        result.rejected.push({ source: 'akash', reason: `${what}: ${settled.reason.message}` });
      } else {
        throw settled.reason;
      }
    }
    return result;
  },
};

/** One auction quote per GPU model from the Console's market bands (USD per GPU-hour, median). */
async function marketQuotes(context: SourceContext): Promise<SourceResult> {
  const body = await requestJson(context.baseUrl, PRICES_PATH, { signal: context.signal });
  const { models } = parseResponse(GpuPrices, body, 'Akash gpu-prices');
  const quotes: Quote[] = [];
  const rejected: Rejection[] = [];
  for (const [index, item] of models.entries()) {
    const parsed = GpuPriceModel.safeParse(item);
    if (!parsed.success) {
      rejected.push({ source: 'akash', offerId: `models.${index}`, reason: schemaProblem(parsed.error) });
      continue;
    }
    const model = parsed.data;
    const offerId = [model.vendor, model.model, model.ram, model.interface].filter(Boolean).join('/');
    const vendorGpuName = offerId;
    const reject = (reason: string) => rejected.push({ source: 'akash', offerId, vendorGpuName, reason });
    const gpuModel = resolveAkashGpu(model.model, model.ram);
    if (!gpuModel) {
      reject(`unknown GPU "${vendorGpuName}"`);
      continue;
    }
    if (!model.price) {
      reject('no bids: price is null');
      continue;
    }
    if (model.price.currency && model.price.currency.toUpperCase() !== 'USD') {
      reject(`price currency is ${model.price.currency}, not USD`);
      continue;
    }
    const med = readAmount(model.price.med, 'price.med');
    if (!med.ok) {
      reject(med.reason);
      continue;
    }
    const price = usdPerGpuHour(med.value, 'price.med');
    if (!price.ok) {
      reject(price.reason);
      continue;
    }
    quotes.push({
      source: 'akash',
      offerId,
      provider: 'akash',
      gpuModel,
      vendorGpuName,
      unitGpus: 1, // derived from single-GPU bids: the band is per GPU
      availableGpus: wholeCount(model.availability?.available),
      vramGb: memoryOf(gpuModel),
      region: {}, // a network-wide band
      pricingModel: 'auction',
      raw: { value: String(med.value), unit: 'USD/GPU-hour', currency: 'USD' },
      effectiveMicroUsdPerGpuHour: price.microUsd,
      observedAt: context.now,
      sourceUrl: trimSlash(context.baseUrl) + PRICES_PATH,
      note: 'median of recent single-GPU bids (Console gpu-prices): a clearing band, not a firm quote',
    });
  }
  return { quotes, rejected };
}

/**
 * One auction quote per open bid on the order `dseq`: the per-block price of the whole order in
 * uakt, uact or IBC USDC, converted to USD per GPU-hour at `context.akashBlockTimeSec`.
 */
export async function akashBidQuotes(context: SourceContext, dseq: string): Promise<SourceResult> {
  if (!/^\d+$/.test(dseq)) throw new SourceError(`AKASH_DSEQ must be a deployment sequence number (got "${dseq}")`);
  const body = await requestJson(context.baseUrl, BIDS_PATH, {
    signal: context.signal,
    query: { dseq },
    headers: context.apiKey ? { 'x-api-key': context.apiKey } : {},
  });
  const { data } = parseResponse(Bids, body, 'Akash bids');
  const sourceUrl = `${trimSlash(context.baseUrl)}${BIDS_PATH}?dseq=${dseq}`;
  const quotes: Quote[] = [];
  const rejected: Rejection[] = [];
  let aktRate: Promise<TokenRate | { error: string }> | undefined;
  for (const [index, item] of data.entries()) {
    const parsed = Bid.safeParse(item.bid);
    if (!parsed.success) {
      rejected.push({ source: 'akash', offerId: `bids.${index}`, reason: `bid ${schemaProblem(parsed.error)}` });
      continue;
    }
    const bid = parsed.data;
    const id = bid.bid_id ?? bid.id;
    if (!id) {
      rejected.push({ source: 'akash', offerId: `bids.${index}`, reason: 'bid has neither bid_id nor id' });
      continue;
    }
    const offerId = `${id.dseq}/${id.gseq}/${id.oseq}/${id.provider}`;
    const gpus = gpusOf(bid);
    const vendorGpuName = gpus.attribute ?? 'unspecified GPU';
    const reject = (reason: string) => rejected.push({ source: 'akash', offerId, vendorGpuName, reason });
    if (bid.state !== 'open') {
      reject(`bid is ${bid.state}, not open`);
      continue;
    }
    if (gpus.count === 0) {
      reject('bid offers no GPUs (resources_offer has no gpu units)');
      continue;
    }
    if (!Number.isFinite(gpus.count) || gpus.count < 0) {
      reject(`bid has an invalid GPU count (${gpus.count})`);
      continue;
    }
    if (gpus.models.size > 1) {
      reject(`bid mixes GPU models (${[...gpus.models].join(', ')})`);
      continue;
    }
    const gpuModel = [...gpus.models][0];
    if (!gpuModel) {
      reject(`unknown GPU "${vendorGpuName}"`);
      continue;
    }
    const amount = readAmount(bid.price.amount, 'price.amount');
    if (!amount.ok) {
      reject(amount.reason);
      continue;
    }
    const denom = denomOf(bid.price.denom);
    if (!denom) {
      reject(`unknown denom "${bid.price.denom}" (expected uakt, uact or ibc/... USDC)`);
      continue;
    }
    let tokenRate: TokenRate | undefined;
    if (denom.symbol === 'AKT') {
      aktRate ??= context.tokenRate(AKT_TOKEN_ID);
      const rate = await aktRate;
      if ('error' in rate) {
        reject(`no AKT rate: ${rate.error}`);
        continue;
      }
      tokenRate = rate;
    }
    const price = microDenomPerBlock(amount.value, context.akashBlockTimeSec, tokenRate?.usd ?? 1, gpus.count);
    if (!price.ok) {
      reject(price.reason);
      continue;
    }
    quotes.push({
      source: 'akash',
      offerId,
      provider: 'akash',
      gpuModel,
      vendorGpuName,
      unitGpus: gpus.count, // the bid is for the whole order
      availableGpus: gpus.count,
      vramGb: memoryOf(gpuModel),
      region: {}, // bids do not say where the provider is
      pricingModel: 'auction',
      raw: { value: String(bid.price.amount), unit: `${denom.unit}/block/order`, currency: denom.symbol },
      effectiveMicroUsdPerGpuHour: price.microUsd,
      ...(tokenRate ? { tokenRate } : {}),
      observedAt: context.now,
      sourceUrl,
      note:
        `bid by ${id.provider} for ${gpus.count} GPU(s); per-block price at an estimated ` +
        `${context.akashBlockTimeSec} s per block` +
        (denom.unit === 'uusdc' ? `; ${bid.price.denom} is USDC over IBC` : ''),
    });
  }
  return { quotes, rejected };
}

/** uakt is AKT (token-priced); uact is ACT, pegged 1:1 to USD; IBC denoms on Akash leases are USDC. */
function denomOf(denom: string): { unit: string; symbol: string } | undefined {
  if (denom === 'uakt') return { unit: 'uakt', symbol: 'AKT' };
  if (denom === 'uact') return { unit: 'uact', symbol: 'ACT' };
  // Akash only ever accepted one IBC denom for leases (USDC: ibc/170C6776... on mainnet,
  // ibc/12C6A0C3... on sandbox), so any ibc/ price is read as USDC at $1.
  if (/^ibc\/[0-9A-Za-z]+$/.test(denom)) return { unit: 'uusdc', symbol: 'USDC' };
  return undefined;
}

/** Every GPU a bid gives the order (units x count per resource group) and their canonical models. */
function gpusOf(bid: Bid): { count: number; models: Set<string>; attribute?: string } {
  let count = 0;
  let attribute: string | undefined;
  const models = new Set<string>();
  for (const group of bid.resources_offer ?? []) {
    const gpu = group.resources.gpu;
    const units = Number(gpu?.units.val ?? 0);
    if (units === 0) continue;
    count += units * Number(group.count);
    // Attribute keys read vendor/<vendor>/model/<model>[/ram/<ram>][/interface/<if>], value "true".
    for (const { key, value } of gpu?.attributes ?? []) {
      if (!key.startsWith('vendor/') || value === 'false') continue;
      attribute ??= key;
      const parts = key.split('/');
      const field = (name: string) => {
        const at = parts.indexOf(name);
        return at >= 0 ? parts[at + 1] : undefined;
      };
      const model = field('model');
      const resolved = model ? resolveAkashGpu(model, field('ram')) : undefined;
      if (resolved) models.add(resolved);
    }
  }
  return { count, models, attribute };
}

/**
 * Akash writes models as one lower-case word ("rtxa6000", "rtx6000ada", "h100") with memory
 * as a Kubernetes quantity ("80Gi"); split the word where the GPU table expects a space.
 */
function resolveAkashGpu(model: string, ram: string | null | undefined): string | undefined {
  const memory = ram ? /^(\d+(?:\.\d+)?)\s*(?:Gi|G|GB|GiB)?$/i.exec(ram.trim()) : null;
  const hint = memory ? Number(memory[1]) : undefined;
  const spaced = model.replace(/^rtx(?=[a-z])/i, 'rtx ').replace(/(\d)([a-z])/gi, '$1 $2');
  return resolveGpuModel(model, hint) ?? resolveGpuModel(spaced, hint);
}

function wholeCount(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function trimSlash(url: string): string {
  return url.replace(/\/$/, '');
}

