import { getAddress, hexToString } from 'viem';
import { describe, expect, test } from 'vitest';
import { DEFAULT_OFFER, checkCountry, parseCapacity, parseOffer, parsePricing, parseProfileForm, parseUsedTime, parseWindow, tokenIdText, windowInput } from './seller-form.ts';

const NOW = 1_800_000_000;
const PAYOUT = '0xbcd4042de499d14e55001ccbb24a551f3b954096';

describe('profile', () => {
  test('valid fields become the payout and a data: profile', () => {
    const parsed = parseProfileForm({ payout: PAYOUT, name: ' Oslo GPUs ', contact: 'ops@oslo.example' });
    expect(parsed).toEqual({ ok: true, value: { payout: getAddress(PAYOUT), metadataURI: `data:application/json,${encodeURIComponent('{"name":"Oslo GPUs","contact":"ops@oslo.example"}')}` } });
  });

  test('each bad field says what is wrong', () => {
    const parsed = parseProfileForm({ payout: '0x1234', name: 'x'.repeat(65), contact: 'call me' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.payout).toMatch(/not an address/);
    expect(parsed.errors.name).toMatch(/at most 64/);
    expect(parsed.errors.contact).toMatch(/neither an email/);
    const empty = parseProfileForm({ payout: `0x${'0'.repeat(40)}`, name: ' ', contact: '' });
    expect(empty.ok ? {} : empty.errors).toEqual({ payout: expect.stringMatching(/zero address/), name: expect.stringMatching(/enter the name/), contact: expect.stringMatching(/enter an email/) });
    expect(parseProfileForm({ payout: PAYOUT, name: 'A', contact: 'https://a.example/contact' }).ok).toBe(true);
  });
});

describe('pricing', () => {
  const base = { ...DEFAULT_OFFER };
  test('Fixed: the price in micro-USD', () => {
    expect(parsePricing({ ...base, pricing: 'Fixed', price: '2.10' })).toMatchObject({ ok: true, value: { pricing: 0, price: 2_100_000n, demandSlopeBps: 0, tokenAmount: 0n } });
  });
  test('Dynamic: floor and slope in basis points', () => {
    expect(parsePricing({ ...base, pricing: 'Dynamic', floor: '1.5', slope: '12.5%' })).toMatchObject({ ok: true, value: { pricing: 1, price: 1_500_000n, demandSlopeBps: 1250 } });
    expect(parsePricing({ ...base, pricing: 'Dynamic', floor: '0', slope: 'lots' })).toEqual({ ok: false, errors: { floor: expect.any(String), slope: expect.stringMatching(/in %/) } });
    expect(parsePricing({ ...base, pricing: 'Dynamic', slope: '1001' })).toMatchObject({ ok: false, errors: { slope: expect.stringMatching(/at most 1000%/) } });
  });
  test('Token: id, micro-tokens and the USD ceiling', () => {
    const parsed = parsePricing({ ...base, pricing: 'Token', token: 'Render-Token', tokenAmount: '0.45', ceiling: '1.5' });
    expect(parsed).toMatchObject({ ok: true, value: { pricing: 2, price: 1_500_000n, tokenAmount: 450_000n } });
    if (parsed.ok) expect(tokenIdText(parsed.value.tokenId)).toBe('render-token');
    expect(parsePricing({ ...base, pricing: 'Token', token: 'no spaces', tokenAmount: '0', ceiling: '' })).toEqual({ ok: false, errors: { token: expect.any(String), tokenAmount: expect.any(String), ceiling: expect.any(String) } });
  });
});

describe('window', () => {
  test('empty is now and open-ended; values are UTC', () => {
    expect(parseWindow({ from: '', until: '' }, NOW)).toEqual({ ok: true, value: { availableFrom: 0, availableUntil: 0 } });
    const until = windowInput(NOW + 86_400);
    expect(parseWindow({ from: '', until }, NOW)).toEqual({ ok: true, value: { availableFrom: 0, availableUntil: NOW + 86_400 - ((NOW + 86_400) % 60) } });
    expect(windowInput(0)).toBe('');
  });
  test('the end must follow the start and now', () => {
    expect(parseWindow({ from: windowInput(NOW + 7200), until: windowInput(NOW + 3600) }, NOW)).toMatchObject({ ok: false, errors: { until: /after the start/ } });
    expect(parseWindow({ from: '', until: windowInput(NOW - 3600) }, NOW)).toMatchObject({ ok: false, errors: { until: /future/ } });
    expect(parseWindow({ from: 'tomorrow', until: '' }, NOW)).toMatchObject({ ok: false, errors: { from: /not a date/ } });
  });
});

describe('offer', () => {
  test('a full offer becomes OfferParams', () => {
    const parsed = parseOffer({ ...DEFAULT_OFFER, gpu: 'H100-80G', count: '4', vram: '80', country: 'de', area: 'EU', price: '1.99' }, NOW);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(hexToString(parsed.value.gpuModel, { size: 16 }).replace(/\0+$/, '')).toBe('H100-80G');
    expect(parsed.value).toMatchObject({ gpuCount: 4, vramGb: 80, country: '0x4445', area: 3, availableFrom: 0, availableUntil: 0, pricing: 0, price: 1_990_000n });
  });
  test('bad hardware and location fields are each named', () => {
    const parsed = parseOffer({ ...DEFAULT_OFFER, gpu: 'Voodoo2', count: '0', vram: 'lots', country: 'US', area: 'EU' }, NOW);
    expect(parsed.ok ? {} : Object.keys(parsed.errors).sort()).toEqual(['count', 'country', 'gpu', 'vram']);
  });
  test('a country must be real and in its area', () => {
    expect(checkCountry('', 'EU')).toBeUndefined();
    expect(checkCountry('DE', 'EU')).toBeUndefined();
    expect(checkCountry('DE', 'NA')).toMatch(/Germany \(DE\) is in EU, not NA/);
    expect(checkCountry('XX', 'EU')).toMatch(/not an ISO 3166 country/);
    expect(checkCountry('UK', 'EU')).toMatch(/GB/);
    expect(checkCountry('EU', 'EU')).toMatch(/not an ISO 3166 country/);
    expect(checkCountry('D', 'EU')).toMatch(/two-letter/);
    expect(checkCountry('IS', 'EU')).toBeUndefined();
  });
});

test('capacity never goes below the GPUs in use', () => {
  expect(parseCapacity({ state: 'Offline', count: '8' }, 2)).toEqual({ ok: true, value: { state: 2, gpuCount: 8 } });
  expect(parseCapacity({ state: 'Available', count: '1' }, 2)).toEqual({ ok: false, errors: { count: '2 GPUs are in use by routed or running jobs: list at least 2' } });
  expect(parseCapacity({ state: 'Available', count: '0' }, 0)).toMatchObject({ ok: false, errors: { count: /at least 1/ } });
});

describe('used time', () => {
  const limits = { hoursBooked: 2, startedAt: NOW - 3 * 3600, now: NOW };
  test('hours with decimals or h:mm, in seconds', () => {
    expect(parseUsedTime('1.5', limits)).toEqual({ ok: true, value: 5400 });
    expect(parseUsedTime('1:05', limits)).toEqual({ ok: true, value: 3900 });
    expect(parseUsedTime('0.001', limits)).toEqual({ ok: true, value: 4 });
  });
  test('at most the booked hours and the time since the start', () => {
    expect(parseUsedTime('2:01', limits)).toMatchObject({ ok: false, errors: { used: /2 h booked/ } });
    expect(parseUsedTime('0:30', { ...limits, startedAt: NOW - 600 })).toMatchObject({ ok: false, errors: { used: /since the start \(0:10\)/ } });
    expect(parseUsedTime('1:75', limits)).toMatchObject({ ok: false, errors: { used: /1.5 or 1:30/ } });
  });
});
