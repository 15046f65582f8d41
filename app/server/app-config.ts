// The app's /config.json from the environment: the chain, the indexer and the keeper the browser
// talks to, and the contracts from the deployments file of that chain. Every bad value is one line
// naming the variable.
import { deployments } from '@necto/contracts';
import { mnemonicToAccount } from 'viem/accounts';
import type { Address } from 'viem';
import type { AppConfig } from '../src/lib/app-config.ts';

export class AppConfigError extends Error {}

const LOCAL_CHAIN_ID = 31337;
const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** The accounts the local stack's anvil funds (script/local-stack/anvil.ts): 0-9 seeded roles, 10-11 fresh. */
const DEV_ACCOUNTS = 12;

type Deployed = { contracts: { NectoMarket: Address; USDC: Address; TeamAccess: Address } };

export function appConfigFromEnv(env: NodeJS.ProcessEnv): AppConfig {
  const chainId = Number(env.NECTO_CHAIN_ID || LOCAL_CHAIN_ID);
  if (!Number.isInteger(chainId) || chainId <= 0) throw new AppConfigError(`NECTO_CHAIN_ID must be a chain id (got "${env.NECTO_CHAIN_ID}")`);
  const local = chainId === LOCAL_CHAIN_ID;
  const anvilPort = env.NECTO_ANVIL_PORT || '8545';
  const rpcUrl = url(env, 'NECTO_RPC_URL', `http://127.0.0.1:${anvilPort}`);
  const indexerUrl = url(env, 'NECTO_INDEXER_URL', `http://127.0.0.1:${env.NECTO_INDEXER_PORT || '42069'}`);
  const keeperUrl = url(env, 'KEEPER_URL', `http://127.0.0.1:${env.KEEPER_API_PORT || '8788'}`);
  const deployed = (deployments as Record<number, Deployed>)[chainId];
  const address = (name: string, fallback: Address | undefined): Address => {
    const value = env[name] || fallback;
    if (!value) throw new AppConfigError(`${name} is required: chain ${chainId} has no deployments/${chainId}.json`);
    if (!ADDRESS.test(value)) throw new AppConfigError(`${name} must be a 0x-prefixed 20-byte address (got "${value}")`);
    return value as Address;
  };
  const explorerUrl = env.NECTO_EXPLORER_URL ? url(env, 'NECTO_EXPLORER_URL', '') : undefined;
  return {
    chainId,
    chainName: env.NECTO_CHAIN_NAME || (local ? 'Local chain (anvil)' : `Chain ${chainId}`),
    rpcUrl,
    indexerUrl,
    keeperUrl,
    contracts: {
      market: address('NECTO_MARKET_ADDRESS', deployed?.contracts.NectoMarket),
      usdc: address('NECTO_USDC_ADDRESS', deployed?.contracts.USDC),
      teamAccess: address('NECTO_TEAM_ACCESS_ADDRESS', deployed?.contracts.TeamAccess),
    },
    ...(explorerUrl && { explorerUrl }),
    devAccounts: local ? Array.from({ length: DEV_ACCOUNTS }, (_, i) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i }).address) : [],
  };
}

function url(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = (env[name] || fallback).replace(/\/+$/, '');
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
  } catch {
    throw new AppConfigError(`${name} must be an http(s) URL (got "${value}")`);
  }
  return value;
}
