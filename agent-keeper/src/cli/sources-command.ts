// `necto sources`: every source with its mode, URL and status (a quick scan of each).
import { scanSources } from '../quote-service.ts';
import type { ScanConfig } from '../scan.ts';
import { ALL_SOURCES } from '../sources/index.ts';
import { renderTable } from './table.ts';

export async function runSources(argv: string[], config: ScanConfig): Promise<number> {
  const json = argv.includes('--json');
  const result = await scanSources(ALL_SOURCES, config);
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
}
