// Starting what the indexer tests need, and stopping all of it: the local stack (anvil, deploy,
// seed) on a free port, and `ponder start` against it on PGlite or PostgreSQL. Each run keeps its
// PGlite data in its own directory (NECTO_PGLITE_DIR) and never touches a developer's indexer/.ponder.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startStack } from '../../script/test/stack.ts';
import type { Stack } from '../../script/test/stack.ts';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const indexerDir = resolve(import.meta.dirname, '..');
export const READY_TIMEOUT_MS = 120_000;

export { freePort };

export type LocalChain = { rpcUrl: string; stack: Stack; deploymentsDir: string; stop: () => Promise<void> };

/** anvil + deploy + seed on a free port; `stop` kills it and removes its deployments folder. */
export async function startLocalChain(label = 'indexer'): Promise<LocalChain> {
  const port = await freePort();
  const deploymentsDir = `deployments/.test-${label}-${process.pid}`;
  const stack = startStack(port, deploymentsDir);
  const stop = async () => {
    await killAndWait(stack.child);
    rmSync(join(repoRoot, deploymentsDir), { recursive: true, force: true });
  };
  try {
    await stack.ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return { rpcUrl: `http://127.0.0.1:${port}`, stack, deploymentsDir, stop };
}

export type Database = { kind: 'pglite' } | { kind: 'postgres'; url: string };

export type Indexer = {
  url: string;
  child: ChildProcess;
  schema: string;
  output: () => string;
  /** ms from spawn until /ready answered 200. */
  readyAfterMs: number;
  stop: () => Promise<void>;
};

let runs = 0;

/** `ponder start` on a fresh database; resolves once /ready is 200. */
export async function startIndexer(
  rpcUrl: string,
  database: Database,
  options: { readyTimeoutMs?: number; env?: Record<string, string> } = {},
): Promise<Indexer> {
  const run = `${process.pid}_${++runs}`;
  const schema = `necto_test_${run}`;
  const root = mkdtempSync(join(tmpdir(), `necto-indexer-${run}-`));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NECTO_RPC_URL: rpcUrl,
    NECTO_PGLITE_DIR: join(root, 'pglite'),
    ...options.env,
  };
  delete env.DATABASE_URL;
  delete env.DATABASE_PRIVATE_URL;
  delete env.DATABASE_SCHEMA;
  if (database.kind === 'postgres') {
    env.DATABASE_URL = database.url;
    dropSchemas(database.url, [schema, 'ponder_sync']);
  }

  const started = performance.now();
  // Ponder's bin runs `#!/usr/bin/env node`, which may be the system's older Node: run it with ours.
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'node_modules/ponder/dist/esm/bin/ponder.js'), '--log-format', 'json', 'start', '-H', '127.0.0.1', '--port', String(port), '--schema', schema],
    { cwd: indexerDir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  groupLeaders.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk;
    if (output.length > 400_000) output = output.slice(-200_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  const stop = async () => {
    await killAndWait(child);
    rmSync(root, { recursive: true, force: true });
    // ponder_sync holds chain data keyed by chain id only: a later fresh anvil must not see it.
    if (database.kind === 'postgres') dropSchemas(database.url, [schema, 'ponder_sync']);
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForReady(url, rpcUrl, child, () => output, options.readyTimeoutMs ?? READY_TIMEOUT_MS);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, child, schema, output: () => output, readyAfterMs: performance.now() - started, stop };
}

/** /ready only covers the finalized backfill: wait until /status reaches the chain's head too. */
async function caughtUp(url: string, rpcUrl: string): Promise<boolean> {
  const head = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
  }).then(async (r) => Number(((await r.json()) as { result: string }).result));
  const status = (await (await fetch(`${url}/status`)).json()) as Record<string, { block?: { number?: number } }>;
  return Object.values(status).some((chain) => (chain.block?.number ?? -1) >= head);
}

async function waitForReady(url: string, rpcUrl: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`ponder exited (${child.exitCode ?? child.signalCode}) before /ready:\n${tail(output())}`);
    }
    try {
      const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200 && (await caughtUp(url, rpcUrl))) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`ponder was not ready within ${timeoutMs} ms:\n${tail(output())}`);
}

const tail = (text: string) => text.split('\n').slice(-40).join('\n');

/** SIGTERM the process group, SIGKILL after 5 s; resolves when it is gone. */
export async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (child.pid && groupLeaders.has(child)) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Children spawned in their own process group (ponder and its workers), killed as a group. */
const groupLeaders = new WeakSet<ChildProcess>();

/** Drops the app schema (and Ponder's own bookkeeping schema when asked) from a PostgreSQL database. */
export function dropSchemas(url: string, schemas: string[]) {
  const sql = schemas.map((s) => `DROP SCHEMA IF EXISTS "${s}" CASCADE;`).join(' ');
  const result = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { encoding: 'utf8' });
  if (result.status !== 0) console.error(`dropping ${schemas.join(', ')} failed: ${result.stderr}`);
}

/* GRAPHQL */

export type GraphQLResponse = { status: number; data?: any; errors?: { message: string }[] };

export async function graphql(url: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = { errors: [{ message: text }] };
  }
  return { status: response.status, ...body };
}

/** Every row of a plural field, page by page (`limit`, `after` cursors). */
export async function allRows(url: string, plural: string, fields: string, pageSize = 50): Promise<any[]> {
  const rows: any[] = [];
  let after: string | null = null;
  for (;;) {
    const res = await graphql(
      url,
      `query ($after: String) { ${plural}(limit: ${pageSize}, after: $after) { items { ${fields} } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    if (res.errors?.length) throw new Error(`${plural}: ${JSON.stringify(res.errors)}`);
    const page = res.data[plural];
    rows.push(...page.items);
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor;
  }
}

/* THE SHARED WORLD: one seeded chain with the scenario run, indexed once per database */

export type World = {
  chain: LocalChain;
  expected: import('../scenario/scenario.ts').Expected;
  /** PGlite always; PostgreSQL too when NECTO_TEST_DATABASE_URL is set. */
  indexers: { name: 'pglite' | 'postgres'; indexer: Indexer }[];
  release: () => Promise<void>;
};

let world: Promise<World> | undefined;
let holders = 0;

/**
 * The stack, the scenario and the indexers, started once per process however many test files ask
 * (`node --test --test-isolation=none` runs every file in one process). Each caller must `release`
 * (in an `after` hook); the last release stops everything.
 */
export function acquireWorld(): Promise<World> {
  holders++;
  world ??= buildWorld();
  return world;
}

async function buildWorld(): Promise<World> {
  const { runScenario } = await import('../scenario/scenario.ts');
  const started: { stop: () => Promise<void> }[] = [];
  const stopAll = async () => {
    for (const s of started.toReversed()) await s.stop().catch((e) => console.error(e));
  };
  try {
    const chain = await startLocalChain('indexer');
    started.push(chain);
    const expected = await runScenario(chain.rpcUrl);
    const indexers: World['indexers'] = [];
    const pglite = await startIndexer(chain.rpcUrl, { kind: 'pglite' });
    started.push(pglite);
    indexers.push({ name: 'pglite', indexer: pglite });
    const pgUrl = process.env.NECTO_TEST_DATABASE_URL;
    if (pgUrl) {
      const postgres = await startIndexer(chain.rpcUrl, { kind: 'postgres', url: pgUrl });
      started.push(postgres);
      indexers.push({ name: 'postgres', indexer: postgres });
    }
    const release = async () => {
      if (--holders > 0) return;
      await stopAll();
    };
    return { chain, expected, indexers, release };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
