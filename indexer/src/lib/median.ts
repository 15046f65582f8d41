// Exact median of integer prices kept as a histogram: { price: how many times }. A day has few
// distinct prices and many routes, so the histogram stays small however busy the day is.

export type PriceCounts = Record<string, number>;

/** The histogram with one more `price` (a new object; the input is not modified). */
export function addPrice(counts: PriceCounts, price: bigint): PriceCounts {
  const key = price.toString();
  return { ...counts, [key]: (counts[key] ?? 0) + 1 };
}

/** The lowest price; 0 when empty. */
export function minimum(counts: PriceCounts): bigint {
  const prices = sortedPrices(counts);
  return prices[0] ?? 0n;
}

/** The median; for an even count, the mean of the two middle values rounded down. 0 when empty. */
export function median(counts: PriceCounts): bigint {
  const prices = sortedPrices(counts);
  const total = prices.reduce((n, p) => n + (counts[p.toString()] ?? 0), 0);
  if (total === 0) return 0n;
  const lowerRank = Math.floor((total - 1) / 2); // 0-based ranks of the middle value(s)
  const upperRank = Math.floor(total / 2);
  let seen = 0;
  let lower: bigint | undefined;
  for (const price of prices) {
    seen += counts[price.toString()] ?? 0;
    if (lower === undefined && seen > lowerRank) lower = price;
    if (seen > upperRank) return ((lower as bigint) + price) / 2n;
  }
  return 0n;
}

function sortedPrices(counts: PriceCounts): bigint[] {
  return Object.keys(counts)
    .map(BigInt)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
