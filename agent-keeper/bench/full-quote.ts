// A full quote across every snapshot source, in-process: snapshot server, ten adapters over local
// HTTP, the CoinGecko feed, normalization and the decision.
import { quoteAll } from '../src/quote-service.ts';
import { readScanConfig } from '../src/scan.ts';
import { ALL_SOURCES } from '../src/sources/index.ts';
import { summarize } from './stats.ts';
import type { BenchResult } from './stats.ts';

const REQUEST = {
  gpuModel: 'H100',
  gpuCount: 8,
  hours: 6,
  maxMicroUsdPerGpuHour: 3_000_000,
  regions: ['EU'],
  excludedPricingModels: ['spot', 'token'],
};

export async function benchFullQuote(runs = 30): Promise<BenchResult> {
  const config = readScanConfig({ NECTO_PROVIDERS: 'snapshot' });
  const once = async () => {
    const started = performance.now();
    const { scan } = await quoteAll(ALL_SOURCES, REQUEST, config);
    const failed = scan.sources.filter((s) => s.status !== 'ok');
    if (failed.length) throw new Error(`snapshot sources failed: ${failed.map((s) => `${s.id}: ${s.reason}`).join('; ')}`);
    return performance.now() - started;
  };
  for (let i = 0; i < 3; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await once());
  return summarize(`full quote, ${ALL_SOURCES.length} snapshot sources, in-process`, samples);
}
