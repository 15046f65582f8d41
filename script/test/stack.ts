// Starts `npm start`'s program (script/local-stack.ts) on a given port for tests, and finds free ports;
// startFullStack() runs everything (indexer, keeper, app) on free ports, for end-to-end tests.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { rmSync } from 'node:fs';
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
 * keeper unless KEEPER_API_PORT is (tests that route the seeded jobs themselves need it off), the app
 * unless NECTO_APP_PORT is. */
export function startStack(port: number, deploymentsDir: string, env: Record<string, string> = {}): Stack {
  const child = spawn(process.execPath, [join(root, 'script/local-stack.ts')], {
    cwd: root,
    env: {
      ...process.env,
      NECTO_ANVIL_PORT: String(port),
      DEPLOYMENTS_DIR: deploymentsDir,
      NECTO_INDEXER: env.NECTO_INDEXER_PORT ? 'on' : 'off',
      NECTO_KEEPER: env.KEEPER_API_PORT ? 'on' : 'off',
      NECTO_APP: env.NECTO_APP_PORT ? 'on' : 'off',
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

export type FullStack = Stack & {
  ports: { anvil: number; indexer: number; keeper: number; app?: number };
  /** Base URLs without a trailing slash: the app's is undefined when it is off. */
  urls: { rpc: string; indexer: string; keeper: string; app?: string };
  /** Where Deploy and Seed wrote 31337.json and 31337.seed.json, relative to the repository root. */
  deploymentsDir: string;
  /** Ctrl-C: SIGINT, then the exit code once everything stopped. */
  stop(): Promise<number | null>;
  /** Stops the stack if it still runs (SIGINT, SIGKILL after 15 s) and removes its deployments
   * folder and indexer data. */
  cleanup(): Promise<void>;
};

/** The indexer, the keeper and (unless `app: false`) the app, each on a free port, in a scratch
 * deployments folder. Await `ready`; call `cleanup()` in an after hook. `env` adds to the environment. */
export async function startFullStack(options: { app?: boolean; env?: Record<string, string> } = {}): Promise<FullStack> {
  const ports = {
    anvil: await freePort(),
    indexer: await freePort(),
    keeper: await freePort(),
    ...(options.app !== false && { app: await freePort() }),
  };
  const deploymentsDir = `deployments/.test-${process.pid}-${ports.anvil}`;
  const stack = startStack(ports.anvil, deploymentsDir, {
    NECTO_INDEXER_PORT: String(ports.indexer),
    KEEPER_API_PORT: String(ports.keeper),
    ...(ports.app !== undefined && { NECTO_APP_PORT: String(ports.app) }),
    ...options.env,
  });
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const running = () => stack.child.exitCode === null && stack.child.signalCode === null;
  return {
    ...stack,
    ports,
    urls: {
      rpc: local(ports.anvil),
      indexer: local(ports.indexer),
      keeper: local(ports.keeper),
      ...(ports.app !== undefined && { app: local(ports.app) }),
    },
    deploymentsDir,
    stop() {
      if (running()) stack.child.kill('SIGINT');
      return stack.exited;
    },
    async cleanup() {
      if (running()) {
        // SIGINT lets the stack stop what it started; SIGKILL would leave its services running.
        stack.child.kill('SIGINT');
        const timer = setTimeout(() => stack.child.kill('SIGKILL'), 15_000);
        await stack.exited;
        clearTimeout(timer);
      }
      rmSync(join(root, deploymentsDir), { recursive: true, force: true });
      rmSync(join(root, 'indexer/.ponder', `pglite-${ports.indexer}`), { recursive: true, force: true });
    },
  };
}

/** Ports this process has handed out: the OS may offer a just-closed port again, and two services
 *  of one stack must never share one. */
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}
