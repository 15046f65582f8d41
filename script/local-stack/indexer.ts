// Starts the Ponder indexer against the stack's fresh chain and waits until it has caught up. A
// fresh anvil is a new chain with the same id, which corrupts Ponder's state, so the indexer's data
// is wiped first: indexer/.ponder (PGlite), or the app and sync schemas (PostgreSQL).
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { repoRoot } from './config.ts';
import type { StackConfig } from './config.ts';
import { superviseProcess } from './services.ts';
import type { Service } from './services.ts';
import { StepError } from './steps.ts';

const READY_TIMEOUT_MS = 180_000;
export const INDEXER_SCHEMA = 'necto';
const indexerDir = join(repoRoot, 'indexer');
const PONDER_BIN = join(repoRoot, 'node_modules/ponder/dist/esm/bin/ponder.js');

export async function startIndexer(config: StackConfig, port: number): Promise<Service> {
  await wipeIndexerData(config);
  // Ponder's bin runs `#!/usr/bin/env node`, which may be the system's older Node: run it with ours.
  const child = spawn(
    process.execPath,
    [PONDER_BIN, 'start', '-H', '127.0.0.1', '--port', String(port), '--schema', INDEXER_SCHEMA],
    {
      cwd: indexerDir,
      env: { ...process.env, NECTO_RPC_URL: config.rpcUrl, NECTO_CHAIN_ID: String(config.chainId) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  const indexer = superviseProcess('indexer', child);
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([
      waitForReady(url),
      indexer.exited.then(() => {
        throw new StepError('the indexer exited before it was ready', indexer.recentOutput());
      }),
    ]);
  } catch (error) {
    await indexer.stop();
    throw error instanceof StepError ? new StepError(error.message, error.details || indexer.recentOutput()) : error;
  }
  return indexer;
}

async function wipeIndexerData(config: StackConfig): Promise<void> {
  if (!config.databaseUrl) {
    rmSync(join(indexerDir, '.ponder'), { recursive: true, force: true });
    return;
  }
  const client = new pg.Client({ connectionString: config.databaseUrl });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${INDEXER_SCHEMA} CASCADE; DROP SCHEMA IF EXISTS ponder_sync CASCADE`);
  } catch (error) {
    throw new StepError(`cannot reset the indexer's PostgreSQL schemas (DATABASE_URL): ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

async function waitForReady(url: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const status = await fetch(`${url}/ready`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new StepError(`the indexer was not ready at ${url}/ready within ${READY_TIMEOUT_MS / 1000} s`);
}
