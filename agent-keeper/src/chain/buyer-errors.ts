// A buyer's (or a provider's) failed call in words: the contract's custom error (the market's own, or the token's or
// team registry's bubbling up through it) turned into one sentence that says what to do.
import { BaseError, ContractFunctionRevertedError, decodeErrorResult } from 'viem';
import type { Abi, Address, Hex } from 'viem';
import { localUsdcAbi, teamAccessAbi } from '@necto/contracts';
import { formatPrice } from '../normalize.ts';
import { JOB_STATUS } from './jobs.ts';
import type { OnchainJob } from './jobs.ts';
import { rpcErrorMessage } from './offers.ts';
import { isoTime } from '../time.ts';

export type RevertContext = {
  chainId: number;
  market: Address;
  buyer?: Address;
  jobId?: bigint;
  job?: OnchainJob;
  teamId?: number;
  deposit?: bigint;
  /** What the failed call tried to do to the job, for status errors. */
  action?: 'cancelled';
};

export type Revert = { errorName: string; args: readonly unknown[] };

const TEAM_ROLES = ['None', 'Viewer', 'User', 'Admin'] as const;

/** Errors raised below the market (the token, TeamAccess) that its ABI does not list. */
const NESTED_ERRORS = [...localUsdcAbi, ...teamAccessAbi].filter((item) => item.type === 'error') as Abi;

/** One sentence for a failed contract call or RPC request. */
export function explainRevert(error: unknown, context: RevertContext): string {
  const revert = revertOf(error);
  if (revert) return describeRevert(revert, context);
  if (/insufficient funds/i.test(rpcErrorMessage(error)) && context.buyer) {
    return `${context.buyer} has not enough ETH for gas on chain ${context.chainId}`;
  }
  return rpcErrorMessage(error);
}

export function revertOf(error: unknown): Revert | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError)) return undefined;
  if (reverted.data?.errorName) return { errorName: reverted.data.errorName, args: reverted.data.args ?? [] };
  if (!reverted.raw || reverted.raw === '0x') return undefined;
  try {
    const nested = decodeErrorResult({ abi: NESTED_ERRORS, data: reverted.raw as Hex });
    return { errorName: nested.errorName, args: nested.args ?? [] };
  } catch {
    return undefined;
  }
}

export function describeRevert({ errorName, args }: Revert, context: RevertContext): string {
  const a = args as readonly never[];
  const job = `job ${context.jobId ?? a[0]}`;
  switch (errorName) {
    case 'JobRegistry_UnknownJob':
      return `job ${a[0]} does not exist on chain ${context.chainId} (market ${context.market})`;
    case 'JobRegistry_NotController':
      return context.job
        ? `${job} is not yours: it is controlled by ${context.job.controller}`
        : `${job} is not yours: ${a[1]} does not control it`;
    case 'JobRegistry_WrongStatus': {
      const status = JOB_STATUS[Number(a[1])] ?? `status ${a[1]}`;
      return context.action ? `${job} is ${status}: it can no longer be ${context.action}` : `${job} is ${status}`;
    }
    case 'JobRegistry_NotJobProvider':
      return `${job} runs on another provider's offer: ${a[1]} is not its owner`;
    case 'JobRegistry_InReviewWindow':
      return `${job} is in its buyer's review window until ${isoTime(Number(a[1]))}: it cannot start before`;
    case 'JobRegistry_StartDeadlinePassed':
      return `${job} had to start by ${isoTime(Number(a[1]))}: it can only be expired now`;
    case 'JobRegistry_CompletionDeadlinePassed':
      return `${job} had to be completed by ${isoTime(Number(a[1]))}: it can only be expired now`;
    case 'JobRegistry_UsedSecondsTooHigh':
      return `${a[0]} seconds used is more than the ${a[1]} the job allows now (its booked hours, and no more than since it started)`;
    case 'JobRegistry_InvalidSignature':
      return `the job key signed as ${a[1]}, but ${job} is controlled by ${context.job?.controller ?? 'another key'}`;
    case 'JobRegistry_SignatureExpired':
      return `the signature expired at ${a[0]} before it was mined: try again`;
    case 'JobRegistry_Paused':
      return 'the market is paused by its guardian: no new requests until it is lifted (cancels and refunds still work)';
    case 'JobRegistry_InvalidSpec':
      return invalidSpec(String(a[0]));
    case 'JobRegistry_JobKeyRequired':
      return 'an Untracked job needs a job key';
    case 'JobRegistry_JobKeyNotAllowed':
      return 'a Tracked job is controlled by its buyer: it takes no job key';
    case 'JobRegistry_UntrackedTeamJob':
      return `an Untracked job cannot belong to team ${a[0]}: team jobs are Tracked`;
    case 'JobRegistry_TeamJobFundedByTreasury':
      return `team ${a[0]}'s jobs draw on its treasury: they take no permit`;
    case 'JobRegistry_UnsupportedToken':
      return `the market's token delivered ${usdc(a[1])} of ${usdc(a[0])}: fee-on-transfer tokens are not supported`;
    case 'TeamTreasury_NotSubmitter': {
      const role = TEAM_ROLES[Number(a[2])] ?? `role ${a[2]}`;
      return role === 'None'
        ? `${a[1]} is not a member of team ${a[0]} (or the team does not exist): only its Users and Admins request jobs for it`
        : `${a[1]} is a ${role} of team ${a[0]}: only its Users and Admins request jobs for it`;
    }
    case 'TeamTreasury_InsufficientBalance':
      return `team ${a[0]}'s treasury holds ${usdc(a[1])}, the deposit needs ${usdc(a[2])}`;
    case 'TeamTreasury_SpendingCapExceeded':
      return `team ${a[0]} has committed ${usdc(a[1])} of its ${usdc(a[3])} cap in the last 30 days: ${usdc(a[2])} more would exceed it`;
    case 'TeamTreasury_UnknownTeam':
    case 'TeamAccess_UnknownTeam':
      return `team ${a[0]} does not exist on chain ${context.chainId}`;
    case 'TeamTreasury_NotAdmin':
    case 'TeamAccess_NotAdmin':
      return `${a[1]} is not an Admin of team ${a[0]}: only its Admins change members, the whitelist, the cap or withdraw`;
    case 'TeamTreasury_ZeroAmount':
      return 'the amount must be above 0 USDC';
    case 'TeamAccess_LastAdmin':
      return `${a[1]} is team ${a[0]}'s last Admin: make another member Admin first`;
    case 'TeamAccess_ZeroAddress':
      return 'the member address is the zero address';
    case 'ProviderRegistry_UnknownProvider':
      return `provider ${a[0]} does not exist on chain ${context.chainId}`;
    case 'ProviderRegistry_UnknownOffer':
      return `offer ${a[0]} does not exist on chain ${context.chainId}`;
    case 'ProviderRegistry_NotProviderOwner':
      return `${a[1]} does not own provider ${a[0]}: only its owner lists and changes its offers`;
    case 'ProviderRegistry_EmptySourceTag':
      return 'a gateway names its external network (source tag)';
    case 'ProviderRegistry_ZeroAddress':
      return 'the payout address is the zero address';
    case 'ProviderRegistry_EmptyGpuModel':
      return 'the offer names no GPU model';
    case 'ProviderRegistry_ZeroGpuCount':
      return 'an offer lists at least 1 GPU';
    case 'ProviderRegistry_InvalidWindow':
      return `the availability window ends (${isoTime(Number(a[1]))}) before it starts (${isoTime(Number(a[0]))})`;
    case 'ProviderRegistry_InvalidPricing':
      return Number(a[0]) === 2
        ? 'a Token offer needs a token, an amount per GPU-hour above 0 and a USD ceiling above $0'
        : 'the price must be above $0 per GPU-hour';
    case 'ProviderRegistry_GatewayPricingOnly':
      return 'Spot and Auction pricing are for external networks\' gateways: list Fixed, Dynamic or Token';
    case 'ProviderRegistry_GpuCountBelowInUse':
      return `${a[1]} GPUs are reserved by routed or running jobs: the offer cannot list fewer (got ${a[0]})`;
    case 'JobRegistry_NothingToWithdraw':
      return `${a[0]} has no earnings to withdraw`;
    case 'JobRegistry_ZeroAddress':
      return 'the address is the zero address';
    case 'ERC20InsufficientBalance':
      return `${a[0]} holds ${usdc(a[1])}, the deposit needs ${usdc(a[2])}`;
    case 'ERC20InsufficientAllowance':
      return `the market may spend ${usdc(a[1])} of the buyer's USDC, the deposit needs ${usdc(a[2])} (the permit or approval did not take)`;
    case 'LocalUSDC_Blacklisted':
      return `the USDC contract refuses transfers for ${a[0]} (blacklisted)`;
    case 'LocalUSDC_Paused':
      return 'USDC transfers are paused by the token admin';
    default:
      return `reverted with ${errorName}(${args.map(String).join(', ')})`;
  }
}

function invalidSpec(field: string): string {
  const flags: Record<string, string> = {
    gpuModel: '--gpu',
    gpuCount: '--count',
    hoursRequested: '--hours',
    excludedPricing: '--exclude',
    workloadURI: '--workload',
    workloadHash: '--workload',
    maxPricePerGpuHour: `--max-price (above 0 and at most ${formatPrice(2 ** 40 - 1)})`,
    reviewSeconds: '--review (at most 3600 seconds)',
  };
  return `the market refused the request: ${flags[field] ?? field} is out of range`;
}

/** USDC base units (6 decimals) as "144.00 USDC", exact. */
export function usdc(baseUnits: unknown): string {
  const value = BigInt(baseUnits as bigint);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / 1_000_000n;
  const fraction = (abs % 1_000_000n).toString().padStart(6, '0').replace(/0{1,4}$/, '');
  return `${negative ? '-' : ''}${whole}.${fraction} USDC`;
}
