// Starts the keeper service (`necto keeper`) on the stack's chain and waits until it has handled
// the requested jobs: the seeded ones are routed before the stack calls itself ready.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_APP_PORT, readStackDeployment, repoRoot } from './config.ts';
import type { StackConfig } from './config.ts';
import { portInUseMessage } from './ports.ts';
import { getJson, pollUntil, within } from './probes.ts';
import { superviseProcess } from './services.ts';
import type { Service } from './services.ts';
import { StepError } from './steps.ts';

const READY_TIMEOUT_MS = 120_000;
const KEEPER_CLI = join(repoRoot, 'agent-keeper/src/cli/main.ts');
/** The keeper prints this once its API listens. */
const LISTENING_LINE = /Keeper API at http:\/\/127\.0\.0\.1:(\d+)/;

export type KeeperHealth = { status: number; backlog?: number };

export async function startKeeper(config: StackConfig, port: number): Promise<Service> {
  const child = spawn(process.execPath, [KEEPER_CLI, 'keeper'], {
    cwd: repoRoot,
    env: keeperEnv(config, port),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // Ctrl-C reaches the stack only, which stops the keeper
  });
  const keeper = superviseProcess('keeper', child);
  try {
    await Promise.race([
      waitUntilIdle(keeper, port),
      keeper.exited.then(() => {
        throw new StepError('the keeper exited before it was ready', keeper.recentOutput());
      }),
    ]);
  } catch (error) {
    await keeper.stop();
    throw error instanceof StepError ? new StepError(error.message, error.details || keeper.recentOutput()) : error;
  }
  return keeper;
}

/** GET /health: 200 once the keeper is ready; `backlog` counts the requested jobs it has not handled. */
export async function keeperHealth(port: number): Promise<KeeperHealth | undefined> {
  const answer = await getJson(`http://127.0.0.1:${port}/health`);
  if (!answer) return undefined;
  const backlog = (answer.body as { backlog?: unknown } | undefined)?.backlog;
  return { status: answer.status, ...(typeof backlog === 'number' && { backlog }) };
}

function keeperEnv(config: StackConfig, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NECTO_RPC_URL: config.rpcUrl,
    NECTO_CHAIN_ID: String(config.chainId),
    NECTO_PROVIDERS: process.env.NECTO_PROVIDERS || 'snapshot',
    KEEPER_API_PORT: String(port),
    ...deployedMarket(config),
    ...appOrigins(config),
  };
  // The stack deploys with anvil's keeper account (forge.ts drops KEEPER_ADDRESS): a key exported
  // for another chain would sign for an account the local market does not know.
  delete env.KEEPER_PRIVATE_KEY;
  return env;
}

/** The keeper lets the app's default origins call its API (port 5173): the app on another port needs
 * its own, unless NECTO_APP_ORIGINS says which. */
function appOrigins({ appPort }: StackConfig): { NECTO_APP_ORIGINS?: string } {
  if (process.env.NECTO_APP_ORIGINS || appPort === undefined || appPort === DEFAULT_APP_PORT) return {};
  return { NECTO_APP_ORIGINS: `http://127.0.0.1:${appPort},http://localhost:${appPort}` };
}

/** The market the stack just deployed, from the deployments file Deploy wrote. */
function deployedMarket(config: StackConfig): { NECTO_MARKET_ADDRESS: string; NECTO_START_BLOCK: string } {
  const deployment = readStackDeployment(config);
  return { NECTO_MARKET_ADDRESS: deployment.contracts.NectoMarket, NECTO_START_BLOCK: String(deployment.startBlock) };
}

async function waitUntilIdle(keeper: Service, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const announced = await within(keeper.lineMatching(LISTENING_LINE), READY_TIMEOUT_MS);
  if (!announced) throw new StepError(`the keeper did not print "Keeper API at" within ${READY_TIMEOUT_MS / 1000} s`);
  if (Number(announced[1]) !== port) {
    throw new StepError(portInUseMessage({ variable: 'KEEPER_API_PORT', port }));
  }
  let last: KeeperHealth | undefined;
  const idle = await pollUntil(
    async () => {
      last = await keeperHealth(port);
      return last?.status === 200 && last.backlog === 0 ? true : undefined;
    },
    Math.max(0, deadline - Date.now()),
    250,
  );
  if (!idle) {
    const seen = last ? `GET /health answered ${last.status}, backlog ${last.backlog ?? 'missing'}` : 'GET /health did not answer';
    throw new StepError(`the keeper did not handle the requested jobs within ${READY_TIMEOUT_MS / 1000} s (${seen})`);
  }
}
