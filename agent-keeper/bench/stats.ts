// Summary statistics for benchmark samples (milliseconds).

/** The p-th percentile (0..100) by linear interpolation between the two nearest ranks. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const position = (Math.min(Math.max(p, 0), 100) / 100) * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (position - below);
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export type BenchResult = { name: string; samples: number; medianMs: number; p95Ms: number; minMs: number };

export function summarize(name: string, samplesMs: readonly number[]): BenchResult {
  return {
    name,
    samples: samplesMs.length,
    medianMs: round3(median(samplesMs)),
    p95Ms: round3(percentile(samplesMs, 95)),
    minMs: round3(Math.min(...samplesMs)),
  };
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
