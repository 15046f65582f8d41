// Dollar amounts as the agent shows them. The engine works in integer micro-USD; tools and people
// read dollars, and every dollar figure shown goes through here so it matches the tool results.
import { MICRO, formatPrice } from '../normalize.ts';

/** Rounded to the micro-dollar: 2.3 * 1e6 is 2299999.9999999995 in floating point. */
export function microUsdOf(usd: number): number {
  return Math.round(usd * MICRO);
}

/** "$2.50", "$2.487312": the CLI's price format. */
export function formatUsd(usd: number): string {
  return formatPrice(microUsdOf(usd));
}

/** What a job costs at a per-GPU-hour price, rounded up to the cent (as `necto quote` shows it). */
export function jobTotalUsd(usdPerGpuHour: number, gpuCount: number, hours: number): number {
  const cents = Math.ceil((microUsdOf(usdPerGpuHour) * gpuCount * hours) / 10_000);
  return (cents * 10_000) / MICRO;
}
