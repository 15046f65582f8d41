// How money, prices, times and hashes read everywhere in the app. Prices are micro-USD per
// GPU-hour, money is USDC base units (6 decimals): both are integers until they are shown.

const MICRO = 1_000_000;

/** $/GPU-h with cents, or three decimals below a dollar ($0.342): one rule for every price. */
export function usdPerGpuHour(micro: number | bigint): string {
  const dollars = Number(micro) / MICRO;
  return `$${dollars.toFixed(dollars < 1 ? 3 : 2)}`;
}

/** USDC base units as dollars with cents and thousands separators: 1,234.50 USDC. */
export function usdc(base: bigint | number | string): string {
  const value = BigInt(base);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = (abs / 1_000_000n).toLocaleString('en-US');
  const cents = ((abs % 1_000_000n) / 10_000n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${cents} USDC`;
}

/** A raw source price rounded to its unit's meaningful digits: 6 significant figures. */
export function rawPrice(value: string): string {
  const n = Number(value);
  if (!Number.isFinite(n)) return value;
  if (n === 0) return '0';
  return Number(n.toPrecision(6)).toString();
}

/** "42 s", "7 min", "3 h", "12 d". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** mm:ss for countdowns. */
export function countdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function dateTime(unixSeconds: number | bigint | string): string {
  return new Date(Number(unixSeconds) * 1000).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

/** 0x1234…abcd */
export function shortHex(value: string, keep = 4): string {
  return value.length <= 2 + keep * 2 + 1 ? value : `${value.slice(0, 2 + keep)}…${value.slice(-keep)}`;
}
