// Driving a local Necto deployment with viem: clients for anvil's mnemonic accounts, transactions
// at timestamps the caller chooses (so the caller knows every block time without reading it back),
// and the request, permit and job-key signatures the market expects. Shared by the scenario and
// the benchmark.
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  http,
  keccak256,
  stringToHex,
} from 'viem';
import type { Account, Address, Hex, PublicClient, TestClient, TransactionReceipt } from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import type { HDAccount, PrivateKeyAccount } from 'viem/accounts';
import { deployments, localUsdcAbi, nectoMarketAbi, teamAccessAbi } from '@necto/contracts';

export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';
export const CHAIN_ID = 31337;
export const local = deployments[CHAIN_ID];
export const addresses = {
  market: local.contracts.NectoMarket as Address,
  team: local.contracts.TeamAccess as Address,
  usdc: local.contracts.USDC as Address,
};

export const PricingModel = { Fixed: 0, Dynamic: 1, Token: 2, Spot: 3, Auction: 4 } as const;
export const CapacityState = { Available: 0, Reserved: 1, Offline: 2 } as const;
export const Area = { None: 0, NA: 1, SA: 2, EU: 3, APAC: 4, MEA: 5 } as const;
export const JobMode = { Tracked: 0, Untracked: 1 } as const;
export const JobAction = { Cancel: 0, ClaimRefund: 1 } as const;
export const TeamRole = { None: 0, Viewer: 1, User: 2, Admin: 3 } as const;

export const DAY = 86_400;
export const HOUR = 3_600;

export function actor(index: number): HDAccount {
  return mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index });
}

export function keyAccount(privateKey: Hex): PrivateKeyAccount {
  return privateKeyToAccount(privateKey);
}

/** A left-aligned ASCII bytesN value, as the contracts store GPU models, countries and tags. */
export function ascii(text: string, bytes: number): Hex {
  return stringToHex(text, { size: bytes });
}

export type OfferParams = {
  gpuModel: string;
  gpuCount: number;
  vramGb: number;
  country: string;
  area: number;
  availableFrom?: number;
  availableUntil?: number;
  pricing: number;
  price: bigint;
  demandSlopeBps?: number;
  tokenId?: string;
  tokenAmount?: bigint;
};

export function offerArgs(p: OfferParams) {
  return {
    gpuModel: ascii(p.gpuModel, 16),
    gpuCount: p.gpuCount,
    vramGb: p.vramGb,
    country: ascii(p.country, 2),
    area: p.area,
    availableFrom: p.availableFrom ?? 0,
    availableUntil: p.availableUntil ?? 0,
    pricing: p.pricing,
    price: p.price,
    demandSlopeBps: p.demandSlopeBps ?? 0,
    tokenId: ascii(p.tokenId ?? '', 32),
    tokenAmount: p.tokenAmount ?? 0n,
  } as const;
}

export type JobParams = {
  gpuModel: string;
  gpuCount: number;
  minVramGb: number;
  hoursRequested: number;
  maxPricePerGpuHour: bigint;
  mode: number;
  teamId?: number;
  /** Seconds after each route before the provider may start (0..3600). */
  reviewSeconds?: number;
  rerouteOptIn?: boolean;
  jobKey?: Address;
  area?: number;
  excludedPricing?: number;
  workloadURI?: string;
};

export function requestArgs(p: JobParams) {
  const workloadURI = p.workloadURI ?? 'oci://docker.io/necto/scenario:1';
  return {
    spec: {
      gpuModel: ascii(p.gpuModel, 16),
      gpuCount: p.gpuCount,
      minVramGb: p.minVramGb,
      country: ascii('', 2),
      area: p.area ?? Area.None,
      excludedPricing: p.excludedPricing ?? 0,
      hoursRequested: p.hoursRequested,
      workloadURI,
      workloadHash: keccak256(stringToHex(workloadURI)),
    },
    maxPricePerGpuHour: p.maxPricePerGpuHour,
    mode: p.mode,
    teamId: p.teamId ?? 0,
    reviewSeconds: p.reviewSeconds ?? 0,
    rerouteOptIn: p.rerouteOptIn ?? false,
    jobKey: p.jobKey ?? ('0x0000000000000000000000000000000000000000' as Address),
  } as const;
}

/** What the market escrows for a request (EscrowMath.deposit). */
export function depositOf(p: Pick<JobParams, 'maxPricePerGpuHour' | 'gpuCount' | 'hoursRequested'>): bigint {
  return p.maxPricePerGpuHour * BigInt(p.gpuCount) * BigInt(p.hoursRequested);
}

export function rootOf(label: string): Hex {
  return keccak256(stringToHex(`decision:${label}`));
}

export type Chain = ReturnType<typeof connect>;

/**
 * Clients for one anvil. `send` mines one transaction in its own block at the timestamp given
 * (anvil's automine), and fails loudly on a revert.
 */
export function connect(rpcUrl: string) {
  const chain = defineChain({
    id: CHAIN_ID,
    name: 'anvil',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const transport = http(rpcUrl, { batch: false, retryCount: 0 });
  const pub: PublicClient = createPublicClient({ chain, transport, pollingInterval: 20 });
  const test: TestClient = createTestClient({ chain, transport, mode: 'anvil', pollingInterval: 20 });
  const wallets = new Map<Address, ReturnType<typeof createWalletClient>>();
  const wallet = (account: Account) => {
    let client = wallets.get(account.address);
    if (!client) {
      client = createWalletClient({ chain, transport, account, pollingInterval: 20 });
      wallets.set(account.address, client);
    }
    return client;
  };

  type Contract = 'market' | 'team' | 'usdc';
  const abis = { market: nectoMarketAbi, team: teamAccessAbi, usdc: localUsdcAbi } as const;

  async function send(
    account: Account,
    contract: Contract,
    functionName: string,
    args: readonly unknown[],
    timestamp?: number,
  ): Promise<TransactionReceipt> {
    if (timestamp !== undefined) await test.setNextBlockTimestamp({ timestamp: BigInt(timestamp) });
    const hash = await wallet(account).writeContract({
      address: addresses[contract],
      abi: abis[contract] as any,
      functionName,
      args,
      account,
      chain,
    } as any);
    const receipt = await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (receipt.status !== 'success') throw new Error(`${contract}.${functionName} reverted (${hash})`);
    return receipt;
  }

  async function read(contract: Contract, functionName: string, args: readonly unknown[] = []): Promise<any> {
    return pub.readContract({ address: addresses[contract], abi: abis[contract] as any, functionName, args } as any);
  }

  /** An EIP-2612 permit for LocalUSDC ("USD Coin (local)", version 2); the caller tracks nonces. */
  async function signPermit(owner: HDAccount | PrivateKeyAccount, value: bigint, nonce: bigint, deadline: bigint) {
    const signature = await owner.signTypedData({
      domain: { name: 'USD Coin (local)', version: '2', chainId: CHAIN_ID, verifyingContract: addresses.usdc },
      types: {
        Permit: [
          { name: 'owner', type: 'address' },
          { name: 'spender', type: 'address' },
          { name: 'value', type: 'uint256' },
          { name: 'nonce', type: 'uint256' },
          { name: 'deadline', type: 'uint256' },
        ],
      },
      primaryType: 'Permit',
      message: { owner: owner.address, spender: addresses.market, value, nonce, deadline },
    });
    const r = `0x${signature.slice(2, 66)}` as Hex;
    const s = `0x${signature.slice(66, 130)}` as Hex;
    const v = Number.parseInt(signature.slice(130, 132), 16);
    return { v, r, s };
  }

  /** The job key's signature of a job action: the market's own EIP-712 digest, signed raw. */
  async function signJobAction(
    jobKey: PrivateKeyAccount | HDAccount,
    jobId: bigint,
    action: number,
    recipient: Address,
    deadline: bigint,
  ): Promise<Hex> {
    const digest = (await read('market', 'jobActionDigest', [jobId, action, recipient, deadline])) as Hex;
    return (jobKey as PrivateKeyAccount).sign({ hash: digest });
  }

  async function fundEth(address: Address) {
    await test.setBalance({ address, value: 10n ** 21n });
  }

  return { rpcUrl, chain, pub, test, send, read, signPermit, signJobAction, fundEth };
}
