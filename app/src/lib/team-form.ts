// The team forms: raw field values in, the contract call's arguments out, or one message per bad
// field (shown next to it; nothing is sent while any remains). Money is USDC base units.
import { getAddress, isAddress, zeroAddress } from 'viem';
import type { Address } from 'viem';
import { usdc } from './format.ts';
import type { Provider, Role, TeamMember, WhitelistEntry } from './team-data.ts';
import { providerLabel } from './provider-profile.ts';

/** TeamRole on-chain, in its Solidity order. */
export const ROLE_INDEX = { None: 0, Viewer: 1, User: 2, Admin: 3 } as const;
export const MAX_TEAM_NAME = 64;

export type Parsed<T, K extends string> = { ok: true; value: T } | { ok: false; errors: Partial<Record<K, string>> };

/** "250", "250.5", "1,000.25" USDC as base units, exactly; more than 6 decimals is refused. */
export function usdcUnits(text: string): bigint | undefined {
  const match = /^\$?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,6}))?$/.exec(text.trim().replace(/\s*USDC$/i, ''));
  if (!match) return undefined;
  return BigInt(match[1]!.replaceAll(',', '')) * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0') || '0');
}

const amountError = (text: string) => `enter an amount of USDC with at most 6 decimals, e.g. 250.00 (got "${text}")`;

export function parseTeamName(text: string): Parsed<string, 'name'> {
  const name = text.trim();
  if (!name) return { ok: false, errors: { name: 'enter the team name' } };
  if (name.length > MAX_TEAM_NAME) return { ok: false, errors: { name: `at most ${MAX_TEAM_NAME} characters (got ${name.length})` } };
  return { ok: true, value: name };
}

/** Grants, changes or revokes (role None) a member: never leaving the team without an Admin. */
export function parseMember(values: { account: string; role: Role | 'None' }, members: TeamMember[]): Parsed<{ account: Address; role: number }, 'account' | 'role'> {
  const text = values.account.trim();
  if (!isAddress(text, { strict: false })) return { ok: false, errors: { account: `enter the member's address: 0x and 40 hex digits (got "${values.account}")` } };
  const account = getAddress(text);
  if (account === zeroAddress) return { ok: false, errors: { account: 'the zero address cannot be a member' } };
  const current = members.find((m) => m.account.toLowerCase() === account.toLowerCase())?.role ?? 'None';
  if (current === values.role) return { ok: false, errors: { role: values.role === 'None' ? `${account} is not a member` : `${account} is already ${article(values.role)}` } };
  const admins = members.filter((m) => m.role === 'Admin').length;
  if (current === 'Admin' && admins <= 1) return { ok: false, errors: { role: `${account} is the team's last Admin: make another member Admin first` } };
  return { ok: true, value: { account, role: ROLE_INDEX[values.role] } };
}

export function parseWhitelistEntry(text: string, providers: Provider[], whitelist: WhitelistEntry[]): Parsed<number, 'provider'> {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { ok: false, errors: { provider: `choose a provider or enter its id, a whole number (got "${text}")` } };
  const id = Number(trimmed);
  const provider = providers.find((p) => p.id === id);
  if (!provider) return { ok: false, errors: { provider: `provider ${id} is not registered on the market` } };
  if (whitelist.some((w) => w.providerId === id)) return { ok: false, errors: { provider: `${providerLabel(provider)} is already on the whitelist` } };
  return { ok: true, value: id };
}

/** The cap per rolling 30 days; 0 means no cap. */
export function parseCap(text: string, current: bigint): Parsed<bigint, 'cap'> {
  const cap = usdcUnits(text);
  if (cap === undefined) return { ok: false, errors: { cap: `${amountError(text)}; 0 removes the cap` } };
  if (cap === current) return { ok: false, errors: { cap: cap === 0n ? 'the team has no cap already' : `the cap is ${usdc(cap)} already` } };
  return { ok: true, value: cap };
}

export function parseDeposit(text: string, walletBalance: bigint): Parsed<bigint, 'amount'> {
  const amount = usdcUnits(text);
  if (amount === undefined) return { ok: false, errors: { amount: amountError(text) } };
  if (amount === 0n) return { ok: false, errors: { amount: 'the amount must be above 0 USDC' } };
  if (amount > walletBalance) return { ok: false, errors: { amount: `${usdc(amount)} is more than this wallet's ${usdc(walletBalance)}` } };
  return { ok: true, value: amount };
}

export function parseWithdraw(values: { amount: string; to: string }, balance: bigint): Parsed<{ amount: bigint; to: Address }, 'amount' | 'to'> {
  const errors: Partial<Record<'amount' | 'to', string>> = {};
  const amount = usdcUnits(values.amount);
  if (amount === undefined) errors.amount = amountError(values.amount);
  else if (amount === 0n) errors.amount = 'the amount must be above 0 USDC';
  else if (amount > balance) errors.amount = `${usdc(amount)} is more than the treasury's ${usdc(balance)} not committed to jobs`;
  const to = values.to.trim();
  if (!isAddress(to, { strict: false })) errors.to = `enter the recipient's address: 0x and 40 hex digits (got "${values.to}")`;
  else if (getAddress(to) === zeroAddress) errors.to = 'the zero address cannot receive USDC';
  if (Object.keys(errors).length || amount === undefined) return { ok: false, errors };
  return { ok: true, value: { amount, to: getAddress(to) } };
}

function article(role: Role): string {
  return role === 'Admin' ? 'an Admin' : `a ${role}`;
}
