// Scanning every source (starting the snapshot server in snapshot mode) and one quote across them.
// Shared by the CLI, the keeper's route action and the benchmark.
import { decide } from './engine/index.ts';
import type { Decision, RoutingRequestInput } from './engine/index.ts';
import { scan } from './scan.ts';
import type { ScanConfig, ScanOptions, ScanResult } from './scan.ts';
import { startSnapshotServer } from './snapshot/server.ts';
import type { Source } from './sources/source.ts';

export type QuoteResult = { scan: ScanResult; decision: Decision };

/** Scans the sources, serving the recorded snapshot for the scan's duration in snapshot mode. */
export async function scanSources(
  sources: readonly Source[],
  config: ScanConfig,
  options: Pick<ScanOptions, 'onSourceDone'> = {},
): Promise<ScanResult> {
  const server = config.mode === 'snapshot' ? await startSnapshotServer() : undefined;
  try {
    return await scan(sources, config, {
      ...options,
      ...(server && { snapshot: { url: server.url, recordedAt: server.recordedAt } }),
    });
  } finally {
    await server?.close();
  }
}

export async function quoteAll(
  sources: readonly Source[],
  request: RoutingRequestInput,
  config: ScanConfig,
  options: Pick<ScanOptions, 'onSourceDone'> = {},
): Promise<QuoteResult> {
  const result = await scanSources(sources, config, options);
  return { scan: result, decision: decide(request, result.quotes, result.now) };
}
