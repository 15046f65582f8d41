// Every quote of the current scan as the app's market table shows it: one row per offer, its
// normalized and raw price, where it runs, whether its source reports capacity at all, and how old
// it is now. Not a decision: nothing is filtered or ranked here.
import { MICRO } from '../normalize.ts';
import { quoteKey } from '../quote.ts';
import type { Quote } from '../quote.ts';
import type { ScanView } from '../route-job.ts';
import type { Source } from '../sources/source.ts';

export type MarketRow = {
  quote: string;
  source: string;
  sourceLabel: string;
  provider: string;
  gpuModel: string;
  vendorGpuName: string;
  pricingModel: string;
  microUsdPerGpuHour: number;
  usdPerGpuHour: number;
  raw: Quote['raw'];
  /** GPUs in one rentable unit the raw price refers to. */
  unitGpus: number;
  /** The most GPUs one job can get now, or null where the source publishes no capacity. */
  availableGpus: number | null;
  availability: 'known' | 'unknown';
  vramGb: number;
  country: string | null;
  area: string | null;
  observedAt: number;
  /** Seconds between the observation and now (wall clock), not the decision time. */
  ageSeconds: number;
  note?: string;
};

export type MarketBoard = {
  providers: 'snapshot' | 'live';
  /** Unix seconds the external sources were scanned at (wall clock). */
  scannedAt: number;
  /** In snapshot mode, when the snapshot was recorded: every external quote is that old. */
  snapshotRecordedAt?: number;
  now: number;
  rows: MarketRow[];
  sources: { id: string; label: string; status: string; quotes: number; rejected: number; reason?: string }[];
};

export function marketBoard(view: ScanView, sources: readonly Source[], now: number): MarketBoard {
  const byId = new Map(sources.map((s) => [s.id, s]));
  const rows = view.result.quotes.map((quote): MarketRow => {
    const source = byId.get(quote.source);
    const known = source?.capacity !== 'unreported';
    return {
      quote: quoteKey(quote),
      source: quote.source,
      sourceLabel: source?.label ?? quote.source,
      provider: quote.provider,
      gpuModel: quote.gpuModel,
      vendorGpuName: quote.vendorGpuName,
      pricingModel: quote.pricingModel,
      microUsdPerGpuHour: quote.effectiveMicroUsdPerGpuHour,
      usdPerGpuHour: quote.effectiveMicroUsdPerGpuHour / MICRO,
      raw: quote.raw,
      unitGpus: quote.unitGpus,
      availableGpus: known ? quote.availableGpus : null,
      availability: known ? 'known' : 'unknown',
      vramGb: quote.vramGb,
      country: quote.region.country ?? null,
      area: quote.region.area ?? null,
      observedAt: quote.observedAt,
      ageSeconds: Math.max(0, now - quote.observedAt),
      ...(quote.note && { note: quote.note }),
    };
  });
  return {
    providers: view.result.mode,
    scannedAt: view.scannedAt,
    ...(view.result.mode === 'snapshot' && { snapshotRecordedAt: view.result.now }),
    now,
    rows,
    sources: view.result.sources.map((s) => ({
      id: s.id,
      label: s.label,
      status: s.status,
      quotes: s.quotes,
      rejected: s.rejected,
      ...(s.reason && { reason: s.reason }),
    })),
  };
}
