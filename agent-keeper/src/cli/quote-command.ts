// `necto quote`: scan every source, decide, print the table (or the decision as JSON).
import { formatPrice } from '../normalize.ts';
import { quoteAll } from '../quote-service.ts';
import type { QuoteResult } from '../quote-service.ts';
import type { Quote } from '../quote.ts';
import { formatRegion } from '../regions.ts';
import type { ScanConfig, SourceStatus } from '../scan.ts';
import { ALL_SOURCES } from '../sources/index.ts';
import { parseQuoteArgs } from './args.ts';
import type { QuoteArgs } from './args.ts';
import { quoteTable } from './table.ts';
import type { QuoteRow } from './table.ts';

export async function runQuote(argv: string[], config: ScanConfig): Promise<number> {
  const args = parseQuoteArgs(argv);
  process.stderr.write(
    config.mode === 'snapshot'
      ? 'Provider prices from the recorded snapshot (NECTO_PROVIDERS=live for live prices)\n'
      : 'Provider prices from the live APIs\n',
  );
  const result = await quoteAll(ALL_SOURCES, requestOf(args), config, { onSourceDone: reportProgress });
  process.stdout.write(`${args.json ? JSON.stringify(decisionJson(result), null, 2) : human(result, args)}\n`);
  return 0;
}

function requestOf(args: QuoteArgs) {
  return {
    gpuModel: args.gpuModel,
    gpuCount: args.gpuCount,
    hours: args.hours,
    ...(args.minVramGb !== undefined && { minVramGb: args.minVramGb }),
    ...(args.maxMicroUsdPerGpuHour !== undefined && { maxMicroUsdPerGpuHour: args.maxMicroUsdPerGpuHour }),
    regions: [...args.countries, ...args.areas],
    excludedPricingModels: args.excludedPricingModels,
    ...(args.allowedProviders && { allowedProviders: args.allowedProviders }),
  };
}

function reportProgress(status: SourceStatus): void {
  const outcome =
    status.status === 'ok'
      ? `${status.quotes} offers${status.rejected ? `, ${status.rejected} rejected` : ''}, ${status.ms} ms`
      : `${status.status}: ${status.reason}`;
  process.stderr.write(`Scanning ${status.label}... ${outcome}\n`);
}

function human({ scan, decision }: QuoteResult, args: QuoteArgs): string {
  const rows: QuoteRow[] = decision.ranking.map((quote) => ({ quote, chosen: quote === decision.chosen }));
  if (args.all) rows.push(...decision.excluded.map(({ quote, reason }) => ({ quote, reason })));
  const lines = [rows.length ? quoteTable(rows, scan.now, args.all) : 'No offer meets every constraint.'];
  const { request } = decision;
  const asked = `${request.gpuCount}x ${request.gpuModel} for ${request.hours} h`;
  if (decision.chosen) {
    const { chosen } = decision;
    const total = Math.ceil((chosen.effectiveMicroUsdPerGpuHour * request.gpuCount * request.hours) / 10_000) * 10_000;
    lines.push(
      '',
      `* Chosen for ${asked}: ${chosen.source} ${chosen.offerId} at ${formatPrice(chosen.effectiveMicroUsdPerGpuHour)}/GPU-h (${formatPrice(total)} in total).`,
    );
  } else {
    lines.push('', `No eligible offer for ${asked}.`);
  }
  const hidden = decision.excluded.length;
  if (!args.all && hidden) lines.push(`${hidden} quotes excluded by the constraints: --all lists them with reasons.`);
  if (args.all && scan.rejected.length) {
    lines.push('', 'Offers the sources listed that could not be quoted:');
    for (const r of scan.rejected) lines.push(`  ${r.source} ${r.offerId ?? ''}: ${r.reason}`);
  }
  const down = scan.sources.filter((s) => s.status !== 'ok');
  if (down.length) {
    lines.push('', 'Sources left out:', ...down.map((s) => `  ${s.label}: ${s.status}: ${s.reason}`));
  }
  if (scan.mode === 'snapshot') lines.push('', `Snapshot quotes as of ${new Date(scan.now * 1000).toISOString()}.`);
  return lines.join('\n');
}

/** The decision as JSON: stable field names for scripts and the keeper. */
export function decisionJson({ scan, decision }: QuoteResult) {
  return {
    mode: scan.mode,
    asOf: scan.now,
    request: decision.request,
    chosen: decision.chosen ? quoteJson(decision.chosen) : null,
    ranking: decision.ranking.map(quoteJson),
    excluded: decision.excluded.map(({ quote, reason }) => ({ ...quoteJson(quote), reason })),
    rejected: scan.rejected,
    sources: scan.sources,
  };
}

function quoteJson(quote: Quote) {
  return {
    source: quote.source,
    offerId: quote.offerId,
    provider: quote.provider,
    gpuModel: quote.gpuModel,
    vendorGpuName: quote.vendorGpuName,
    gpuCount: quote.unitGpus,
    availableGpus: quote.availableGpus,
    vramGb: quote.vramGb,
    region: formatRegion(quote.region),
    country: quote.region.country ?? null,
    area: quote.region.area ?? null,
    pricingModel: quote.pricingModel,
    rawPrice: quote.raw,
    effectiveMicroUsdPerGpuHour: quote.effectiveMicroUsdPerGpuHour,
    tokenRate: quote.tokenRate ?? null,
    uptime: quote.uptime ?? null,
    rating: quote.rating ?? null,
    latencySec: quote.latencySec ?? null,
    observedAt: quote.observedAt,
    sourceUrl: quote.sourceUrl,
    note: quote.note ?? null,
  };
}
