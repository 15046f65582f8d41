import { describe, expect, it } from 'vitest';
import { countdown, duration, rawPrice, shortHex, usdPerGpuHour, usdc } from './format.ts';

describe('format', () => {
  it('prints prices with one precision rule', () => {
    expect(usdPerGpuHour(2_990_000)).toBe('$2.99');
    expect(usdPerGpuHour(342_123)).toBe('$0.342');
    expect(usdPerGpuHour(12_345_678n)).toBe('$12.35');
  });
  it('prints USDC base units exactly, with separators', () => {
    expect(usdc(144_000_000n)).toBe('144.00 USDC');
    expect(usdc(1_234_567_890n)).toBe('1,234.56 USDC');
    expect(usdc(-5_000_000n)).toBe('-5.00 USDC');
  });
  it('rounds raw values to six significant figures', () => {
    expect(rawPrice('0.1861111111111111')).toBe('0.186111');
    expect(rawPrice('3053.280000000000000000')).toBe('3053.28');
    expect(rawPrice('n/a')).toBe('n/a');
  });
  it('reads durations and countdowns', () => {
    expect(duration(42)).toBe('42 s');
    expect(duration(7 * 60)).toBe('7 min');
    expect(duration(3 * 3600)).toBe('3 h');
    expect(duration(12 * 86400)).toBe('12 d');
    expect(countdown(61.2)).toBe('1:02');
    expect(shortHex('0x' + 'ab'.repeat(32))).toBe('0xabab…abab');
  });
});
