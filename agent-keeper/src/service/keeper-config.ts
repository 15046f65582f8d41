// The keeper service's settings: environment variables with working defaults; a bad value is one
// ConfigError naming the variable and what it expects.
import { ConfigError } from '../scan.ts';

export type KeeperSettings = {
  /** 127.0.0.1 port of the HTTP API (KEEPER_API_PORT). */
  apiPort: number;
  /** Seconds one live scan serves every decision (NECTO_SCAN_TTL_S). */
  scanTtlSec: number;
  /** A routed job moves to an offer at least this share cheaper (NECTO_REROUTE_MIN_SAVING, 0.10). */
  rerouteMinSaving: number;
  /** How often routed jobs are checked for a failover or a cheaper offer (NECTO_REROUTE_CHECK_S). */
  rerouteCheckSec: number;
  /** How long a job with no eligible offer is retried before it is marked unroutable on-chain
   *  (NECTO_UNROUTABLE_GRACE_S; 0 marks it at once). */
  unroutableGraceSec: number;
  /** Seconds between retries of such a job (NECTO_RETRY_S). */
  retrySec: number;
  /** Browser origins allowed to call the API (NECTO_APP_ORIGINS, comma-separated). */
  appOrigins: string[];
};

export const DEFAULT_APP_ORIGINS = ['http://127.0.0.1:5173', 'http://localhost:5173'];

export function readKeeperSettings(env: NodeJS.ProcessEnv = process.env): KeeperSettings {
  return {
    apiPort: port(env, 'KEEPER_API_PORT', 8788),
    scanTtlSec: number(env, 'NECTO_SCAN_TTL_S', 30, { min: 1 }),
    rerouteMinSaving: number(env, 'NECTO_REROUTE_MIN_SAVING', 0.1, { min: 0, max: 0.99 }),
    rerouteCheckSec: number(env, 'NECTO_REROUTE_CHECK_S', 15, { min: 1 }),
    unroutableGraceSec: number(env, 'NECTO_UNROUTABLE_GRACE_S', 300, { min: 0 }),
    retrySec: number(env, 'NECTO_RETRY_S', 30, { min: 1 }),
    appOrigins: origins(env),
  };
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > 65535) throw new ConfigError(`${name} must be a TCP port number (0-65535), got "${raw}"`);
  return value;
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, range: { min: number; max?: number }): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isFinite(value) || value < range.min || value > max) {
    const bounds = range.max === undefined ? `at least ${range.min}` : `from ${range.min} to ${range.max}`;
    throw new ConfigError(`${name} must be a number ${bounds} (got "${raw}")`);
  }
  return value;
}

function origins(env: NodeJS.ProcessEnv): string[] {
  const raw = env.NECTO_APP_ORIGINS;
  if (!raw) return DEFAULT_APP_ORIGINS;
  const list = raw.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of list) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) {
      throw new ConfigError(`NECTO_APP_ORIGINS must list origins like http://127.0.0.1:5173, comma-separated (got "${origin}")`);
    }
  }
  return list;
}
