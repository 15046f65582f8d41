// What the app is pointed at, served as /config.json by the app server (server/serve.ts) and the
// dev server, so one build runs against any chain, indexer and keeper.
import type { Address } from 'viem';

export type AppConfig = {
  chainId: number;
  chainName: string;
  /** JSON-RPC the browser reads the chain from (and the dev wallet sends through). */
  rpcUrl: string;
  /** Ponder's base URL; GraphQL at `${indexerUrl}/graphql`. */
  indexerUrl: string;
  /** The keeper API's base URL. */
  keeperUrl: string;
  contracts: { market: Address; usdc: Address; teamAccess: Address };
  /** Block explorer base URL (`/tx/<hash>`, `/address/<a>`), when the chain has one. */
  explorerUrl?: string;
  /** Offer anvil's unlocked accounts as a wallet (local chain only). */
  devAccounts: Address[];
};

export function isAppConfig(value: unknown): value is AppConfig {
  const v = value as AppConfig;
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isInteger(v.chainId) &&
    typeof v.rpcUrl === 'string' &&
    typeof v.indexerUrl === 'string' &&
    typeof v.keeperUrl === 'string' &&
    typeof v.contracts?.market === 'string' &&
    typeof v.contracts?.usdc === 'string' &&
    Array.isArray(v.devAccounts)
  );
}
