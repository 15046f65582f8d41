// `necto serve`: the keeper's HTTP API (GET /decisions/:root, /health) until Ctrl-C.
import { createDecisionStore } from '../decision/store.ts';
import type { ScanConfig } from '../scan.ts';
import { startKeeperApi } from '../service/http-api.ts';
import { UsageError } from './args.ts';

export async function runServe(argv: string[], config: ScanConfig): Promise<number> {
  if (argv.length) throw new UsageError('usage: necto serve  (port: KEEPER_API_PORT, default 8788)');
  const raw = config.env.KEEPER_API_PORT;
  const port = raw ? Number(raw) : 8788;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`KEEPER_API_PORT must be a TCP port number (got "${raw}")`);
  }
  const store = createDecisionStore(config.env);
  const api = await startKeeperApi(store, { port });
  process.stdout.write(`Keeper API at ${api.url} (GET /decisions/:root, /health); records from ${store.describe()}\n`);
  await new Promise<void>((done) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => done());
  });
  await api.close();
  return 0;
}
