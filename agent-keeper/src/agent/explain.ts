// Plain-language accounts of what the engine decided: of a stored decision record
// (explain_decision) and of a comparison (the text shown when a model's answer cannot be trusted).
// Pure and free of ADK, so the CLI can use them cheaply. Every price comes from the record or the
// comparison, formatted, never recomputed from anything else.
import type { DecisionRecord } from '../decision/record.ts';
import { formatDuration } from '../engine/index.ts';
import type { RoutingRequest } from '../engine/index.ts';
import { formatPrice } from '../normalize.ts';
import { quoteKey } from '../quote.ts';
import type { Quote } from '../quote.ts';
import { formatRegion } from '../regions.ts';
import { formatUsd, jobTotalUsd } from './money.ts';
import type { Comparison, QuoteLine } from './toolkit.ts';

const TOP_REASONS = 3;

/** The record explained in a few lines; `now` (unix seconds) dates the record's age. */
export function explainDecision(record: DecisionRecord, now: number): string {
  return [asked(record), quotesLine(record), excludedLine(record), outcome(record), provenance(record, now)]
    .filter((line) => line !== undefined)
    .join('\n');
}

function asked(record: DecisionRecord): string {
  const job = record.job ? ` (job ${record.job.jobId}, ${record.job.mode})` : '';
  return `Asked: ${describeRequest(record.request)}${job}.`;
}

export function describeRequest(request: RoutingRequest): string {
  const parts = [`${request.gpuCount}x ${request.gpuModel} for ${request.hours} h`];
  parts.push(
    request.maxMicroUsdPerGpuHour === undefined
      ? 'no price limit'
      : `at most ${formatPrice(request.maxMicroUsdPerGpuHour)}/GPU-h`,
  );
  parts.push(request.regions.length > 0 ? `in ${request.regions.join(', ')}` : 'anywhere');
  if (request.excludedPricingModels.length > 0) parts.push(`no ${request.excludedPricingModels.join(', ')} pricing`);
  parts.push(`at least ${request.minVramGb} GB per GPU`);
  if (request.allowedProviders) parts.push(`providers ${request.allowedProviders.join(', ') || 'none'}`);
  if (request.requireOnchainOffer) parts.push('on-chain offers only');
  return parts.join(', ');
}

function quotesLine(record: DecisionRecord): string {
  const bySource = countBy(record.quotes, (quote) => quote.source);
  const sources = bySource.map(([source, count]) => `${source} ${count}`).join(', ');
  const lines = [`Quotes: ${record.quotes.length} from ${plural(bySource.length, 'source')}${sources && ` (${sources})`}.`];
  const down = record.sources.filter((source) => source.status !== 'ok');
  if (down.length > 0) {
    lines.push(`Left out: ${down.map((s) => `${s.id} ${s.status}${s.reason ? ` (${s.reason})` : ''}`).join('; ')}.`);
  }
  if (record.rejected.length > 0) lines.push(`${plural(record.rejected.length, 'listed offer')} could not be quoted.`);
  return lines.join(' ');
}

function excludedLine(record: DecisionRecord): string | undefined {
  if (record.excluded.length === 0) return undefined;
  const byConstraint = countBy(record.excluded, (e) => e.constraint)
    .map(([constraint, count]) => `${count} failed ${constraint}`)
    .join(', ');
  const reasons = countBy(record.excluded, (e) => e.reason)
    .slice(0, TOP_REASONS)
    .map(([reason, count]) => `"${reason}" (${count})`)
    .join(', ');
  return `Excluded ${record.excluded.length} of ${record.quotes.length} quotes (${byConstraint}). Top reasons: ${reasons}.`;
}

function outcome(record: DecisionRecord): string {
  const { chosen } = record;
  if (!chosen) return `Nothing chosen: ${record.noEligibleOffer ?? 'no eligible offer'}.`;
  const quotes = new Map(record.quotes.map((quote) => [quoteKey(quote), quote]));
  const chosenQuote = quotes.get(chosen.quote);
  const where = chosenQuote ? `, ${formatRegion(chosenQuote.region)}, ${chosenQuote.pricingModel}` : '';
  const onchain = chosen.onchainOfferId === undefined ? '' : `, on-chain offer #${chosen.onchainOfferId}`;
  const head = `Chosen: ${chosen.quote} (provider ${chosen.provider}${where}${onchain}) at ${formatPrice(chosen.pricePerGpuHour)}/GPU-h, the best of ${plural(record.ranking.length, 'eligible quote')}.`;
  const runnerUpKey = record.ranking[1];
  const runnerUp = runnerUpKey === undefined ? undefined : quotes.get(runnerUpKey);
  if (runnerUpKey === undefined) return `${head} It was the only eligible quote.`;
  if (!chosenQuote || !runnerUp) return `${head} Runner-up: ${runnerUpKey}.`;
  return `${head} It beat the runner-up ${runnerUpKey} at ${formatPrice(runnerUp.effectiveMicroUsdPerGpuHour)}/GPU-h: ${whyFirst(chosenQuote, runnerUp)}.`;
}

/** The first ranking key (see engine/rank.ts) on which the chosen quote beats the runner-up. */
export function whyFirst(chosen: Quote, runnerUp: Quote): string {
  const priceGap = runnerUp.effectiveMicroUsdPerGpuHour - chosen.effectiveMicroUsdPerGpuHour;
  if (priceGap > 0) return `${formatPrice(priceGap)}/GPU-h cheaper`;
  const samePrice = 'same price';
  if (chosen.latencySec !== runnerUp.latencySec) {
    return `${samePrice}, faster to start (${seconds(chosen.latencySec)} vs ${seconds(runnerUp.latencySec)})`;
  }
  if (chosen.uptime !== runnerUp.uptime) {
    return `${samePrice} and start time, higher uptime (${percent(chosen.uptime)} vs ${percent(runnerUp.uptime)})`;
  }
  if (chosen.rating !== runnerUp.rating) {
    return `${samePrice}, start time and uptime, better rating (${chosen.rating ?? 'none'} vs ${runnerUp.rating ?? 'none'})`;
  }
  return `a tie on price, start time, uptime and rating, broken by the quote id (${quoteKey(chosen)} sorts first)`;
}

function provenance(record: DecisionRecord, now: number): string {
  const mode = record.providers === 'snapshot' ? 'the recorded snapshot' : 'the live provider APIs';
  const chosen = record.chosen && record.quotes.find((quote) => quoteKey(quote) === record.chosen?.quote);
  const quoteAge = chosen ? `; the chosen quote was ${formatDuration(Math.max(0, record.decidedAt - chosen.observedAt))} old then` : '';
  const written = `record written ${ago(now - record.createdAt)}`;
  const replaces = record.previousRoot ? ` It replaces decision ${record.previousRoot}.` : '';
  return `Prices from ${mode}, decided at ${isoTime(record.decidedAt)}${quoteAge}; ${written} (${record.engineVersion}).${replaces}`;
}

/** The engine's decision in a comparison: the text to show instead of an untrusted answer. */
export function describeComparison(comparison: Comparison): string {
  const { request } = comparison;
  const asked = `${request.gpuCount}x ${request.gpuModel} for ${request.hours} h`;
  const mode = comparison.providers === 'snapshot' ? 'snapshot prices' : 'live prices';
  const scanned = `${mode} scanned at ${isoTime(comparison.scannedAt)}, ${formatDuration(Math.max(0, comparison.scanAgeSeconds))} old`;
  const lines = [`Engine decision for ${asked} (${scanned}):`];
  const { chosen } = comparison;
  if (chosen) {
    const total = formatUsd(jobTotalUsd(chosen.usdPerGpuHour, request.gpuCount, request.hours));
    lines.push(`chosen ${describeLine(chosen)} at ${formatUsd(chosen.usdPerGpuHour)}/GPU-h (${total} in total).`);
    const runnerUp = comparison.ranking.find((line) => line.quote !== chosen.quote);
    if (runnerUp) lines.push(`Runner-up: ${describeLine(runnerUp)} at ${formatUsd(runnerUp.usdPerGpuHour)}/GPU-h.`);
  } else {
    lines.push(`nothing chosen: ${comparison.noEligibleOffer ?? 'no eligible offer'}.`);
  }
  const exclusions = comparison.exclusionSummary.length > 0 ? `: ${comparison.exclusionSummary.join(', ')}` : '';
  lines.push(`${comparison.eligible} eligible, ${comparison.excluded} excluded${exclusions}.`);
  const down = comparison.sources.filter((source) => source.status !== 'ok');
  if (down.length > 0) lines.push(`Sources left out: ${down.map((s) => `${s.id} (${s.reason ?? s.status})`).join(', ')}.`);
  return lines.join('\n');
}

function describeLine(line: QuoteLine): string {
  return `${line.quote} (provider ${line.provider}, ${line.region}, ${line.pricingModel})`;
}

function countBy<T>(items: readonly T[], keyOf: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function seconds(value: number | undefined): string {
  return value === undefined ? 'unknown' : `${value} s`;
}

function percent(value: number | undefined): string {
  return value === undefined ? 'unknown' : `${Math.round(value * 1000) / 10}%`;
}

function ago(secondsAgo: number): string {
  return secondsAgo < 0 ? `${formatDuration(-secondsAgo)} in the future` : `${formatDuration(secondsAgo)} ago`;
}

function isoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
