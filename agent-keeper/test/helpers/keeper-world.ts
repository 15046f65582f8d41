// A seeded local chain for keeper tests and the benchmark: `npm start`'s program on a free port
// (no indexer, no keeper), with brand-new buyer wallets that request jobs by direct contract calls,
// room for many jobs on a gateway offer, and the chain's own account of every route.
import { rmSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createPublicClient, createTestClient, createWalletClient, http, keccak256, parseEventLogs, stringToHex } from 'viem';
import type { Address, Hex, PublicClient } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { localUsdcAbi, nectoMarketAbi } from '@necto/contracts';
import { freePort, READY_TIMEOUT_MS, startStack } from '../../../script/test/stack.ts';
import { workloadHashOf } from '../../src/chain/workload.ts';

const REPO = resolve(import.meta.dirname, '../../..');
export { READY_TIMEOUT_MS };

export type JobTerms = {
  gpuModel?: string;
  gpuCount?: number;
  hours?: number;
  /** Micro-USD per GPU-hour. */
  maxPrice?: bigint;
  reviewSeconds?: number;
  rerouteOptIn?: boolean;
  country?: string;
  /** A workload URI (chain/workload.ts); its hash is the one a request commits. */
  workloadURI?: string;
};

export type World = Awaited<ReturnType<typeof startWorld>>;

export async function startWorld(tag: string, extraEnv: Record<string, string> = {}) {
  const port = await freePort();
  const deploymentsDir = `deployments/.test-${tag}-${process.pid}`;
  const stack = startStack(port, deploymentsDir, { NECTO_KEEPER: 'off', ...extraEnv });
  const stop = () => {
    if (stack.child.exitCode === null && stack.child.signalCode === null) stack.child.kill('SIGINT');
    rmSync(join(REPO, deploymentsDir), { recursive: true, force: true });
  };
  try {
    await stack.ready;
  } catch (error) {
    stop();
    throw error;
  }
  const deployment = JSON.parse(readFileSync(join(REPO, deploymentsDir, '31337.json'), 'utf8'));
  const seed = JSON.parse(readFileSync(join(REPO, deploymentsDir, '31337.seed.json'), 'utf8'));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const market = deployment.contracts.NectoMarket as Address;
  const usdc = deployment.contracts.USDC as Address;
  const chain = { id: 31337, name: 'anvil', nativeCurrency: { name: 'ETH', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } };
  const transport = http(rpcUrl, { retryCount: 0 });
  const reader = createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient;
  const anvil = createTestClient({ chain, mode: 'anvil', transport });
  const admin = seed.accounts.admin.address as Address;

  const sendAs = async (from: Address, to: Address, abi: unknown, functionName: string, args: unknown[]) => {
    const wallet = createWalletClient({ chain, transport });
    const hash = await wallet.writeContract({ account: from, address: to, abi, functionName, args, chain } as never);
    return reader.waitForTransactionReceipt({ hash });
  };

  return {
    rpcUrl,
    port,
    market,
    seed,
    reader,
    anvil,
    stop,
    /** Environment for a keeper (in-process or `necto keeper`) on this chain. */
    env(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
      return {
        NECTO_RPC_URL: rpcUrl,
        NECTO_MARKET_ADDRESS: market,
        NECTO_START_BLOCK: String(deployment.startBlock),
        NECTO_PROVIDERS: 'snapshot',
        NECTO_DATA_DIR: dataDir,
        ...extra,
      };
    },
    /** A gateway offer of `count` GPUs on the named network, priced at its ceiling (admin operates gateways). */
    async addGatewayCapacity(network: string, gpuModel: string, count: number, ceiling: bigint) {
      const providerId = seed.gateways[network].providerId as number;
      const receipt = await sendAs(admin, market, nectoMarketAbi, 'addOffer', [providerId, offerParams(gpuModel, count, ceiling)]);
      const [added] = parseEventLogs({ abi: nectoMarketAbi, logs: receipt.logs, eventName: 'OfferAdded' });
      return Number((added?.args as { offerId: number }).offerId);
    },
    /** The seeded gateway's offer for a network. */
    async gatewayOffer(network: string): Promise<number> {
      return (seed.gateways[network].offerIds as number[])[0]!;
    },
    /** The keeper account moves an opted-in routed job to `offerId` at `price`, with a made-up root. */
    async keeperRoute(jobId: bigint, offerId: number, price = 2_500_000n) {
      const root = keccak256(stringToHex(`hand-routed ${jobId} to ${offerId}`));
      return sendAs(deployment.keeper as Address, market, nectoMarketAbi, 'reroute', [jobId, offerId, price, root]);
    },
    /** A brand-new seller listing one Fixed offer of `count` GPUs at `price` micro-USD/GPU-hour. */
    async newSeller(gpuModel: string, count: number, price: bigint) {
      const account = privateKeyToAccount(generatePrivateKey());
      await anvil.setBalance({ address: account.address, value: 10n ** 20n });
      const wallet = createWalletClient({ account, chain, transport });
      const send = async (functionName: string, args: unknown[]) =>
        reader.waitForTransactionReceipt({ hash: await wallet.writeContract({ address: market, abi: nectoMarketAbi, functionName, args, chain, account } as never) });
      const registered = await send('registerProvider', [account.address, 'data:,a new seller']);
      const [provider] = parseEventLogs({ abi: nectoMarketAbi, logs: registered.logs, eventName: 'ProviderRegistered' });
      const providerId = Number((provider?.args as { providerId: number }).providerId);
      const added = await send('addOffer', [providerId, { ...offerParams(gpuModel, count, price), country: stringToHex('DE', { size: 2 }), area: 3 }]);
      const [offer] = parseEventLogs({ abi: nectoMarketAbi, logs: added.logs, eventName: 'OfferAdded' });
      return { providerId, offerId: Number((offer?.args as { offerId: number }).offerId) };
    },
    /** A brand-new wallet with ETH and USDC, approved to the market: the buyer of one or more jobs. */
    async newBuyer(usdcAmount = 10_000_000_000n) {
      const account = privateKeyToAccount(generatePrivateKey());
      await anvil.setBalance({ address: account.address, value: 10n ** 20n });
      const wallet = createWalletClient({ account, chain, transport });
      const send = async (to: Address, abi: unknown, functionName: string, args: unknown[], nonce?: number) =>
        wallet.writeContract({ address: to, abi, functionName, args, chain, account, ...(nonce !== undefined && { nonce }) } as never);
      await reader.waitForTransactionReceipt({ hash: await send(usdc, localUsdcAbi, 'mint', [account.address, usdcAmount]) });
      await reader.waitForTransactionReceipt({ hash: await send(usdc, localUsdcAbi, 'approve', [market, 2n ** 255n]) });
      let nonce = await reader.getTransactionCount({ address: account.address, blockTag: 'pending' });
      return {
        address: account.address,
        /** Sends requestJob and returns its hash at once (the nonce is tracked here, for bursts). */
        async request(terms: JobTerms = {}): Promise<Hex> {
          return send(market, nectoMarketAbi, 'requestJob', [jobRequest(terms)], nonce++);
        },
        /** Requests a job and waits for it: its id and the request's block. */
        async requestAndWait(terms: JobTerms = {}) {
          const receipt = await reader.waitForTransactionReceipt({ hash: await this.request(terms) });
          return { jobId: jobIdOf(receipt.logs), blockNumber: receipt.blockNumber };
        },
        async cancel(jobId: bigint) {
          const hash = await send(market, nectoMarketAbi, 'cancel', [jobId], nonce++);
          return reader.waitForTransactionReceipt({ hash });
        },
      };
    },
    async readJob(jobId: bigint) {
      return reader.readContract({ address: market, abi: nectoMarketAbi, functionName: 'getJob', args: [jobId] }) as Promise<{
        status: number;
        offerId: number;
        pricePerGpuHour: bigint;
        decisionRoot: Hex;
        startDeadline: number;
      }>;
    },
    /** The market's routing events, by job id: every JobRouted, JobRerouted and JobMarkedUnroutable. */
    async routings() {
      const logs = await reader.getLogs({ address: market, fromBlock: 0n, toBlock: 'latest' });
      const byJob = new Map<string, string[]>();
      for (const log of parseEventLogs({ abi: nectoMarketAbi, logs })) {
        if (!['JobRouted', 'JobRerouted', 'JobMarkedUnroutable'].includes(log.eventName)) continue;
        const id = String((log.args as { jobId: bigint }).jobId);
        byJob.set(id, [...(byJob.get(id) ?? []), log.eventName]);
      }
      return byJob;
    },
  };
}

/** A Fixed offer in the US (a gateway's price is its USD ceiling). */
function offerParams(gpuModel: string, count: number, price: bigint) {
  return {
    gpuModel: stringToHex(gpuModel, { size: 16 }),
    gpuCount: count,
    vramGb: Number(/-(\d+)G$/.exec(gpuModel)?.[1] ?? 0),
    country: stringToHex('US', { size: 2 }),
    area: 1,
    availableFrom: 0,
    availableUntil: 0,
    pricing: 0,
    price,
    demandSlopeBps: 0,
    tokenId: `0x${'0'.repeat(64)}` as Hex,
    tokenAmount: 0n,
  };
}

export function jobRequest(terms: JobTerms) {
  const gpuModel = terms.gpuModel ?? 'H100-80G';
  return {
    spec: {
      gpuModel: stringToHex(gpuModel, { size: 16 }),
      gpuCount: terms.gpuCount ?? 1,
      minVramGb: 0,
      country: terms.country ? stringToHex(terms.country, { size: 2 }) : '0x0000',
      area: 0,
      excludedPricing: 0,
      hoursRequested: terms.hours ?? 1,
      workloadURI: terms.workloadURI ?? 'ipfs://necto-test-workload',
      workloadHash: terms.workloadURI ? workloadHashOf(terms.workloadURI) : (`0x${'ab'.repeat(32)}` as Hex),
    },
    maxPricePerGpuHour: terms.maxPrice ?? 5_000_000n,
    mode: 0,
    teamId: 0,
    reviewSeconds: terms.reviewSeconds ?? 0,
    rerouteOptIn: terms.rerouteOptIn ?? false,
    jobKey: '0x0000000000000000000000000000000000000000' as Address,
  };
}

export function jobIdOf(logs: readonly { address: Address; data: Hex; topics: readonly Hex[] }[]): bigint {
  const [requested] = parseEventLogs({ abi: nectoMarketAbi, logs: logs as never, eventName: 'JobRequested' });
  if (!requested) throw new Error('no JobRequested in the receipt');
  return (requested.args as { jobId: bigint }).jobId;
}

/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** JobStatus by number, as the contract orders it. */
export const STATUS = ['None', 'Requested', 'Routed', 'Started', 'Completed', 'Cancelled', 'Unroutable', 'Refunded', 'Expired'] as const;
