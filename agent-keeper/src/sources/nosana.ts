// Nosana: GET /api/markets/ (no auth). A market is one GPU model in one tier, billed per second per
// GPU; type OTHER markets are whole multi-GPU nodes priced for the node.
//
// Fee rule (the sources disagree by 10 %): `usd_reward_per_hour` is the HOST's reward; the renter
// pays it plus the network fee, renter USD/h = usd_reward_per_hour x (1 + network_fee_percentage/100)
// (the Nosana dashboard's rule, recommended by shared/provider-formats section 7). It agrees with
// the NOS path, whose nos_job_price_per_second already includes the fee. Each quote's note says so.
// When usd_reward_per_hour is null the quote falls back to the NOS path at the CoinGecko rate:
// nos_job_price_per_second x 3600 x NOS/USD, pricing model 'token', rate attached.
import { z } from 'zod';
import { memoryOf, resolveGpuModel } from '../gpu-models.ts';
import { readAmount, tokenPerSecond, usdPerUnitHour, withFee } from '../normalize.ts';
import type { Quote, Rejection } from '../quote.ts';
import { parseResponse, requestJson } from './http.ts';
import type { Source, SourceContext, SourceResult } from './source.ts';

const PATH = '/api/markets/';
const NOS = 'nosana';

const Markets = z.array(
  z.object({
    address: z.string().nullish(),
    slug: z.string(),
    name: z.string(),
    type: z.string(),
    usd_reward_per_hour: z.unknown().optional(),
    nos_job_price_per_second: z.unknown().optional(),
    network_fee_percentage: z.unknown().optional(),
    gpu_types: z.array(z.string()).nullish(),
    lowest_vram: z.number().nullish(),
  }),
);
type Market = z.infer<typeof Markets>[number];

export const nosana: Source = {
  id: 'nosana',
  label: 'Nosana',
  capacity: 'unreported',
  liveBaseUrl: 'https://api.nosana.com',
  urlEnv: 'NECTO_NOSANA_URL',
  async fetchQuotes(context: SourceContext): Promise<SourceResult> {
    const body = await requestJson(context.baseUrl, PATH, { signal: context.signal });
    const markets = parseResponse(Markets, body, 'Nosana markets');
    const quotes: Quote[] = [];
    const rejected: Rejection[] = [];
    for (const market of markets) {
      const result = await quoteOf(market, context);
      if ('reason' in result) rejected.push(result);
      else quotes.push(result);
    }
    return { quotes, rejected };
  },
};

async function quoteOf(market: Market, context: SourceContext): Promise<Quote | Rejection> {
  const offerId = market.address || market.slug;
  const gpuNames = (market.gpu_types ?? []).filter((n) => n.trim() !== '');
  const vendorGpuName = gpuNames[0] ?? market.name;
  const reject = (reason: string): Rejection => ({ source: 'nosana', offerId, vendorGpuName, reason });

  const vramHint = market.lowest_vram ?? undefined;
  const gpuModel =
    resolveGpuModel(vendorGpuName, vramHint) ?? (gpuNames.length ? undefined : resolveGpuModel(market.name, vramHint));
  if (!gpuModel) return reject(`unknown GPU "${vendorGpuName}"`);

  const gpus = gpusPerUnit(market);
  if (gpus === undefined)
    return reject(`type ${market.type} market "${market.name}" is priced per node, and its name gives no GPU count`);
  const perNode = gpus > 1 ? `; priced per ${gpus}-GPU node, divided by ${gpus}` : '';
  const others = [
    ...new Set(
      gpuNames
        .slice(1)
        .map((n) => resolveGpuModel(n, vramHint))
        .filter((m) => m && m !== gpuModel),
    ),
  ];
  const mixed = others.length ? `; may also run on ${others.join(', ')}` : '';

  const base = {
    source: 'nosana',
    offerId,
    provider: 'nosana',
    gpuModel,
    vendorGpuName,
    unitGpus: gpus,
    // The markets list reports no idle hosts (nodes[] is always empty): capacity is unknown.
    availableGpus: gpus,
    vramGb: memoryOf(gpuModel),
    region: {},
    observedAt: context.now,
    sourceUrl: context.baseUrl + PATH,
  };

  if (market.usd_reward_per_hour !== null && market.usd_reward_per_hour !== undefined) {
    const reward = readAmount(market.usd_reward_per_hour, 'usd_reward_per_hour');
    if (!reward.ok) return reject(reward.reason);
    const fee = readFeePercent(market.network_fee_percentage);
    if (typeof fee === 'string') return reject(fee);
    const price = usdPerUnitHour(withFee(reward.value, fee), gpus);
    if (!price.ok) return reject(price.reason);
    return {
      ...base,
      pricingModel: 'fixed',
      raw: {
        value: String(reward.value),
        unit: gpus > 1 ? 'USD/node-hour (host reward)' : 'USD/GPU-hour (host reward)',
        currency: 'USD',
      },
      effectiveMicroUsdPerGpuHour: price.microUsd,
      note: `renter price = usd_reward_per_hour x ${1 + fee / 100} (host reward + ${fee}% network fee; unverified against an invoice); ${market.type} market, availability not reported${perNode}${mixed}`,
    };
  }

  // No USD price: the NOS job price (fee included) at the current NOS rate.
  const nosPerSecond = readAmount(market.nos_job_price_per_second, 'nos_job_price_per_second');
  if (!nosPerSecond.ok) return reject(`usd_reward_per_hour is null and ${nosPerSecond.reason}`);
  const rate = await context.tokenRate(NOS);
  if ('error' in rate) return reject(`usd_reward_per_hour is null and ${rate.error}`);
  const price = tokenPerSecond(nosPerSecond.value, rate.usd, gpus);
  if (!price.ok) return reject(price.reason);
  return {
    ...base,
    pricingModel: 'token',
    raw: { value: String(nosPerSecond.value), unit: gpus > 1 ? 'NOS/node-second' : 'NOS/GPU-second', currency: 'NOS' },
    effectiveMicroUsdPerGpuHour: price.microUsd,
    tokenRate: { tokenId: rate.tokenId, usd: rate.usd, updatedAt: rate.updatedAt },
    note: `usd_reward_per_hour is null: nos_job_price_per_second (network fee included) x 3600 x NOS $${rate.usd}; ${market.type} market, availability not reported${perNode}${mixed}`,
  };
}

/**
 * GPUs one market unit holds: the "8x" of "NVIDIA 8x H100" / "nvidia-8x-h100" (any type), else 1,
 * except that an OTHER market is a whole node and without a count cannot be priced per GPU.
 */
function gpusPerUnit(market: Market): number | undefined {
  const match = /(?:^|[^a-z0-9.])(\d{1,2}) ?[x×]/i.exec(market.name) ?? /(?:^|-)(\d{1,2})x(?:-|$)/i.exec(market.slug);
  const count = match ? Number(match[1]) : undefined;
  if (count !== undefined && count >= 1) return count;
  return market.type.toUpperCase() === 'OTHER' ? undefined : 1;
}

/** The renter fee in percent: a number (or numeric string) from 0 to 100. */
function readFeePercent(value: unknown): number | string {
  if (value === null || value === undefined) return 'network_fee_percentage is missing, so the renter price is unknown';
  const fee = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof fee !== 'number' || !Number.isFinite(fee) || fee < 0 || fee > 100) {
    return `network_fee_percentage is not a percentage (${JSON.stringify(value)})`;
  }
  return fee;
}
