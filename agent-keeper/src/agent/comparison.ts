// A decision as the agent's tools and the keeper API show it: dollars per GPU-hour, each quote's
// age, the exclusions counted by constraint.
import type { Decision, RoutingRequestInput } from '../engine/index.ts';
import { MICRO } from '../normalize.ts';
import { quoteKey } from '../quote.ts';
import type { Quote } from '../quote.ts';
import { formatRegion } from '../regions.ts';
import type { ScanView } from '../route-job.ts';
import type { Comparison, QuoteLine } from './toolkit.ts';

export function comparison(spec: RoutingRequestInput, decision: Decision, view: ScanView, limit: number): Comparison {
  const now = decision.now;
  const counts = new Map<string, number>();
  for (const e of decision.excluded) counts.set(e.constraint, (counts.get(e.constraint) ?? 0) + 1);
  return {
    providers: view.result.mode,
    scannedAt: view.scannedAt,
    scanAgeSeconds: view.ageSeconds,
    request: spec,
    chosen: decision.chosen ? { rank: 1, ...line(decision.chosen, now) } : null,
    ...(!decision.chosen && { noEligibleOffer: decision.excluded.length ? 'no quote meets every constraint' : 'no source returned a quote' }),
    ranking: decision.ranking.slice(0, limit).map((q, i) => ({ rank: i + 1, ...line(q, now) })),
    eligible: decision.ranking.length,
    excluded: decision.excluded.length,
    exclusionSummary: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c, n]) => `${n} failed ${c}`),
    sources: view.result.sources.map((s) => ({ id: s.id, status: s.status, quotes: s.quotes, ...(s.reason && { reason: s.reason }) })),
  };
}

export function line(quote: Quote, now: number, excluded?: string): QuoteLine {
  return {
    quote: quoteKey(quote),
    source: quote.source,
    provider: quote.provider,
    gpuModel: quote.gpuModel,
    vendorGpuName: quote.vendorGpuName,
    pricingModel: quote.pricingModel,
    usdPerGpuHour: quote.effectiveMicroUsdPerGpuHour / MICRO,
    unitGpus: quote.unitGpus,
    availableGpus: quote.availableGpus,
    region: formatRegion(quote.region),
    ageSeconds: Math.max(0, now - quote.observedAt),
    ...(excluded && { excluded }),
  };
}
