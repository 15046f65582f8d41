// Starts the Ponder indexer against the stack's fresh chain and waits until it has caught up. A
// fresh anvil is a new chain with the same id, which corrupts Ponder's state, so the indexer's data
// is wiped first: the stack's PGlite folder, or the app and sync schemas (PostgreSQL).
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { repoRoot } from './config.ts';
import type { StackConfig } from './config.ts';
import { portInUseMessage } from './ports.ts';
import { getJson, pollUntil, within } from './probes.ts';
import { superviseProcess } from './services.ts';
import type { Service } from './services.ts';
import { StepError } from './steps.ts';

const READY_TIMEOUT_MS = 180_000;
export const INDEXER_SCHEMA = 'necto';
const indexerDir = join(repoRoot, 'indexer');
const PONDER_BIN = join(repoRoot, 'node_modules/ponder/dist/esm/bin/ponder.js');
/** Ponder logs this once its HTTP server listens, with the port it really took. */
const LISTENING_LINE = /Created HTTP server port=(\d+)/;

/** One PGlite folder per indexer port, so a second stack on other ports never wipes the first's data. */
export function pgliteDir(port: number): string {
  return join('.ponder', `pglite-${port}`);
}

export async function startIndexer(config: StackConfig, port: number): Promise<Service> {
  await wipeIndexerData(config, port);
  // Ponder's bin runs `#!/usr/bin/env node`, which may be the system's older Node: run it with ours.
  const child = spawn(
    process.execPath,
    // --log-level info: the port check below reads an info line, whatever PONDER_LOG_LEVEL says.
    [PONDER_BIN, 'start', '-H', '127.0.0.1', '--port', String(port), '--schema', INDEXER_SCHEMA, '--log-level', 'info'],
    {
      cwd: indexerDir,
      env: {
        ...process.env,
        NECTO_RPC_URL: config.rpcUrl,
        NECTO_CHAIN_ID: String(config.chainId),
        NECTO_PGLITE_DIR: pgliteDir(port),
        PORT: String(port), // Ponder prefers PORT to --port: a stray PORT must not move it
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  const indexer = superviseProcess('indexer', child);
  try {
    await Promise.race([
      waitForReady(indexer, port),
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

async function wipeIndexerData(config: StackConfig, port: number): Promise<void> {
  if (!config.databaseUrl) {
    rmSync(join(indexerDir, pgliteDir(port)), { recursive: true, force: true });
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

/** Ponder takes the next port when its own is taken (by whoever bound it after the stack's check):
 * only its own log line tells which port it really listens on, so /ready is asked only after it. */
async function waitForReady(indexer: Service, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const announced = await within(indexer.lineMatching(LISTENING_LINE), READY_TIMEOUT_MS);
  if (!announced) throw new StepError(`the indexer did not listen within ${READY_TIMEOUT_MS / 1000} s`);
  if (Number(announced[1]) !== port) {
    throw new StepError(portInUseMessage({ variable: 'NECTO_INDEXER_PORT', port }), indexer.recentOutput());
  }
  const url = `http://127.0.0.1:${port}`;
  const ready = await pollUntil(
    async () => ((await getJson(`${url}/ready`))?.status === 200 ? true : undefined),
    Math.max(0, deadline - Date.now()),
    500,
  );
  if (!ready) throw new StepError(`the indexer was not ready at ${url}/ready within ${READY_TIMEOUT_MS / 1000} s`);
}
