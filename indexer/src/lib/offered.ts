// Offered GPU-seconds of an offer (offerUtilization's denominator). A window starts at
// max(availableFrom, listedAt), availableFrom 0 meaning "from now" as the contract reads it; it ends
// at availableUntil, or for an open-ended one (availableUntil 0) at asOf, the block time of the
// latest event touching the offer. Current gpuCount and window, never negative.
export function offeredGpuSeconds(
  o: { gpuCount: number; availableFrom: bigint; availableUntil: bigint; listedAt: bigint },
  asOf: bigint,
): bigint {
  const start = o.availableFrom > o.listedAt ? o.availableFrom : o.listedAt;
  const window = (o.availableUntil !== 0n ? o.availableUntil : asOf) - start;
  return window > 0n ? BigInt(o.gpuCount) * window : 0n;
}
