import { expect, test } from 'vitest';
import { buyerPseudonym } from './pseudonym.ts';

const BUYER = '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720';

test('a Tracked buyer gets a short pseudonym that is not its address', () => {
  const name = buyerPseudonym(4, BUYER);
  expect(name).toMatch(/^buyer-[0-9a-f]{6}$/);
  expect(name.toLowerCase()).not.toContain(BUYER.slice(2, 8).toLowerCase());
  expect(BUYER.toLowerCase()).not.toContain(name.slice(6));
});

test('stable for one provider, whatever the address case; different for another provider', () => {
  expect(buyerPseudonym(4, BUYER)).toBe(buyerPseudonym(4, BUYER.toLowerCase()));
  expect(buyerPseudonym(4, BUYER)).not.toBe(buyerPseudonym(5, BUYER));
  expect(buyerPseudonym(4, BUYER)).not.toBe(buyerPseudonym(4, '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955'));
});

test('an Untracked job has no buyer to name', () => {
  expect(buyerPseudonym(4, null)).toBe('anonymous');
});
