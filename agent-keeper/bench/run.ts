// `npm run bench`: the keeper's benchmarks, printed as a table and written to bench/results.json.
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { benchFilterRank } from './filter-rank.ts';
import { benchFullQuote } from './full-quote.ts';
import { benchRoutingLatency } from './routing-latency.ts';
import type { BenchResult } from './stats.ts';

const TARGETS: Record<string, number> = { filterRank: 50, fullQuote: 300 };

type Row = BenchResult & { targetMedianMs: number; targetP95Ms?: number; phases?: Record<string, number> };
const only = process.argv[2]; // e.g. `npm run bench -- routing`
const results: Row[] = [];
for (const [key, bench] of [
  ['filterRank', benchFilterRank],
  ['fullQuote', () => benchFullQuote()],
] as const) {
  if (only && only !== key) continue;
  process.stderr.write(`Running ${key}...\n`);
  results.push({ ...(await bench()), targetMedianMs: TARGETS[key] ?? Infinity });
}
let routing: { burstMs: number; rootMs: number } | undefined;
if (!only || only === 'routing') {
  process.stderr.write('Running the keeper service on anvil (about two minutes)...\n');
  const latency = await benchRoutingLatency();
  routing = { burstMs: Math.round(latency.burstMs), rootMs: latency.rootMs };
  const [automine, ...rest] = latency.results;
  if (automine) results.push({ ...automine, targetMedianMs: 250, targetP95Ms: 1000 });
  for (const r of rest) results.push({ ...r, targetMedianMs: Infinity });
}

const machine = `${availableParallelism()} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
console.log(`Benchmarks on ${machine}`);
console.log('name'.padEnd(50), 'median ms'.padStart(10), 'p95 ms'.padStart(10), 'min ms'.padStart(10), 'target'.padStart(8));
for (const r of results) {
  const met = r.medianMs <= r.targetMedianMs && r.p95Ms <= (r.targetP95Ms ?? Infinity);
  const verdict = r.targetMedianMs === Infinity ? '' : met ? 'ok' : 'MISSED';
  console.log(
    r.name.padEnd(50),
    r.medianMs.toFixed(2).padStart(10),
    r.p95Ms.toFixed(2).padStart(10),
    r.minMs.toFixed(2).padStart(10),
    (r.targetMedianMs === Infinity ? '-' : `<${r.targetMedianMs}${r.targetP95Ms ? `/${r.targetP95Ms}` : ''} ${verdict}`).padStart(8),
  );
  if (r.phases) console.log(`  where the time goes (median ms): ${Object.entries(r.phases).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}
if (routing) {
  console.log(`Burst of 100 requests in one block: all routed ${(routing.burstMs / 1000).toFixed(2)} s after the block (target 20 s ${routing.burstMs <= 20_000 ? 'ok' : 'MISSED'})`);
  console.log(`0G Merkle root of one decision record: ${routing.rootMs} ms (median of 20)`);
}
const file = new URL('./results.json', import.meta.url);
writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), machine, results, ...(routing && { routing }) }, null, 2)}\n`);
console.log(`Written to ${file.pathname}`);
