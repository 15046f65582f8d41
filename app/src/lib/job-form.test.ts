import { describe, expect, it } from 'vitest';
import { DEFAULT_VALUES, microUsd, parseJobForm, quoteSpecOf, teamFundsError, teamFundsHint } from './job-form.ts';

describe('the new-job form', () => {
  it('turns the defaults into the contract terms', () => {
    const parsed = parseJobForm(DEFAULT_VALUES);
    expect(parsed).toMatchObject({
      ok: true,
      untracked: false,
      terms: { gpuModel: 'H100-80G', gpuCount: 8, hours: 6, minVramGb: 80, maxPricePerGpuHour: 3_000_000n, reviewSeconds: 300, rerouteOptIn: true, teamId: 0 },
    });
  });

  it('names every bad field with what was wrong', () => {
    const parsed = parseJobForm({ ...DEFAULT_VALUES, gpu: 'H900', count: '-1', hours: '1.5', maxPrice: '0', country: 'Germany', reviewMinutes: '61', workload: ' ' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual({
      gpu: '"H900" is not a GPU model Necto knows',
      count: 'must be at least 1 (got -1)',
      hours: 'enter a whole number of hours (got "1.5")',
      maxPrice: 'enter a price above $0 per GPU-hour with at most 6 decimals, e.g. 3.00 (got "0")',
      country: '"Germany" is not a two-letter ISO country code (DE, US, JP, ...)',
      reviewMinutes: 'must be at most 60 (got 61)',
      workload: 'enter the workload URI (container image and command), or keep necto:unset',
    });
  });

  it('takes a workload the provider can check, and names what is wrong with one it cannot', () => {
    const manifest = `data:application/json,${encodeURIComponent('{"schema":"necto.workload/v1","image":"ghcr.io/acme/train:1","command":["python","train.py"]}')}`;
    for (const workload of ['oci://ghcr.io/acme/train:1', manifest, 'necto:unset']) expect(parseJobForm({ ...DEFAULT_VALUES, workload }).ok).toBe(true);
    const bad = parseJobForm({ ...DEFAULT_VALUES, workload: 'docker.io/library/python' });
    expect(bad.ok ? undefined : bad.errors.workload).toMatch(/must be a data:application\/json manifest, an oci:\/\/ image or necto:unset/);
  });

  it('refuses a team on an Untracked job and excluding every pricing model', () => {
    const parsed = parseJobForm({ ...DEFAULT_VALUES, mode: 'Untracked', teamId: '1', exclude: ['Fixed', 'Dynamic', 'Token', 'Spot', 'Auction'] });
    expect(parsed.ok ? {} : parsed.errors).toMatchObject({ teamId: expect.stringMatching(/Tracked/), exclude: expect.stringMatching(/no offer/) });
  });

  it('parses prices exactly, never through a float', () => {
    expect(microUsd('2.999999')).toBe(2_999_999n);
    expect(microUsd('$3')).toBe(3_000_000n);
    expect(microUsd('0.1234567')).toBeUndefined();
    expect(microUsd('1e3')).toBeUndefined();
  });

  it('gives the keeper a quote spec with engine pricing names', () => {
    const parsed = parseJobForm({ ...DEFAULT_VALUES, area: 'EU', country: 'de', exclude: ['Spot', 'Dynamic'] });
    if (!parsed.ok) throw new Error('expected ok');
    expect(quoteSpecOf(parsed.terms)).toEqual({ gpu: 'H100-80G', count: 8, hours: 6, maxPrice: 3, region: 'EU,DE', exclude: ['spot'], review: 300 });
  });

  it('refuses a team deposit above what the team can commit, naming the cap or the balance as the limit', () => {
    const capped = { balance: 490_000_000n, windowSpend: 10_000_000n, cap: 50_000_000n, spendable: 40_000_000n };
    expect(teamFundsError(40_000_000n, capped)).toBeUndefined();
    expect(teamFundsError(240_000_000n, capped)).toBe(
      'the deposit 240.00 USDC is above the 40.00 USDC this team can commit now: its spending cap of 50.00 USDC per 30 days has 40.00 USDC left (the treasury holds 490.00 USDC). Lower the GPUs, hours or max price',
    );
    const poor = { balance: 30_000_000n, windowSpend: 0n, cap: 50_000_000n, spendable: 30_000_000n };
    expect(teamFundsError(35_000_000n, poor)).toBe(
      'the deposit 35.00 USDC is above the 30.00 USDC this team can commit now: that is its treasury balance (the cap leaves 50.00 USDC). Lower the GPUs, hours or max price, or ask an Admin to deposit',
    );
    expect(teamFundsError(35_000_000n, { ...poor, cap: 0n })).toMatch(/that is its treasury balance\. Lower/);
    expect(teamFundsError(1n, { balance: 100n, windowSpend: 60n, cap: 50n, spendable: 0n })).toMatch(/has 0\.00 USDC left/);
  });

  it('says what the chosen team can commit and the cap left', () => {
    expect(teamFundsHint({ balance: 490_000_000n, windowSpend: 10_000_000n, cap: 50_000_000n, spendable: 40_000_000n })).toBe('Can commit 40.00 USDC now: treasury 490.00 USDC, cap left 40.00 USDC of 50.00 USDC per 30 days.');
    expect(teamFundsHint({ balance: 5n * 10n ** 6n, windowSpend: 0n, cap: 0n, spendable: 5n * 10n ** 6n })).toBe('Can commit 5.00 USDC now: treasury 5.00 USDC, no spending cap.');
  });
});
