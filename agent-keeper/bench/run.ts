// `npm run bench`: the keeper's benchmarks, printed as a table and written to bench/results.json.
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { benchFilterRank } from './filter-rank.ts';
import { benchFullQuote } from './full-quote.ts';
import type { BenchResult } from './stats.ts';

const TARGETS: Record<string, number> = { filterRank: 50, fullQuote: 300 };

const results: (BenchResult & { targetMedianMs: number })[] = [];
for (const [key, bench] of [
  ['filterRank', benchFilterRank],
  ['fullQuote', () => benchFullQuote()],
] as const) {
  process.stderr.write(`Running ${key}...\n`);
  results.push({ ...(await bench()), targetMedianMs: TARGETS[key] ?? Infinity });
}

const machine = `${availableParallelism()} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
console.log(`Benchmarks on ${machine}`);
console.log('name'.padEnd(50), 'median ms'.padStart(10), 'p95 ms'.padStart(10), 'min ms'.padStart(10), 'target'.padStart(8));
for (const r of results) {
  const verdict = r.medianMs <= r.targetMedianMs ? 'ok' : 'MISSED';
  console.log(
    r.name.padEnd(50),
    r.medianMs.toFixed(2).padStart(10),
    r.p95Ms.toFixed(2).padStart(10),
    r.minMs.toFixed(2).padStart(10),
    `<${r.targetMedianMs} ${verdict}`.padStart(8),
  );
}
const file = new URL('./results.json', import.meta.url);
writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), machine, results }, null, 2)}\n`);
console.log(`Written to ${file.pathname}`);
