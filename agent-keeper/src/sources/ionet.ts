// io.net IO Cloud: GET /v1/io-cloud/vmaas/hardware (public). `price` is USD per hour for the whole
// configuration (num_cards GPUs), so the per-GPU price divides by num_cards. GPU names are terse
// SKUs ("A100-SXM4-80GB", "GeForce RTX 4090", "RTXPRO6000"); vram_per_card picks the memory variant
// when the name does not say. The caas catalog has the same rows plus available_replicas, which
// this parser also reads. Prices are USD (paid in USDC, IO or by card): pricing model 'fixed'.
import { z } from 'zod';
import { memoryOf, resolveGpuModel } from '../gpu-models.ts';
import { readAmount, usdPerUnitHour } from '../normalize.ts';
import type { Quote, Rejection } from '../quote.ts';
import { regionOfLocation } from '../regions.ts';
import { parseResponse, requestJson } from './http.ts';
import type { Source, SourceContext, SourceResult } from './source.ts';

const PATH = '/v1/io-cloud/vmaas/hardware';

const Hardware = z.object({
  data: z.object({
    hardware: z.array(
      z.object({
        id: z.union([z.number(), z.string()]),
        deploy_id: z.string().nullish(),
        name: z.string(),
        brand_name: z.string().nullish(),
        num_cards: z.unknown().optional(),
        vram_per_card: z.number().nullish(),
        location: z.string().nullish(),
        sold_out: z.boolean().nullish(),
        available_replicas: z.number().nullish(),
        price: z.unknown().optional(),
      }),
    ),
  }),
});
type Row = z.infer<typeof Hardware>['data']['hardware'][number];

export const ionet: Source = {
  id: 'ionet',
  label: 'io.net',
  liveBaseUrl: 'https://api.io.solutions',
  urlEnv: 'NECTO_IONET_URL',
  async fetchQuotes(context: SourceContext): Promise<SourceResult> {
    const body = await requestJson(context.baseUrl, PATH, { signal: context.signal });
    const { hardware } = parseResponse(Hardware, body, 'io.net hardware').data;
    // The id alone names a configuration; should one repeat (per location), the location joins it.
    const idCounts = new Map<string, number>();
    for (const row of hardware) idCounts.set(String(row.id), (idCounts.get(String(row.id)) ?? 0) + 1);
    const quotes: Quote[] = [];
    const rejected: Rejection[] = [];
    for (const row of hardware) {
      const id = String(row.id);
      const offerId = (idCounts.get(id) ?? 0) > 1 ? `${id}@${row.location ?? 'unknown'}` : id;
      const result = quoteOf(row, offerId, context);
      if ('reason' in result) rejected.push(result);
      else quotes.push(result);
    }
    return { quotes, rejected };
  },
};

function quoteOf(row: Row, offerId: string, context: SourceContext): Quote | Rejection {
  const vendorGpuName = row.name;
  const reject = (reason: string): Rejection => ({ source: 'ionet', offerId, vendorGpuName, reason });
  const gpuModel = resolveGpuModel(row.name, row.vram_per_card ?? undefined);
  if (!gpuModel) return reject(`unknown GPU "${row.name}"${row.vram_per_card ? ` with ${row.vram_per_card} GB` : ''}`);
  const cards = readAmount(row.num_cards, 'num_cards');
  if (!cards.ok) return reject(cards.reason);
  if (!Number.isInteger(cards.value)) return reject(`num_cards is not a whole number (${cards.value})`);
  const usd = readAmount(row.price, 'price');
  if (!usd.ok) return reject(usd.reason);
  const price = usdPerUnitHour(usd.value, cards.value);
  if (!price.ok) return reject(price.reason);
  const soldOut = row.sold_out === true || row.available_replicas === 0;
  return {
    source: 'ionet',
    offerId,
    provider: 'ionet',
    gpuModel,
    vendorGpuName,
    unitGpus: cards.value,
    availableGpus: soldOut ? 0 : cards.value,
    vramGb: memoryOf(gpuModel),
    region: regionOfLocation(row.location),
    pricingModel: 'fixed',
    raw: { value: String(usd.value), unit: 'USD/config-hour', currency: 'USD' },
    effectiveMicroUsdPerGpuHour: price.microUsd,
    observedAt: context.now,
    sourceUrl: context.baseUrl + PATH,
    ...(cards.value > 1 && {
      note: `price is for the whole ${cards.value}-GPU configuration, divided by ${cards.value}`,
    }),
  };
}
