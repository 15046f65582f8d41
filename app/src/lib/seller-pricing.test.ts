import { stringToHex } from 'viem';
import { expect, test } from 'vitest';
import { pricingSummary, tokenUsdMicro, tokens } from './seller-pricing.ts';

test('a token amount is worth tokens x rate in micro-USD, snapped like the keeper', () => {
  expect(tokenUsdMicro(500_000n, 2.87)).toBe(1_435_000);
  expect(tokenUsdMicro(150_000n, 2.87)).toBe(430_500);
  expect(tokenUsdMicro(1n, 0.5)).toBe(1);
});

test('micro-tokens read exactly', () => {
  expect(tokens(450_000n)).toBe('0.45');
  expect(tokens('12000000')).toBe('12');
  expect(tokens(1n)).toBe('0.000001');
});

test('each pricing model reads in one line', () => {
  const zero = `0x${'0'.repeat(64)}`;
  expect(pricingSummary({ pricing: 'Fixed', price: '2100000', demandSlopeBps: 0, tokenId: zero, tokenAmount: '0' })).toBe('Fixed: $2.10');
  expect(pricingSummary({ pricing: 'Dynamic', price: '1500000', demandSlopeBps: 2500, tokenId: zero, tokenAmount: '0' })).toBe('Dynamic: floor $1.50 + 25% at full use');
  expect(pricingSummary({ pricing: 'Token', price: '1500000', demandSlopeBps: 0, tokenId: stringToHex('render-token', { size: 32 }), tokenAmount: '450000' })).toBe('Token: 0.45 render-token/GPU-h, ceiling $1.50');
});
