// Price normalization: the one place where source units become integer micro-USD per GPU-hour,
// renter-side. Each function follows a row of the unit table in shared/provider-formats/README.md.
// Nothing here guesses: a missing, non-numeric, non-positive or absurd value is an error naming
// what was wrong, and the adapter excludes that offer with it.

/** Above this a price is a unit error (cents read as dollars, per block read as per hour...). */
export const MAX_USD_PER_GPU_HOUR = 1000;
export const MICRO = 1_000_000;
export const SECONDS_PER_HOUR = 3600;
/** Akash block time used by its console's price math; the chain targets 6.5 s (configurable). */
export const DEFAULT_AKASH_BLOCK_TIME_SEC = 6.174;

export type Normalized = { ok: true; microUsd: number } | { ok: false; reason: string };

/** Plain decimal notation, as APIs write prices ("2.49", "3053.280000000000000000", "1e-4"); not hex. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Reads a price field: numbers and numeric strings only; null, "", NaN, Infinity are errors. */
export function readAmount(value: unknown, field: string): { ok: true; value: number } | { ok: false; reason: string } {
  if (value === null || value === undefined) return { ok: false, reason: `${field} is missing` };
  const number = typeof value === 'string' && DECIMAL.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    return { ok: false, reason: `${field} is not a number (${JSON.stringify(value)})` };
  }
  if (number <= 0) return { ok: false, reason: `${field} is not positive (${number})` };
  return { ok: true, value: number };
}

/** Reads a price field and converts it in one step; the first problem found is the reason. */
export function convertAmount(
  value: unknown,
  field: string,
  conversion: (amount: number) => Normalized,
): (Normalized & { ok: true; amount: number }) | { ok: false; reason: string } {
  const amount = readAmount(value, field);
  if (!amount.ok) return amount;
  const converted = conversion(amount.value);
  return converted.ok ? { ...converted, amount: amount.value } : converted;
}

/** The final check and rounding: USD per GPU-hour to integer micro-USD (half up). */
export function usdPerGpuHour(usd: number, what = 'price'): Normalized {
  if (!Number.isFinite(usd)) return { ok: false, reason: `${what} is not a number` };
  if (usd <= 0) return { ok: false, reason: `${what} is not positive ($${usd}/GPU-h)` };
  if (usd > MAX_USD_PER_GPU_HOUR) {
    return { ok: false, reason: `${what} is absurd ($${round2(usd)}/GPU-h > $${MAX_USD_PER_GPU_HOUR})` };
  }
  // Snap binary noise first so a decimal half (0.0000025 stored as 0.00000249999...) rounds up.
  const microUsd = Math.round(Number((usd * MICRO).toPrecision(15)));
  if (microUsd <= 0) return { ok: false, reason: `${what} rounds to zero ($${usd}/GPU-h)` };
  return { ok: true, microUsd };
}

function checkGpus(gpus: number): string | undefined {
  if (!Number.isFinite(gpus) || gpus <= 0) return `GPU count is not positive (${gpus})`;
  return undefined;
}

/** USD per hour for a unit of `gpus` GPUs (an instance, a node, an offer; fractional allowed). */
export function usdPerUnitHour(usd: number, gpus: number): Normalized {
  const bad = checkGpus(gpus);
  return bad ? { ok: false, reason: bad } : usdPerGpuHour(usd / gpus);
}

/** Cents per hour for a unit of `gpus` GPUs (Lambda, Shadeform). */
export function centsPerUnitHour(cents: number, gpus: number): Normalized {
  return usdPerUnitHour(cents / 100, gpus);
}

/** A renter fee on top of a host-side price: `feePercent` 10 => x 1.10 (Nosana). */
export function withFee(usd: number, feePercent: number): number {
  return usd * (1 + feePercent / 100);
}

/**
 * Micro-denom per block for a whole order (Akash bids: uakt / uact / ibc USDC), to USD per GPU-hour:
 * amount x 3600 / blockTime / 1e6 x usdPerToken / gpus.
 */
export function microDenomPerBlock(
  amountPerBlock: number,
  blockTimeSec: number,
  usdPerToken: number,
  gpus: number,
): Normalized {
  if (!(blockTimeSec > 0)) return { ok: false, reason: `block time is not positive (${blockTimeSec})` };
  if (!(usdPerToken > 0)) return { ok: false, reason: `token price is not positive (${usdPerToken})` };
  const tokensPerHour = (amountPerBlock * (SECONDS_PER_HOUR / blockTimeSec)) / MICRO;
  return usdPerUnitHour(tokensPerHour * usdPerToken, gpus);
}

/** Tokens per second for a unit of `gpus` GPUs (Nosana NOS), to USD per GPU-hour. */
export function tokenPerSecond(amountPerSecond: number, usdPerToken: number, gpus: number): Normalized {
  if (!(usdPerToken > 0)) return { ok: false, reason: `token price is not positive (${usdPerToken})` };
  return usdPerUnitHour(amountPerSecond * SECONDS_PER_HOUR * usdPerToken, gpus);
}

/** Tokens per GPU-hour (Necto Token offers: micro-tokens on-chain), to USD per GPU-hour. */
export function tokenPerGpuHour(amountPerGpuHour: number, usdPerToken: number): Normalized {
  if (!(usdPerToken > 0)) return { ok: false, reason: `token price is not positive (${usdPerToken})` };
  return usdPerGpuHour(amountPerGpuHour * usdPerToken);
}

/** Exact dollars: "$3.10", "$3.000001" (a price one micro-USD over a limit must not read as equal). */
export function formatPrice(microUsd: number): string {
  const dollars = (microUsd / MICRO).toFixed(6).replace(/0{1,4}$/, '');
  return `$${dollars}`;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
