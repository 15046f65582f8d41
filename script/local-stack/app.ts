// The app: built when app/build is missing or older than what it is built from (a fresh clone
// builds once, later starts reuse it), then served by app/server/main.ts pointed at this stack's
// chain, indexer, keeper and freshly deployed contracts.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readStackDeployment, repoRoot } from './config.ts';
import type { StackConfig } from './config.ts';
import { runCommand } from './commands.ts';
import { portInUseMessage } from './ports.ts';
import { getJson, pollUntil, within } from './probes.ts';
import { superviseProcess } from './services.ts';
import type { Service } from './services.ts';
import { StepError } from './steps.ts';

const READY_TIMEOUT_MS = 15_000;
const BUILD_LOCK_TIMEOUT_MS = 300_000;
const APP_SERVER = join(repoRoot, 'app/server/main.ts');
const BUILT_PAGE = join(repoRoot, 'app/build/index.html');
/** Everything the build reads that changes in this repository. */
const BUILD_INPUTS = ['app/src', 'app/static', 'app/vite.config.ts', 'app/package.json', 'agent-keeper/src', 'contracts/bindings'];
/** Two stacks starting at once must not build into app/build together: the first builds, the other waits. */
const BUILD_LOCK = join(repoRoot, 'node_modules/.cache/necto-app-build.lock');
/** The app server prints this once it listens. */
const LISTENING_LINE = /Necto app at http:\/\/127\.0\.0\.1:(\d+)/;

/** Why app/build must be rebuilt ("app/src/routes/+page.svelte changed"), or undefined when it is current. */
export function staleBuildReason(): string | undefined {
  if (!existsSync(BUILT_PAGE)) return 'app/build has no index.html';
  const built = statSync(BUILT_PAGE).mtimeMs;
  for (const input of BUILD_INPUTS) {
    const newer = newestUnder(join(repoRoot, input));
    if (newer && newer.mtimeMs > built) return `${relative(repoRoot, newer.path)} changed since the last build`;
  }
  return undefined;
}

/** `npm run build -w app`, unless another stack has just built it. The build is dated from its
 * start, so a source edited while it ran triggers the next one. */
export async function buildApp(signal?: AbortSignal): Promise<void> {
  await takeBuildLock(signal);
  const release = () => rmSync(BUILD_LOCK, { recursive: true, force: true });
  process.once('exit', release);
  try {
    if (!staleBuildReason()) return;
    const started = new Date();
    await runCommand('npm', ['run', 'build', '-w', 'app'], { signal, env: nodeFirstEnv() });
    if (!existsSync(BUILT_PAGE)) throw new StepError('`npm run build -w app` wrote no app/build/index.html');
    utimesSync(BUILT_PAGE, started, started);
  } finally {
    process.off('exit', release);
    release();
  }
}

export async function startApp(config: StackConfig, port: number): Promise<Service> {
  const child = spawn(process.execPath, [APP_SERVER], {
    cwd: repoRoot,
    env: appEnv(config, port),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // Ctrl-C reaches the stack only, which stops the app server
  });
  const app = superviseProcess('app', child);
  try {
    await Promise.race([
      waitForConfig(app, port),
      app.exited.then(() => {
        throw new StepError('the app server exited before it was ready', app.recentOutput());
      }),
    ]);
  } catch (error) {
    await app.stop();
    throw error instanceof StepError ? new StepError(error.message, error.details || app.recentOutput()) : error;
  }
  return app;
}

/** The app server's settings (app/server/app-config.ts): this stack's services and contracts. */
function appEnv(config: StackConfig, port: number): NodeJS.ProcessEnv {
  const { NectoMarket, USDC, TeamAccess } = readStackDeployment(config).contracts;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NECTO_APP_PORT: String(port),
    NECTO_CHAIN_ID: String(config.chainId),
    NECTO_RPC_URL: config.rpcUrl,
    NECTO_MARKET_ADDRESS: NectoMarket,
    NECTO_USDC_ADDRESS: USDC,
    NECTO_TEAM_ACCESS_ADDRESS: TeamAccess,
    ...(config.indexerPort !== undefined && { NECTO_INDEXER_URL: `http://127.0.0.1:${config.indexerPort}` }),
    ...(config.keeperPort !== undefined && { KEEPER_URL: `http://127.0.0.1:${config.keeperPort}` }),
  };
  // Settings of a remote chain: the local chain has no explorer and its own name.
  delete env.NECTO_EXPLORER_URL;
  delete env.NECTO_CHAIN_NAME;
  return env;
}

async function waitForConfig(app: Service, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const announced = await within(app.lineMatching(LISTENING_LINE), READY_TIMEOUT_MS);
  if (!announced) throw new StepError(`the app server did not print "Necto app at" within ${READY_TIMEOUT_MS / 1000} s`);
  if (Number(announced[1]) !== port) throw new StepError(portInUseMessage({ variable: 'NECTO_APP_PORT', port }));
  const url = `http://127.0.0.1:${port}/config.json`;
  const served = await pollUntil(
    async () => ((await getJson(url))?.status === 200 ? true : undefined),
    Math.max(0, deadline - Date.now()),
    100,
  );
  if (!served) throw new StepError(`the app server did not answer GET ${url} with 200 within ${READY_TIMEOUT_MS / 1000} s`);
}

/** The newest file or folder (a deletion dates its folder) at or under `path`; undefined if absent. */
function newestUnder(path: string): { path: string; mtimeMs: number } | undefined {
  if (!existsSync(path)) return undefined;
  let newest = { path, mtimeMs: statSync(path).mtimeMs };
  if (!statSync(path).isDirectory()) return newest;
  for (const entry of readdirSync(path, { recursive: true, encoding: 'utf8' })) {
    const mtimeMs = statSync(join(path, entry), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (mtimeMs > newest.mtimeMs) newest = { path: join(path, entry), mtimeMs };
  }
  return newest;
}

/** npm and vite run with the Node running the stack (24), whatever `node` the PATH finds first. */
function nodeFirstEnv(): NodeJS.ProcessEnv {
  const bin = join(process.execPath, '..');
  return { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
}

/** A folder as a lock (mkdir is atomic), holding the builder's pid; a dead builder's lock is taken over. */
async function takeBuildLock(signal?: AbortSignal): Promise<void> {
  mkdirSync(join(BUILD_LOCK, '..'), { recursive: true });
  const deadline = Date.now() + BUILD_LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      writeFileSync(join(BUILD_LOCK, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!isAlive(lockHolder()) || lockAgeMs() > BUILD_LOCK_TIMEOUT_MS) {
      rmSync(BUILD_LOCK, { recursive: true, force: true });
      continue;
    }
    if (signal?.aborted) throw new StepError('stopped while waiting for another stack to build the app');
    if (Date.now() > deadline) {
      throw new StepError(`another stack (pid ${lockHolder()}) did not finish building the app within ${BUILD_LOCK_TIMEOUT_MS / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function lockHolder(): number | undefined {
  try {
    return Number(readFileSync(join(BUILD_LOCK, 'pid'), 'utf8')) || undefined;
  } catch {
    return undefined;
  }
}

function lockAgeMs(): number {
  const stat = statSync(BUILD_LOCK, { throwIfNoEntry: false });
  return stat ? Date.now() - stat.mtimeMs : 0;
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return lockAgeMs() < 5000; // the holder is between mkdir and writing its pid
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
