// The team writes, each through Market.send (simulated first, its revert in words).
import { teamAccessAbi } from '@necto/contracts';
import { parseEventLogs } from 'viem';
import type { Address } from 'viem';
import type { Market, TxStep } from './market.ts';
import { TxError } from './market.ts';

type OnStep = (step: TxStep) => void;

/** Creates a team (the wallet is its first Admin) and returns its id. */
export async function createTeam(market: Market, name: string, onStep: OnStep): Promise<number> {
  const { receipt, hash } = await market.send({ what: 'Create the team', contract: 'teamAccess', functionName: 'createTeam', args: [name] }, onStep);
  const [created] = parseEventLogs({ abi: teamAccessAbi, eventName: 'TeamCreated', logs: receipt.logs });
  if (!created) throw new TxError(`the transaction ${hash} emitted no TeamCreated event`, hash);
  return created.args.teamId;
}

export function setRole(market: Market, teamId: number, account: Address, role: number, onStep: OnStep) {
  return market.send({ what: role === 0 ? 'Revoke the member' : 'Set the role', contract: 'teamAccess', functionName: 'setRole', args: [teamId, account, role] }, onStep, { teamId });
}

export function setWhitelistEnabled(market: Market, teamId: number, enabled: boolean, onStep: OnStep) {
  return market.send({ what: enabled ? 'Turn the whitelist on' : 'Turn the whitelist off', contract: 'teamAccess', functionName: 'setWhitelistEnabled', args: [teamId, enabled] }, onStep, { teamId });
}

export function setProviderWhitelisted(market: Market, teamId: number, providerId: number, allowed: boolean, onStep: OnStep) {
  return market.send({ what: allowed ? 'Whitelist the provider' : 'Remove the provider', contract: 'teamAccess', functionName: 'setProviderWhitelisted', args: [teamId, providerId, allowed] }, onStep, { teamId });
}

export function setSpendingCap(market: Market, teamId: number, cap: bigint, onStep: OnStep) {
  return market.send({ what: 'Set the spending cap', contract: 'teamAccess', functionName: 'setSpendingCap', args: [teamId, cap] }, onStep, { teamId });
}

/** Approves the market for `amount` when needed, then moves it into the treasury. */
export async function depositToTeam(market: Market, teamId: number, amount: bigint, onStep: OnStep) {
  await market.ensureAllowance(amount, onStep);
  return market.send({ what: 'Deposit to the treasury', contract: 'market', functionName: 'depositToTeam', args: [teamId, amount] }, onStep, { teamId });
}

export function withdrawFromTeam(market: Market, teamId: number, to: Address, amount: bigint, onStep: OnStep) {
  return market.send({ what: 'Withdraw from the treasury', contract: 'market', functionName: 'withdrawFromTeam', args: [teamId, to, amount] }, onStep, { teamId });
}
