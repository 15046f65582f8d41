// The local stack's configuration: environment variables with working defaults, and one clear line
// naming the variable when a value is wrong.
import { readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');

export type StackConfig = {
  host: string;
  port: number;
  chainId: number;
  rpcUrl: string;
  /** Where Deploy and Seed write <chainId>.json and <chainId>.seed.json, relative to the repository root. */
  deploymentsDir: string;
  /** The indexer's port, or undefined when NECTO_INDEXER=off. */
  indexerPort?: number;
  /** PostgreSQL for the indexer (DATABASE_URL); PGlite in indexer/.ponder otherwise. */
  databaseUrl?: string;
  /** The keeper API's port, or undefined when NECTO_KEEPER=off. */
  keeperPort?: number;
  /** The app server's port, or undefined when NECTO_APP=off. */
  appPort?: number;
};

/** What Deploy wrote for this stack's chain: the contracts and the block their history starts at. */
export type StackDeployment = { startBlock: number; contracts: { NectoMarket: string; USDC: string; TeamAccess: string } };

export function readStackDeployment(config: StackConfig): StackDeployment {
  return JSON.parse(readFileSync(join(repoRoot, config.deploymentsDir, `${config.chainId}.json`), 'utf8')) as StackDeployment;
}

/** The app server's port when NECTO_APP_PORT is not set; the keeper's default CORS origins name it. */
export const DEFAULT_APP_PORT = 5173;

/** A port a service of this run listens on, with the variable that moves it. */
export type ServicePort = { variable: string; port: number };

export class ConfigError extends Error {}

export function readConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const host = '127.0.0.1';
  const port = readPort(env, 'NECTO_ANVIL_PORT', 8545);
  const config: StackConfig = {
    host,
    port,
    chainId: 31337,
    rpcUrl: `http://${host}:${port}`,
    deploymentsDir: readDeploymentsDir(env),
    ...(readSwitch(env, 'NECTO_INDEXER') && { indexerPort: readPort(env, 'NECTO_INDEXER_PORT', 42069) }),
    ...(env.DATABASE_URL && { databaseUrl: env.DATABASE_URL }),
    ...(readSwitch(env, 'NECTO_KEEPER') && { keeperPort: readPort(env, 'KEEPER_API_PORT', 8788) }),
    ...(readSwitch(env, 'NECTO_APP') && { appPort: readPort(env, 'NECTO_APP_PORT', DEFAULT_APP_PORT) }),
  };
  assertDistinctPorts(servicePorts(config));
  return config;
}

/** Every port this run listens on: anvil's, and the indexer's, the keeper's and the app's when they are on. */
export function servicePorts(config: StackConfig): ServicePort[] {
  return [
    { variable: 'NECTO_ANVIL_PORT', port: config.port },
    ...(config.indexerPort === undefined ? [] : [{ variable: 'NECTO_INDEXER_PORT', port: config.indexerPort }]),
    ...(config.keeperPort === undefined ? [] : [{ variable: 'KEEPER_API_PORT', port: config.keeperPort }]),
    ...(config.appPort === undefined ? [] : [{ variable: 'NECTO_APP_PORT', port: config.appPort }]),
  ];
}

function assertDistinctPorts(ports: ServicePort[]): void {
  for (const [i, a] of ports.entries()) {
    const b = ports.slice(i + 1).find((other) => other.port === a.port);
    if (b) throw new ConfigError(`${a.variable} and ${b.variable} are both ${a.port}: give each service its own port`);
  }
}

/** "on" (the default) or "off". */
function readSwitch(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw !== undefined && !['on', 'off', ''].includes(raw)) {
    throw new ConfigError(`${name} must be "on" or "off", got "${raw}"`);
  }
  return raw !== 'off';
}

function readPort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (!raw) return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new ConfigError(`${name} must be a TCP port number (1-65535), got "${raw}"`);
  }
  return port;
}

/** foundry.toml lets scripts write under ./deployments only. */
function readDeploymentsDir(env: NodeJS.ProcessEnv): string {
  const raw = env.DEPLOYMENTS_DIR || 'deployments';
  const allowed = resolve(repoRoot, 'deployments');
  const dir = resolve(repoRoot, raw);
  if (dir !== allowed && !dir.startsWith(allowed + sep)) {
    throw new ConfigError(
      `DEPLOYMENTS_DIR must be ./deployments or a folder inside it (forge may write only there), got "${raw}"`,
    );
  }
  return relative(repoRoot, dir);
}
