// Plain-text tables for the terminal, in the manner of `sky show-gpus`.
import { formatPrice } from '../normalize.ts';
import type { Quote } from '../quote.ts';
import { formatRegion } from '../regions.ts';

export type QuoteRow = { quote: Quote; chosen?: boolean; reason?: string };

/** Columns of one quote; the first column marks the chosen row. */
export function quoteTable(rows: QuoteRow[], now: number, withReasons: boolean): string {
  const header = ['', 'SOURCE', 'OFFER', 'GPU', 'COUNT', 'REGION', 'PRICING', 'RAW PRICE', '$/GPU-H', 'AVAIL', 'AGE'];
  if (withReasons) header.push('EXCLUDED BECAUSE');
  const body = rows.map(({ quote, chosen, reason }) => {
    const cells = [
      chosen ? '*' : '',
      quote.source,
      quote.offerId,
      quote.gpuModel,
      formatCount(quote.unitGpus),
      formatRegion(quote.region),
      quote.pricingModel,
      `${shorten(quote.raw.value)} ${quote.raw.unit}`,
      formatPrice(quote.effectiveMicroUsdPerGpuHour),
      quote.availableGpus > 0 ? `${formatCount(quote.availableGpus)} free` : 'sold out',
      formatAge(now - quote.observedAt),
    ];
    if (withReasons) cells.push(reason ?? '');
    return cells;
  });
  return renderTable(header, body);
}

export function renderTable(header: string[], body: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...body.map(line)].join('\n');
}

export function formatAge(seconds: number): string {
  if (seconds < 0) return 'future';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

function formatCount(gpus: number): string {
  return Number.isInteger(gpus) ? String(gpus) : gpus.toFixed(2);
}

/** Long source values ("3053.280000000000000000") without their trailing zeros. */
function shorten(value: string): string {
  return /^\d+\.\d+$/.test(value) ? value.replace(/\.?0+$/, '') : value;
}
