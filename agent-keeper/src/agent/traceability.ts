// Whether the dollar figures in a model's answer came from somewhere: the tool results or the
// question itself. A figure found nowhere was invented, altered or computed by the model.
import { microUsdOf } from './money.ts';

/** "$2.50", "$ 1,234.5", "2.5 USD", "3 dollars", "2.69 $": the figure's text and its value in micro-USD. */
export type DollarFigure = { text: string; microUsd: number };

const DOLLAR_SIGN = /(?:US)?\$\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)/g;
// "2.69 $/GPU-h" too, but not the "100 " of "H100 $2.69".
const DOLLAR_AFTER = /(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?(?:USD\b|dollars?\b|\$(?!\s?[\d.]))/gi;

export function dollarFigures(text: string): DollarFigure[] {
  const figures: DollarFigure[] = [];
  for (const pattern of [DOLLAR_SIGN, DOLLAR_AFTER]) {
    for (const match of text.matchAll(pattern)) {
      figures.push({ text: match[0].trim(), microUsd: microUsdOf(Number((match[1] ?? '').replaceAll(',', ''))) });
    }
  }
  return figures;
}

/**
 * Every dollar amount a value holds: numbers under a dollar-named key (usdPerGpuHour, chosenTotalUsd),
 * micro-USD numbers (maxMicroUsdPerGpuHour, pricePerGpuHour of a record) and figures written in strings.
 */
export function dollarAmountsIn(value: unknown, amounts = new Set<number>(), key = ''): Set<number> {
  if (typeof value === 'string') {
    for (const figure of dollarFigures(value)) amounts.add(figure.microUsd);
  } else if (typeof value === 'number' && Number.isFinite(value)) {
    if (/microusd|pricepergpuhour/i.test(key)) amounts.add(Math.round(value));
    else if (/usd/i.test(key)) amounts.add(microUsdOf(value));
  } else if (Array.isArray(value)) {
    for (const item of value) dollarAmountsIn(item, amounts, key);
  } else if (typeof value === 'object' && value !== null) {
    for (const [field, item] of Object.entries(value)) dollarAmountsIn(item, amounts, field);
  }
  return amounts;
}

/** The figures of `answer` that appear in none of `sources` (tool results, the question). */
export function untracedFigures(answer: string, sources: readonly unknown[]): string[] {
  const known = new Set<number>();
  for (const source of sources) dollarAmountsIn(source, known);
  const untraced = dollarFigures(answer).filter((figure) => !known.has(figure.microUsd));
  return [...new Set(untraced.map((figure) => figure.text))];
}
