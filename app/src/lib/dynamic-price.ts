// A Dynamic offer's price, in the contract's integer arithmetic (EscrowMath.dynamicPrice):
// floor x (1 + slope x inUse / count), the premium rounded down, in micro-USD per GPU-hour.

const BPS = 10_000n;
const MAX_UINT64 = 2n ** 64n - 1n;
export const PREVIEW_UTILIZATIONS = [0, 25, 50, 75, 100] as const;

export function dynamicPrice(floor: bigint, slopeBps: number, gpusInUse: number, gpuCount: number): bigint {
  if (gpuCount <= 0) return floor;
  const price = floor + (floor * BigInt(slopeBps) * BigInt(gpusInUse)) / (BPS * BigInt(gpuCount));
  return price > MAX_UINT64 ? MAX_UINT64 : price;
}

/** The price at 0, 25, 50, 75 and 100 % of the GPUs in use (as `percent` of 100 GPUs). */
export function dynamicPreview(floor: bigint, slopeBps: number): { percent: number; price: bigint }[] {
  return PREVIEW_UTILIZATIONS.map((percent) => ({ percent, price: dynamicPrice(floor, slopeBps, percent, 100) }));
}
