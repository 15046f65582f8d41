// Which Akash Console the keeper's Akash gateway talks to: the live API with a key, a local
// stand-in (the default on the local chain), or none (jobs routed to Akash then await a person at
// `necto operator`). A bad value is one ConfigError naming the variable.
import { resolve } from 'node:path';
import { connectOperator } from '../../chain/operator.ts';
import { REPO_ROOT } from '../../decision/store.ts';
import type { DecisionStore } from '../../decision/store.ts';
import { ConfigError } from '../../scan.ts';
import type { ActivityLog } from '../../service/activity.ts';
import { AkashGateway } from './akash-gateway.ts';
import type { AkashGatewayDeps } from './akash-gateway.ts';
import { AKASH_CONSOLE_URL, AkashConsole } from './console-client.ts';
import { startConsoleStandin } from './console-standin.ts';
import { RunBook } from './run-book.ts';

const LOCAL_CHAIN_ID = 31337;
const STANDIN_KEY = 'ac.sk.standin.' + '0'.repeat(64);
const MODES = ['standin', 'live', 'off'] as const;

export type AkashMode = (typeof MODES)[number];

export function akashMode(env: NodeJS.ProcessEnv, chainId: number): AkashMode {
  const raw = env.NECTO_AKASH_GATEWAY;
  if (!raw) return chainId === LOCAL_CHAIN_ID ? 'standin' : 'off';
  if (!(MODES as readonly string[]).includes(raw)) throw new ConfigError(`NECTO_AKASH_GATEWAY must be standin, live or off (got "${raw}")`);
  if (raw === 'live' && !env.AKASH_CONSOLE_API_KEY) throw new ConfigError('NECTO_AKASH_GATEWAY=live needs AKASH_CONSOLE_API_KEY (an ac.sk.… key from Console, Settings, API Keys)');
  return raw as AkashMode;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(`${name} must be a number of seconds, 0 or more (got "${raw}")`);
  return value;
}

/** The gateway for this environment, or undefined when it is off; `close` stops a stand-in. */
export async function connectAkashGateway(
  env: NodeJS.ProcessEnv,
  chainId: number,
  deps: Pick<AkashGatewayDeps, 'activity' | 'store' | 'handBack'>,
): Promise<{ gateway: AkashGateway; close(): Promise<void> } | undefined> {
  const mode = akashMode(env, chainId);
  if (mode === 'off') return undefined;
  const operator = await connectOperator(env);
  const standin =
    mode === 'standin'
      ? await startConsoleStandin({
          apiKey: STANDIN_KEY,
          port: seconds(env, 'NECTO_AKASH_STANDIN_PORT', 0),
          bidDelayMs: seconds(env, 'NECTO_AKASH_STANDIN_BID_S', 3) * 1000,
          readyDelayMs: 2_000,
          runMs: seconds(env, 'NECTO_AKASH_STANDIN_RUN_S', 60) * 1000,
        })
      : undefined;
  const console = new AkashConsole(standin ? { baseUrl: standin.url, apiKey: STANDIN_KEY } : { baseUrl: env.AKASH_CONSOLE_URL || AKASH_CONSOLE_URL, apiKey: env.AKASH_CONSOLE_API_KEY! });
  const runBook = new RunBook(env.NECTO_AKASH_RUN_BOOK ? resolve(REPO_ROOT, env.NECTO_AKASH_RUN_BOOK) : resolve(REPO_ROOT, `.necto/akash-gateway/runs-${chainId}-${operator.market.toLowerCase()}.json`));
  const gateway = new AkashGateway({ ...deps, operator, console, runBook, timing: { bidTimeoutMs: seconds(env, 'NECTO_AKASH_BID_TIMEOUT_S', 60) * 1000 } });
  return { gateway, close: async () => standin?.close() };
}
