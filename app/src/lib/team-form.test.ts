import { describe, expect, it } from 'vitest';
import type { Provider, TeamMember } from './team-data.ts';
import { parseCap, parseDeposit, parseMember, parseTeamName, parseWhitelistEntry, parseWithdraw, usdcUnits } from './team-form.ts';

const ADMIN = '0x976EA74026E726554dB657fA54763abd0C3a0aa9';
const USER = '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955';
const member = (account: string, role: TeamMember['role']): TeamMember => ({ account: account.toLowerCase(), role, grantedBy: ADMIN, updatedAt: '1' });
const members = [member(ADMIN, 'Admin'), member(USER, 'User')];
const providers: Provider[] = [
  { id: 6, isGateway: true, sourceTag: 'runpod', metadataURI: 'data:application/json,{"name":"RunPod"}' },
  { id: 9, isGateway: false, sourceTag: null, metadataURI: 'data:application/json,{"name":"Frankfurt H100 Lab"}' },
];

describe('the team forms', () => {
  it('reads USDC amounts exactly, never through a float', () => {
    expect(usdcUnits('250')).toBe(250_000_000n);
    expect(usdcUnits('1,000.25 USDC')).toBe(1_000_250_000n);
    expect(usdcUnits('0.000001')).toBe(1n);
    expect(usdcUnits('0.0000001')).toBeUndefined();
    expect(usdcUnits('-5')).toBeUndefined();
    expect(usdcUnits('1e3')).toBeUndefined();
  });

  it('names a team, or says why not', () => {
    expect(parseTeamName('  Helix  ')).toEqual({ ok: true, value: 'Helix' });
    expect(parseTeamName(' ')).toEqual({ ok: false, errors: { name: 'enter the team name' } });
    expect(parseTeamName('x'.repeat(65))).toEqual({ ok: false, errors: { name: 'at most 64 characters (got 65)' } });
  });

  it('grants a role by address, with the on-chain role index', () => {
    expect(parseMember({ account: ` ${'0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f'.toLowerCase()} `, role: 'Viewer' }, members)).toEqual({ ok: true, value: { account: '0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f', role: 1 } });
    expect(parseMember({ account: USER, role: 'None' }, members)).toEqual({ ok: true, value: { account: USER, role: 0 } });
  });

  it('refuses a bad address, a no-op and demoting the last Admin, next to the field', () => {
    expect(parseMember({ account: '0x123', role: 'User' }, members)).toEqual({ ok: false, errors: { account: `enter the member's address: 0x and 40 hex digits (got "0x123")` } });
    expect(parseMember({ account: '0x0000000000000000000000000000000000000000', role: 'User' }, members)).toMatchObject({ ok: false, errors: { account: /zero address/ } });
    expect(parseMember({ account: USER, role: 'User' }, members)).toEqual({ ok: false, errors: { role: `${USER} is already a User` } });
    expect(parseMember({ account: '0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f', role: 'None' }, members)).toMatchObject({ ok: false, errors: { role: /is not a member/ } });
    expect(parseMember({ account: ADMIN, role: 'Viewer' }, members)).toEqual({ ok: false, errors: { role: `${ADMIN} is the team's last Admin: make another member Admin first` } });
    expect(parseMember({ account: ADMIN, role: 'None' }, [...members, member(USER, 'Admin')])).toMatchObject({ ok: true });
  });

  it('whitelists a registered provider once', () => {
    expect(parseWhitelistEntry(' 6 ', providers, [])).toEqual({ ok: true, value: 6 });
    expect(parseWhitelistEntry('42', providers, [])).toEqual({ ok: false, errors: { provider: 'provider 42 is not registered on the market' } });
    expect(parseWhitelistEntry('runpod', providers, [])).toMatchObject({ ok: false, errors: { provider: /whole number/ } });
    expect(parseWhitelistEntry('6', providers, [{ providerId: 6, updatedAt: '1' }])).toEqual({ ok: false, errors: { provider: 'RunPod (gateway #6) is already on the whitelist' } });
  });

  it('sets a cap in USDC, 0 for none', () => {
    expect(parseCap('50', 0n)).toEqual({ ok: true, value: 50_000_000n });
    expect(parseCap('0', 5n)).toEqual({ ok: true, value: 0n });
    expect(parseCap('50', 50_000_000n)).toEqual({ ok: false, errors: { cap: 'the cap is 50.00 USDC already' } });
    expect(parseCap('fifty', 0n)).toMatchObject({ ok: false, errors: { cap: /0 removes the cap/ } });
  });

  it('deposits at most the wallet balance and withdraws at most the treasury balance', () => {
    expect(parseDeposit('500', 1_000_000_000n)).toEqual({ ok: true, value: 500_000_000n });
    expect(parseDeposit('1000.01', 1_000_000_000n)).toEqual({ ok: false, errors: { amount: "1,000.01 USDC is more than this wallet's 1,000.00 USDC" } });
    expect(parseDeposit('0', 1n)).toEqual({ ok: false, errors: { amount: 'the amount must be above 0 USDC' } });
    expect(parseWithdraw({ amount: '10', to: USER }, 20_000_000n)).toEqual({ ok: true, value: { amount: 10_000_000n, to: USER } });
    expect(parseWithdraw({ amount: '30', to: 'me' }, 20_000_000n)).toEqual({
      ok: false,
      errors: { amount: "30.00 USDC is more than the treasury's 20.00 USDC not committed to jobs", to: `enter the recipient's address: 0x and 40 hex digits (got "me")` },
    });
  });
});
