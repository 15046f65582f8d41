// One quote across every source: scan (starting the snapshot server in snapshot mode), then decide.
// Shared by the CLI, the keeper service and the benchmark.
import { decide } from './engine/index.ts';
import type { Decision, RoutingRequestInput } from './engine/index.ts';
import { scan } from './scan.ts';
import type { ScanConfig, ScanOptions, ScanResult } from './scan.ts';
import { startSnapshotServer } from './snapshot/server.ts';
import type { Source } from './sources/source.ts';

export type QuoteResult = { scan: ScanResult; decision: Decision };

export async function quoteAll(
  sources: readonly Source[],
  request: RoutingRequestInput,
  config: ScanConfig,
  options: Pick<ScanOptions, 'onSourceDone'> = {},
): Promise<QuoteResult> {
  const server = config.mode === 'snapshot' ? await startSnapshotServer() : undefined;
  try {
    const result = await scan(sources, config, {
      ...options,
      ...(server && { snapshot: { url: server.url, recordedAt: server.recordedAt } }),
    });
    return { scan: result, decision: decide(request, result.quotes, result.now) };
  } finally {
    await server?.close();
  }
}
