// Records the JSON-RPC answers the Necto source needs, from a running chain (`npm start`), into
// snapshots/necto/rpc.json, so snapshot mode replays the on-chain sellers without a chain.
// Usage: npm start (in another terminal), then, from the repository root:
//   ./node_modules/.bin/node agent-keeper/scripts/record-necto-snapshot.ts
// Environment: NECTO_RPC_URL (default http://127.0.0.1:8545).
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SNAPSHOT_DIR, rpcKey } from '../src/snapshot/server.ts';
import { necto } from '../src/sources/necto.ts';

type RpcCall = { id: number; method: string; params?: unknown[] };

const chainUrl = process.env.NECTO_RPC_URL || 'http://127.0.0.1:8545';
const recording: Record<string, unknown> = {};

const proxy = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', async () => {
    const upstream = await fetch(chainUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await upstream.text();
    const calls = [JSON.parse(body)].flat() as RpcCall[];
    const answers = [JSON.parse(text)].flat() as { id: number; result?: unknown }[];
    for (const call of calls) {
      const answer = answers.find((a) => a.id === call.id);
      if (answer && 'result' in answer) recording[rpcKey(call.method, call.params)] = answer.result;
    }
    response.writeHead(upstream.status, { 'content-type': 'application/json' });
    response.end(text);
  });
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const { port } = proxy.address() as AddressInfo;

const snapshot = JSON.parse(
  (await import('node:fs')).readFileSync(join(SNAPSHOT_DIR, 'snapshot.json'), 'utf8'),
) as { recordedAt: string };
const result = await necto.fetchQuotes({
  mode: 'live',
  baseUrl: `http://127.0.0.1:${port}`,
  signal: AbortSignal.timeout(10_000),
  now: Math.floor(Date.parse(snapshot.recordedAt) / 1000),
  // Token rates come from the CoinGecko snapshot at replay; only chain reads are recorded here.
  tokenRate: async (tokenId) => ({ tokenId, usd: 1, updatedAt: 0 }),
  akashBlockTimeSec: 6,
});
proxy.close();

const dir = join(SNAPSHOT_DIR, 'necto');
writeFileSync(join(dir, 'rpc.json'), `${JSON.stringify(recording, null, 2)}\n`);
writeFileSync(
  join(dir, 'routes.json'),
  `${JSON.stringify([{ method: 'POST', path: '/', file: 'rpc.json', jsonRpc: true }], null, 2)}\n`,
);
console.log(`Recorded ${Object.keys(recording).length} calls (${result.quotes.length} Necto offers) from ${chainUrl}`);
