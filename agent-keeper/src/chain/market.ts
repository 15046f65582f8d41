// The keeper's view of the Necto contracts: the job to route, its team's whitelist, the gateway
// offers that carry external networks on-chain, and the one place that signs (route, unroutable).
import { createPublicClient, createWalletClient, http } from 'viem';
import type { Abi, Address, Hex, PublicClient, WalletClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { nectoMarketAbi, teamAccessAbi } from '@necto/contracts';
import { nectoDeployment } from '../sources/necto.ts';
import { ascii, readOffers, revertName, rpcErrorMessage } from './offers.ts';
import type { OnchainOffer, OnchainPricing } from './offers.ts';
import { ChainError } from './errors.ts';
import { decodeJob } from './jobs.ts';
import type { OnchainJob, RawJob } from './jobs.ts';
import { createSigner } from './signer.ts';
import type { Sent } from './signer.ts';

export type { OnchainOffer, OnchainPricing };
export { ChainError } from './errors.ts';
export { JOB_STATUS } from './jobs.ts';
export type { JobStatus, OnchainJob } from './jobs.ts';
export type { Mined, Sent } from './signer.ts';
export { SendError } from './signer.ts';

/** anvil's account 1, the local deployment's keeper (script/Deploy.s.sol). Never used off 31337. */
const ANVIL_KEEPER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
export const LOCAL_CHAIN_ID = 31337;

export type OnchainProvider = { providerId: number; sourceTag?: string };

/** TeamAccess's TeamRole, by value. */
const TEAM_ROLE = { None: 0, Viewer: 1, User: 2, Admin: 3 } as const;


export type Market = {
  chainId: number;
  rpcUrl: string;
  address: Address;
  keeper: Address;
  /** The block the market was deployed in: where its history (events) starts. */
  deploymentBlock: bigint;
  /** For readers of the market's history (track records, the watcher). */
  client: PublicClient;
  /** How often the head and receipts are polled, ms (NECTO_POLL_MS). */
  pollMs: number;
  /** Seconds a provider has to start a routed job once its review window has passed (immutable). */
  startWindow: number;
  readJob(jobId: bigint): Promise<OnchainJob>;
  readOffers(): Promise<OnchainOffer[]>;
  readProviders(): Promise<OnchainProvider[]>;
  /** Provider ids the team lets its jobs use, or undefined when its whitelist is off. */
  teamWhitelist(teamId: number, providers: OnchainProvider[]): Promise<number[] | undefined>;
  /** Whether `account` still submits for the team (User or Admin): `route` refuses the jobs of a
   *  member whose role was revoked. */
  teamSubmitterActive(teamId: number, account: Address): Promise<boolean>;
  /** Number of jobs ever requested: ids run from 1 to it. */
  jobCount(): Promise<bigint>;
  /** The keeper's calls: each resolves once the node accepted the transaction (SendError if it
   *  would revert or was not sent), with its receipt to come in `mined`. */
  route(jobId: bigint, offerId: number, pricePerGpuHour: number, root: Hex): Promise<Sent>;
  reroute(jobId: bigint, offerId: number, pricePerGpuHour: number, root: Hex): Promise<Sent>;
  markUnroutable(jobId: bigint, root: Hex): Promise<Sent>;
  /** Frees the GPUs of a job past its start or completion deadline (anyone may). */
  expire(jobId: bigint): Promise<Sent>;
  /** Unix seconds a transaction sent now is mined at, at the earliest: the latest block's time + 1,
   *  or the wall clock when later (an idle local chain mines no blocks). */
  routeTime(): Promise<number>;
};

/** How often receipts and the chain head are polled, ms (NECTO_POLL_MS). */
export const DEFAULT_POLL_MS = 200;

/** Connects to NECTO_RPC_URL (local anvil by default) with KEEPER_PRIVATE_KEY (anvil's keeper locally). */
export async function connectMarket(env: NodeJS.ProcessEnv = process.env): Promise<Market> {
  const rpcUrl = env.NECTO_RPC_URL || 'http://127.0.0.1:8545';
  const pollingInterval = pollMs(env);
  const publicClient = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }), pollingInterval }) as PublicClient;
  let chainId: number;
  try {
    chainId = await publicClient.getChainId();
  } catch (error) {
    throw new ChainError(`cannot reach the chain at ${rpcUrl} (NECTO_RPC_URL; is \`npm start\` running?): ${rpcErrorMessage(error)}`);
  }
  const keeperKey = env.KEEPER_PRIVATE_KEY || (chainId === LOCAL_CHAIN_ID ? ANVIL_KEEPER_KEY : undefined);
  if (!keeperKey || !/^0x[0-9a-fA-F]{64}$/.test(keeperKey)) {
    throw new ChainError(`KEEPER_PRIVATE_KEY must be a 0x-prefixed 32-byte hex key on chain ${chainId}`);
  }
  const account = privateKeyToAccount(keeperKey as Hex);
  const chain = { id: chainId, name: `chain ${chainId}`, nativeCurrency: { name: 'ETH', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } };
  const wallet = createWalletClient({ account, chain, transport: http(rpcUrl, { retryCount: 0 }) }) as WalletClient;
  let deployment: ReturnType<typeof nectoDeployment>;
  try {
    deployment = nectoDeployment({ ...env, NECTO_CHAIN_ID: String(chainId) });
  } catch (error) {
    throw new ChainError((error as Error).message);
  }
  const address = deployment.address;
  const signer = createSigner(publicClient, wallet, account, chain);
  const read = <T>(functionName: string, args: unknown[] = [], abi: unknown = nectoMarketAbi, to: Address = address) =>
    publicClient.readContract({ address: to, abi, functionName, args } as never) as Promise<T>;
  const [teamAccess, startWindow] = await Promise.all([read<Address>('teamAccess'), read<bigint>('startWindow')]).catch(
    (error: unknown) => {
      throw new ChainError(`cannot read the market at ${address} on chain ${chainId}: ${rpcErrorMessage(error)}`);
    },
  );

  const send = (functionName: string, args: [bigint, ...unknown[]]): Promise<Sent> =>
    signer.send({ address, abi: nectoMarketAbi as Abi, functionName, args });

  return {
    chainId,
    rpcUrl,
    address,
    keeper: account.address,
    deploymentBlock: deployment.startBlock,
    client: publicClient,
    pollMs: pollingInterval,
    startWindow: Number(startWindow),
    async readJob(jobId) {
      const job = await read<RawJob>('getJob', [jobId]).catch((error: unknown) => {
        if (revertName(error) === 'JobRegistry_UnknownJob') {
          throw new ChainError(`job ${jobId} does not exist on chain ${chainId} (market ${address})`);
        }
        throw new ChainError(`cannot read job ${jobId}: ${rpcErrorMessage(error)}`);
      });
      return decodeJob(jobId, job);
    },
    readOffers: () => readOffers(publicClient, address),
    async readProviders() {
      const count = Number(await read<number>('providerCount'));
      const providers = await Promise.all(
        Array.from({ length: count }, (_, i) => read<{ sourceTag: Hex }>('getProvider', [i + 1])),
      );
      return providers.map((p, i) => {
        const tag = ascii(p.sourceTag);
        return { providerId: i + 1, ...(tag && { sourceTag: tag }) };
      });
    },
    async teamWhitelist(teamId, providers) {
      const [, whitelistEnabled] = await read<[adminCount: number, whitelistEnabled: boolean]>('teamState', [teamId], teamAccessAbi, teamAccess);
      if (!whitelistEnabled) return undefined;
      const allowed = await Promise.all(
        providers.map((p) => read<boolean>('isProviderAllowed', [teamId, p.providerId], teamAccessAbi, teamAccess)),
      );
      return providers.filter((_, i) => allowed[i]).map((p) => p.providerId);
    },
    async teamSubmitterActive(teamId, account) {
      const role = await read<number>('roleOf', [teamId, account], teamAccessAbi, teamAccess);
      return role === TEAM_ROLE.User || role === TEAM_ROLE.Admin;
    },
    route: (jobId, offerId, price, root) => send('route', [jobId, offerId, BigInt(price), root]),
    reroute: (jobId, offerId, price, root) => send('reroute', [jobId, offerId, BigInt(price), root]),
    markUnroutable: (jobId, root) => send('markUnroutable', [jobId, root]),
    expire: (jobId) => send('expire', [jobId]),
    jobCount: async () => BigInt(await read<bigint>('jobCount')),
    async routeTime() {
      const latest = Number((await publicClient.getBlock()).timestamp);
      return Math.max(latest + 1, Math.floor(Date.now() / 1000));
    },
  };
}

function pollMs(env: NodeJS.ProcessEnv): number {
  const raw = env.NECTO_POLL_MS;
  if (!raw) return DEFAULT_POLL_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 10 || value > 60_000) {
    throw new ChainError(`NECTO_POLL_MS must be a whole number of milliseconds from 10 to 60000 (got "${raw}")`);
  }
  return value;
}
