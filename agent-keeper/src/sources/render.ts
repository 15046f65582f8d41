// Render Network: there is no public price or availability API, so this "source" is a static, dated
// rate table in our own format (render-rates.json beside this file), filled by hand from the
// Render Network proposals (RNP-019 rates; RNP-021 enterprise GPUs publish no number, so none are
// listed). Jobs are priced in USD and settled by burning RENDER: pricing model 'fixed', no token
// conversion. Each quote says it comes from the static table and that availability is unknown.
//
// Where the table is read: live mode reads the bundled file (liveBaseUrl is its file: URL; nothing
// to call); snapshot mode GETs the same table from the snapshot server (snapshots/render/rates.json,
// a copy a test keeps identical), so one parse-and-convert path runs in both modes and the CLI
// tests can make Render fail like any other source. NECTO_RENDER_URL may point at an HTTP host
// serving a newer table at /rates.json.
//
// Age policy: the table stands until the Foundation changes the rates, so a quote is observed when
// the table is read (observedAt = scan time) and its note carries the table's date. Refresh the
// table (new asOf) whenever an RNP or the Foundation changes the rates. A table dated in the future
// is a config error and fails the source.
//
// Bands: RNP-019 gives the RTX 5090 as $0.45-$0.69/h ("dynamic, hourly"). We quote the TOP of a
// band: the buyer's max price is a hard cap, and the low end would promise a price the network
// may not honour.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { memoryOf, resolveGpuModel } from '../gpu-models.ts';
import { readAmount, usdPerGpuHour } from '../normalize.ts';
import type { Quote, Rejection } from '../quote.ts';
import { parseResponse, requestJson } from './http.ts';
import { SourceError } from './source.ts';
import type { Source, SourceContext, SourceResult } from './source.ts';

const PATH = '/rates.json';
const BUNDLED_TABLE = new URL('./render-rates.json', import.meta.url).href;
/** Slack for clocks and time zones before a table's date counts as in the future. */
const FUTURE_SLACK_SEC = 86_400;

const RateTable = z.object({
  format: z.literal('necto-render-rates/1'),
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'),
  currency: z.literal('USD'),
  sourceDocuments: z.array(z.object({ id: z.string(), url: z.string() })).min(1),
  rates: z.array(
    z.object({
      gpu: z.string(),
      usdPerGpuHourMin: z.unknown().optional(),
      usdPerGpuHourMax: z.unknown().optional(),
      sourceDocument: z.string().optional(),
    }),
  ),
});

export const render: Source = {
  id: 'render',
  label: 'Render Network',
  capacity: 'unreported',
  liveBaseUrl: BUNDLED_TABLE,
  urlEnv: 'NECTO_RENDER_URL',
  async fetchQuotes(context: SourceContext): Promise<SourceResult> {
    const body = context.baseUrl.startsWith('file:')
      ? await readTableFile(context.baseUrl)
      : await requestJson(context.baseUrl, PATH, { signal: context.signal });
    const table = parseResponse(RateTable, body, 'Render rate table');
    const asOf = Date.parse(`${table.asOf}T00:00:00Z`) / 1000;
    if (!Number.isFinite(asOf)) throw new SourceError(`Render rate table: asOf "${table.asOf}" is not a date`);
    if (asOf > context.now + FUTURE_SLACK_SEC)
      throw new SourceError(`Render rate table is dated in the future (${table.asOf})`);
    const documents = new Map(table.sourceDocuments.map((d) => [d.id, d.url]));
    const firstDocument = table.sourceDocuments[0] as { id: string; url: string };
    const tableUrl = context.baseUrl.startsWith('file:') ? context.baseUrl : context.baseUrl + PATH;

    const quotes: Quote[] = [];
    const rejected: Rejection[] = [];
    for (const rate of table.rates) {
      const gpuModel = resolveGpuModel(rate.gpu);
      const offerId = gpuModel ?? rate.gpu;
      const reject = (reason: string) => rejected.push({ source: 'render', offerId, vendorGpuName: rate.gpu, reason });
      if (!gpuModel) {
        reject(`unknown GPU "${rate.gpu}"`);
        continue;
      }
      const min = readAmount(rate.usdPerGpuHourMin, 'usdPerGpuHourMin');
      const max = readAmount(rate.usdPerGpuHourMax, 'usdPerGpuHourMax');
      if (!min.ok) {
        reject(min.reason);
        continue;
      }
      if (!max.ok) {
        reject(max.reason);
        continue;
      }
      if (min.value > max.value) {
        reject(`rate band is inverted ($${min.value} > $${max.value})`);
        continue;
      }
      const price = usdPerGpuHour(max.value);
      if (!price.ok) {
        reject(price.reason);
        continue;
      }
      const documentId =
        rate.sourceDocument && documents.has(rate.sourceDocument) ? rate.sourceDocument : firstDocument.id;
      const band =
        min.value === max.value ? `$${max.value}/GPU-h` : `band $${min.value}-$${max.value}/GPU-h, top of band quoted`;
      quotes.push({
        source: 'render',
        offerId,
        provider: 'render',
        gpuModel,
        vendorGpuName: rate.gpu,
        unitGpus: 1,
        availableGpus: 1,
        vramGb: memoryOf(gpuModel),
        region: {},
        pricingModel: 'fixed',
        raw: { value: String(max.value), unit: 'USD/GPU-hour', currency: 'USD' },
        effectiveMicroUsdPerGpuHour: price.microUsd,
        observedAt: context.now,
        sourceUrl: documents.get(documentId) ?? tableUrl,
        note: `static Render rate table of ${table.asOf} (${documentId}), no live availability; USD-priced, settled in RENDER (burn-mint); ${band}`,
      });
    }
    return { quotes, rejected };
  },
};

async function readTableFile(url: string): Promise<unknown> {
  const path = fileURLToPath(url);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SourceError(
      `cannot read the Render rate table ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new SourceError(`malformed JSON in the Render rate table ${path}`);
  }
}
