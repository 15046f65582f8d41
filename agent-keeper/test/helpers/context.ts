// A SourceContext for adapter tests: a base URL, a fixed clock and fixed token rates.
import type { TokenRate } from '../../src/quote.ts';
import type { SourceContext } from '../../src/sources/source.ts';
import { DEFAULT_AKASH_BLOCK_TIME_SEC } from '../../src/normalize.ts';

export const NOW = 1_795_176_000; // 2026-11-20T12:00:00Z

export function testContext(baseUrl: string, options: Partial<SourceContext> & { rates?: Record<string, number> } = {}): SourceContext {
  const rates = options.rates ?? {};
  return {
    mode: 'snapshot',
    baseUrl,
    signal: AbortSignal.timeout(3000),
    now: NOW,
    akashBlockTimeSec: DEFAULT_AKASH_BLOCK_TIME_SEC,
    async tokenRate(tokenId: string): Promise<TokenRate | { error: string }> {
      const usd = rates[tokenId];
      return usd === undefined ? { error: `no CoinGecko rate for ${tokenId}` } : { tokenId, usd, updatedAt: NOW - 30 };
    },
    ...options,
  };
}
