// Exact median of integer prices kept in ascending order.

/** Inserts `price` into the ascending list (a new array; the input is not modified). */
export function insertSorted(sorted: readonly bigint[], price: bigint): bigint[] {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! <= price) low = mid + 1;
    else high = mid;
  }
  return [...sorted.slice(0, low), price, ...sorted.slice(low)];
}

/** The median; for an even count, the mean of the two middle values rounded down. 0 when empty. */
export function median(sorted: readonly bigint[]): bigint {
  const n = sorted.length;
  if (n === 0) return 0n;
  const upper = sorted[n >> 1]!;
  if (n % 2 === 1) return upper;
  return (sorted[(n >> 1) - 1]! + upper) / 2n;
}
