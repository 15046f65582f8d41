// Starts `npm start`'s program (script/local-stack.ts) on a given port for tests, and finds free ports.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
/** A cold build compiles every source through solc-js. */
export const READY_TIMEOUT_MS = 240_000;

export type Stack = {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | null>;
  output: () => string;
};

/** `env` adds to the stack's environment. The indexer is off unless NECTO_INDEXER_PORT is given, the
 * keeper unless KEEPER_API_PORT is (tests that route the seeded jobs themselves need it off). */
export function startStack(port: number, deploymentsDir: string, env: Record<string, string> = {}): Stack {
  const child = spawn(process.execPath, [join(root, 'script/local-stack.ts')], {
    cwd: root,
    env: {
      ...process.env,
      NECTO_ANVIL_PORT: String(port),
      DEPLOYMENTS_DIR: deploymentsDir,
      NECTO_INDEXER: env.NECTO_INDEXER_PORT ? 'on' : 'off',
      NECTO_KEEPER: env.KEEPER_API_PORT ? 'on' : 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ready line within ${READY_TIMEOUT_MS} ms:\n${output}`)),
      READY_TIMEOUT_MS,
    );
    child.stdout.on('data', () => {
      if (/local stack ready at/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the stack exited with ${code} before it was ready:\n${output}`));
    });
  });
  // A test expecting the stack to fail awaits `exited` only: its `ready` rejecting is no error then.
  ready.catch(() => {});
  return { child, ready, exited, output: () => output };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
