// How a seller sees a buyer: a pseudonym stable for this seller's provider, unlinkable across
// sellers (each provider id salts it differently), never the wallet address.
import { encodePacked, keccak256 } from 'viem';
import type { Address } from 'viem';

export function buyerPseudonym(providerId: number, buyer: Address | string | null | undefined): string {
  if (!buyer) return 'anonymous';
  return `buyer-${keccak256(encodePacked(['uint32', 'address'], [providerId, buyer as Address])).slice(2, 8)}`;
}
