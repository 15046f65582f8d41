import { describe, expect, it } from 'vitest';
import { DEFAULT_VALUES, microUsd, parseJobForm, quoteSpecOf } from './job-form.ts';

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
});
