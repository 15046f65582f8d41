// The local stack's configuration: environment variables with working defaults, and one clear line
// naming the variable when a value is wrong.
import { relative, resolve, sep } from 'node:path';

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
};

export class ConfigError extends Error {}

export function readConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const host = '127.0.0.1';
  const port = readPort(env, 'NECTO_ANVIL_PORT', 8545);
  if (env.NECTO_INDEXER !== undefined && !['on', 'off', ''].includes(env.NECTO_INDEXER)) {
    throw new ConfigError(`NECTO_INDEXER must be "on" or "off", got "${env.NECTO_INDEXER}"`);
  }
  return {
    host,
    port,
    chainId: 31337,
    rpcUrl: `http://${host}:${port}`,
    deploymentsDir: readDeploymentsDir(env),
    ...(env.NECTO_INDEXER !== 'off' && { indexerPort: readPort(env, 'NECTO_INDEXER_PORT', 42069) }),
    ...(env.DATABASE_URL && { databaseUrl: env.DATABASE_URL }),
  };
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
