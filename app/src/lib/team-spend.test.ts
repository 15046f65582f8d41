import { describe, expect, it } from 'vitest';
import type { DailySpend, Provider } from './team-data.ts';
import { capUsage, spendByDay, spendByProvider, spendByUser } from './team-spend.ts';

const A = '0x14dc79964da2c08b23698b3d3cc7ca32193d9955';
const B = '0x976ea74026e726554db657fa54763abd0c3a0aa9';
const day = 20_424; // 2025-12-02
const row = (user: string, providerId: number, d: number, committed: number, creditedBack = 0): DailySpend => ({ user, providerId, day: d, committed: String(committed * 1e6), paid: '0', creditedBack: String(creditedBack * 1e6), jobs: 1 });
const rows = [row(A, 6, day, 10), row(A, 9, day + 1, 30, 5), row(B, 6, day + 1, 40), row(B, 0, day, 4, 4)];
const providers: Provider[] = [{ id: 6, isGateway: true, sourceTag: 'runpod', metadataURI: 'data:application/json,{"name":"RunPod"}' }];

describe('team spend', () => {
  it('sums what counted against the cap per member, largest first, leaving out what all came back', () => {
    expect(spendByUser(rows)).toEqual([
      { label: '0x976e…0aa9', value: 40e6, text: '40.00 USDC' },
      { label: '0x14dc…9955', value: 35e6, text: '35.00 USDC' },
    ]);
  });

  it('per provider, named from its profile', () => {
    expect(spendByProvider(rows, providers).map((b) => [b.label, b.text])).toEqual([
      ['RunPod (gateway #6)', '50.00 USDC'],
      ['provider 9', '25.00 USDC'],
    ]);
    expect(spendByProvider([row(A, 0, day, 3)], providers)[0]!.label).toBe('not routed yet');
  });

  it('per day, oldest first', () => {
    expect(spendByDay(rows).map((b) => [b.label, b.text])).toEqual([
      ['2025-12-02', '10.00 USDC'],
      ['2025-12-03', '65.00 USDC'],
    ]);
  });

  it('tells how much of the cap is used and whether the cap or the balance limits a job', () => {
    expect(capUsage({ balance: 490n, windowSpend: 10n, cap: 50n, spendable: 40n })).toEqual({ used: 0.2, left: 40n, limit: 'cap' });
    expect(capUsage({ balance: 30n, windowSpend: 10n, cap: 50n, spendable: 30n })).toEqual({ used: 0.2, left: 40n, limit: 'balance' });
    expect(capUsage({ balance: 30n, windowSpend: 70n, cap: 50n, spendable: 0n })).toEqual({ used: 1, left: 0n, limit: 'cap' });
    expect(capUsage({ balance: 30n, windowSpend: 70n, cap: 0n, spendable: 30n })).toEqual({ used: 0, left: undefined, limit: 'balance' });
  });
});
