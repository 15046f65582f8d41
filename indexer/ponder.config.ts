// Necto indexer configuration: one chain (from env, the local anvil by default), the NectoMarket
// and TeamAccess contracts from the @necto/contracts bindings, PGlite unless DATABASE_URL is set.
import { createConfig } from 'ponder';
import { deployments, nectoMarketAbi, teamAccessAbi } from '@necto/contracts';
import type { Address, Deployment } from '@necto/contracts';

const LOCAL_CHAIN_ID = 31337;
/** Ponder rate-limits each RPC URL; listing the local node several times speeds up backfill. */
const LOCAL_RPC_FAN_OUT = 8;

function fail(variable: string, expected: string, got: string): never {
  throw new Error(`${variable}: expected ${expected}, got "${got}"`);
}

function envInteger(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) fail(variable, 'a non-negative integer', raw);
  return Number(raw);
}

function envAddress(variable: string, fallback: Address | undefined): Address {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') {
    if (fallback === undefined) fail(variable, 'a 0x-prefixed 20-byte address (no deployment is known for this chain)', '');
    return fallback;
  }
  if (!/^0x[0-9a-fA-F]{40}$/.test(raw)) fail(variable, 'a 0x-prefixed 20-byte address', raw);
  return raw as Address;
}

const rpcUrl = process.env.NECTO_RPC_URL || 'http://127.0.0.1:8545';
if (!/^(https?|wss?):\/\//.test(rpcUrl)) fail('NECTO_RPC_URL', 'an http(s) or ws(s) URL', rpcUrl);
const chainId = envInteger('NECTO_CHAIN_ID', LOCAL_CHAIN_ID);
const isLocal = chainId === LOCAL_CHAIN_ID;
const deployment: Deployment | undefined = (deployments as Record<number, Deployment>)[chainId];

const marketAddress = envAddress('NECTO_MARKET_ADDRESS', deployment?.contracts.NectoMarket);
const teamAccessAddress = envAddress('NECTO_TEAM_ACCESS_ADDRESS', deployment?.contracts.TeamAccess);
const startBlock = envInteger('NECTO_START_BLOCK', deployment?.startBlock ?? 0);

export default createConfig({
  database: process.env.DATABASE_URL
    ? { kind: 'postgres', connectionString: process.env.DATABASE_URL }
    : { kind: 'pglite', directory: process.env.NECTO_PGLITE_DIR || '.ponder/pglite' },
  chains: {
    necto: {
      id: chainId,
      rpc: isLocal ? Array.from({ length: LOCAL_RPC_FAN_OUT }, () => rpcUrl) : rpcUrl,
      // A restarted anvil reuses chain id 31337 with different blocks: never trust a cached RPC answer.
      disableCache: isLocal,
      ...(isLocal ? { pollingInterval: 250 } : {}),
    },
  },
  contracts: {
    NectoMarket: { chain: 'necto', abi: nectoMarketAbi, address: marketAddress, startBlock },
    TeamAccess: { chain: 'necto', abi: teamAccessAbi, address: teamAccessAddress, startBlock },
  },
});
