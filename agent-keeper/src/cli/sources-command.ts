// `necto sources`: every source with its mode, URL and status (a quick scan of each).
import { scan } from '../scan.ts';
import type { ScanConfig } from '../scan.ts';
import { startSnapshotServer } from '../snapshot/server.ts';
import { ALL_SOURCES } from '../sources/index.ts';
import { renderTable } from './table.ts';

export async function runSources(argv: string[], config: ScanConfig): Promise<number> {
  const json = argv.includes('--json');
  const server = config.mode === 'snapshot' ? await startSnapshotServer() : undefined;
  try {
    const result = await scan(ALL_SOURCES, config, {
      ...(server && { snapshot: { url: server.url, recordedAt: server.recordedAt } }),
    });
    const rows = result.sources.map((s) => {
      const source = ALL_SOURCES.find((candidate) => candidate.id === s.id);
      const overridden = source && config.env[source.urlEnv];
      const mode = overridden ? `${config.mode} (${source.urlEnv})` : config.mode;
      return { ...s, mode };
    });
    if (json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    const body = rows.map((s) => [
      s.id,
      s.label,
      s.mode,
      s.url,
      s.status === 'ok' ? `ok: ${s.quotes} offers, ${s.ms} ms` : `${s.status}: ${s.reason}`,
    ]);
    process.stdout.write(`${renderTable(['SOURCE', 'NAME', 'MODE', 'URL', 'STATUS'], body)}\n`);
    return 0;
  } finally {
    await server?.close();
  }
}
