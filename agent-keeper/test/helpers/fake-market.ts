// A JSON-RPC endpoint that plays a NectoMarket and its TeamAccess from plain objects: each eth_call
// is decoded with the real ABIs and answered ABI-encoded (or with the contract's custom error), so
// the keeper's real viem reads run against state a test writes down.
import { decodeFunctionData, encodeErrorResult, encodeFunctionResult, padHex, stringToHex, toHex } from 'viem';
import type { Abi, Address, Hex } from 'viem';
import { nectoMarketAbi, teamAccessAbi } from '@necto/contracts';
import { nectoMarketAddress } from '../../src/sources/necto.ts';
import { startServer } from './server.ts';
import type { TestServer } from './server.ts';
import type { RawOffer } from '../../src/chain/offers.ts';

export const TEAM_ACCESS: Address = '0x00000000000000000000000000000000000000aa';

/** getOffer's struct; `offer()` fills what a test leaves out. */
export type FakeOffer = RawOffer;

/** getJob's struct. */
export type FakeJob = Record<string, unknown>;

export type FakeMarketState = {
  startWindow: bigint;
  /** The latest block's timestamp (eth_getBlockByNumber). */
  blockTimestamp?: number;
  offers: FakeOffer[];
  /** currentPrice(offerId); a Dynamic offer needs one. */
  currentPrices?: Record<number, bigint>;
  providers?: { owner: Address; payout: Address; sourceTag: Hex }[];
  jobs?: Record<number, FakeJob>;
  teams?: Record<
    number,
    { adminCount: number; whitelistEnabled: boolean; allowed: number[]; roles?: Record<string, number> }
  >;
};

export type FakeMarket = TestServer & { market: Address; calls: string[] };

const PRICING = { Fixed: 0, Dynamic: 1, Token: 2, Spot: 3, Auction: 4 } as const;

export function offer(fields: Partial<Omit<FakeOffer, 'gpuModel' | 'country' | 'pricing' | 'tokenId'>> & {
  gpuModel?: string;
  country?: string;
  pricing?: keyof typeof PRICING;
  tokenId?: string;
} = {}): FakeOffer {
  const { gpuModel = 'H100-80G', country = 'US', pricing = 'Fixed', tokenId = '', ...rest } = fields;
  return {
    providerId: 1,
    gpuCount: 8,
    gpusInUse: 0,
    vramGb: 80,
    area: 1,
    state: 0,
    gateway: false,
    availableFrom: 0,
    availableUntil: 0,
    price: 2_000_000n,
    demandSlopeBps: 0,
    tokenAmount: 0n,
    ...rest,
    gpuModel: padHex(stringToHex(gpuModel), { dir: 'right', size: 16 }),
    country: country ? stringToHex(country, { size: 2 }) : '0x0000',
    pricing: PRICING[pricing],
    tokenId: padHex(tokenId ? stringToHex(tokenId) : '0x', { dir: 'right', size: 32 }),
  };
}

export async function startFakeMarket(state: FakeMarketState, market = nectoMarketAddress()): Promise<FakeMarket> {
  const calls: string[] = [];
  const answer = (call: { id: number; method: string; params?: unknown[] }) => {
    const reply = (result: unknown) => ({ jsonrpc: '2.0', id: call.id, result });
    if (call.method === 'eth_chainId') return reply(toHex(31337));
    if (call.method === 'eth_getBlockByNumber' && state.blockTimestamp !== undefined) {
      return reply({ number: '0x1', hash: `0x${'11'.repeat(32)}`, timestamp: toHex(state.blockTimestamp), transactions: [] });
    }
    if (call.method !== 'eth_call') return { jsonrpc: '2.0', id: call.id, error: { code: -32601, message: call.method } };
    const { to, data } = (call.params?.[0] ?? {}) as { to: Address; data: Hex };
    const abi = (to.toLowerCase() === TEAM_ACCESS ? teamAccessAbi : nectoMarketAbi) as Abi;
    if (to.toLowerCase() !== TEAM_ACCESS && to.toLowerCase() !== market.toLowerCase()) {
      return { jsonrpc: '2.0', id: call.id, error: { code: -32000, message: `no contract at ${to}` } };
    }
    const { functionName, args = [] } = decodeFunctionData({ abi, data });
    calls.push(functionName);
    const outcome = read(state, functionName, args);
    if ('error' in outcome) {
      const revert = encodeErrorResult({ abi, errorName: outcome.error, args: outcome.args } as never);
      return { jsonrpc: '2.0', id: call.id, error: { code: 3, message: 'execution reverted', data: revert } };
    }
    return reply(encodeFunctionResult({ abi, functionName, result: outcome.result } as never));
  };
  const server = await startServer((request, response) => {
    const body = JSON.parse(request.body);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(Array.isArray(body) ? body.map(answer) : answer(body)));
  });
  return { ...server, market, calls };
}

type Outcome = { result: unknown } | { error: string; args: unknown[] };

function read(state: FakeMarketState, functionName: string, args: readonly unknown[]): Outcome {
  const id = Number(args[0]);
  switch (functionName) {
    case 'teamAccess':
      return { result: TEAM_ACCESS };
    case 'startWindow':
      return { result: state.startWindow };
    case 'offerCount':
      return { result: state.offers.length };
    case 'getOffer':
      return state.offers[id - 1] ? { result: state.offers[id - 1] } : { error: 'ProviderRegistry_UnknownOffer', args: [id] };
    case 'currentPrice':
      return { result: state.currentPrices?.[id] ?? state.offers[id - 1]?.price ?? 0n };
    case 'providerCount':
      return { result: state.providers?.length ?? 0 };
    case 'getProvider':
      return { result: state.providers?.[id - 1] };
    case 'getJob':
      return state.jobs?.[id] ? { result: state.jobs[id] } : { error: 'JobRegistry_UnknownJob', args: [BigInt(id)] };
    case 'teamState': {
      const team = state.teams?.[id];
      return team ? { result: [team.adminCount, team.whitelistEnabled] } : { error: 'TeamAccess_UnknownTeam', args: [id] };
    }
    case 'isProviderAllowed':
      return { result: state.teams?.[id]?.allowed.includes(Number(args[1])) ?? false };
    case 'roleOf':
      return { result: state.teams?.[id]?.roles?.[String(args[1]).toLowerCase()] ?? 0 };
    default:
      throw new Error(`the fake market does not answer ${functionName}`);
  }
}
