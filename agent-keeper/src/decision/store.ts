// Decision stores for the keeper (Node): the contract every store keeps, both backends, and the
// one place the environment picks between them. The browser needs none of this: it verifies
// with canonical.ts and root.ts (store-contract.ts is browser-safe too).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../scan.ts';
import { LocalDecisionStore } from './local-store.ts';
import type { DecisionStore } from './store-contract.ts';
import { ZeroGDecisionStore } from './zero-g-store.ts';

export { DecisionStoreError, parseDecisionRoot } from './store-contract.ts';
export type { DecisionStore, DecisionStoreFailure } from './store-contract.ts';
export { LocalDecisionStore } from './local-store.ts';
export { ZeroGDecisionStore } from './zero-g-store.ts';
export type { ZeroGDecisionStoreOptions, ZeroGIndexer } from './zero-g-store.ts';

/** The repository root (this file is agent-keeper/src/decision/store.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DEFAULT_DECISIONS_DIR = resolve(REPO_ROOT, '.necto/decisions');

/**
 * The store the environment asks for. NECTO_DECISION_STORE=local (default) keeps records in
 * NECTO_DATA_DIR (default <repo>/.necto/decisions; a relative path is taken from the repository
 * root, not the working directory). NECTO_DECISION_STORE=0g needs ZG_INDEXER_RPC, ZG_EVM_RPC and
 * ZG_PRIVATE_KEY. A missing or bad value is a ConfigError naming the variable.
 */
export function createDecisionStore(env: NodeJS.ProcessEnv = process.env): DecisionStore {
  const kind = env.NECTO_DECISION_STORE?.trim() || 'local';
  if (kind === 'local') {
    const dir = env.NECTO_DATA_DIR?.trim();
    return new LocalDecisionStore(dir ? resolve(REPO_ROOT, dir) : DEFAULT_DECISIONS_DIR);
  }
  if (kind === '0g') {
    return new ZeroGDecisionStore({
      indexerRpc: httpUrl(env, 'ZG_INDEXER_RPC', "the 0G Storage indexer's URL"),
      evmRpc: httpUrl(env, 'ZG_EVM_RPC', "the 0G chain's JSON-RPC URL"),
      privateKey: privateKey(env, 'ZG_PRIVATE_KEY'),
    });
  }
  throw new ConfigError(`NECTO_DECISION_STORE must be "local" or "0g" (got "${kind}")`);
}

function required(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is required when NECTO_DECISION_STORE=0g (${what})`);
  return value;
}

function httpUrl(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = required(env, name, what);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http(s) URL, ${what} (got "${value}")`);
  }
  return value;
}

/** Checked for shape only; the value is never echoed back. */
function privateKey(env: NodeJS.ProcessEnv, name: string): string {
  const value = required(env, name, 'the private key that pays 0G storage fees');
  const hex = value.startsWith('0x') || value.startsWith('0X') ? value.slice(2) : value;
  if (!/^[0-9a-fA-F]{64}$/.test(hex) || /^0+$/.test(hex)) {
    throw new ConfigError(`${name} must be a private key: 0x and 64 hex digits (the value given is not)`);
  }
  return `0x${hex}`;
}
