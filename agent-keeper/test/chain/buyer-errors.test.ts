// Every error a seller's, a team's or a buyer's own write can raise reads as a sentence, never as
// the bare error name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nectoMarketAbi, teamAccessAbi } from '@necto/contracts';
import { describeRevert } from '../../src/chain/buyer-errors.ts';

const context = { chainId: 31337, market: '0x0000000000000000000000000000000000000001' } as const;
const sampleArgs = [7, '0x00000000000000000000000000000000000000aa', 2, 3] as const;

/** The keeper's own route and reroute refusals are diagnosed from chain state instead (chain/market.ts). */
const KEEPER_ONLY = /^JobRegistry_(PriceAboveMax|PriceMismatch|PriceAboveCeiling|ZeroPrice|OfferNotAvailable|InsufficientGpus|OutsideWindow|GpuModelMismatch|VramTooLow|RegionMismatch|PricingModelExcluded|ProviderNotWhitelisted|SubmitterNotActive|InvalidDecisionRoot|RerouteNotOptedIn|SameOffer|RefundNotDue|NotExpired|FeeTooHigh|StartWindowOutOfRange|CompletionGraceOutOfRange)$/;

const errors = [...nectoMarketAbi, ...teamAccessAbi]
  .filter((item) => item.type === 'error')
  .map((item) => item.name)
  .filter((name) => /^(ProviderRegistry|TeamAccess|TeamTreasury|JobRegistry)_/.test(name) && !KEEPER_ONLY.test(name));

test('seller, team and buyer errors are all put in words', () => {
  assert.ok(errors.length > 30, `found ${errors.length} errors`);
  for (const errorName of new Set(errors)) {
    const sentence = describeRevert({ errorName, args: sampleArgs }, context);
    assert.doesNotMatch(sentence, /reverted with/, `${errorName} has no sentence`);
  }
});

test('a listing refusal names what to change', () => {
  assert.equal(describeRevert({ errorName: 'ProviderRegistry_GpuCountBelowInUse', args: [1, 2] }, context), '2 GPUs are reserved by routed or running jobs: the offer cannot list fewer (got 1)');
  assert.match(describeRevert({ errorName: 'TeamAccess_LastAdmin', args: [3, '0xabc'] }, context), /last Admin: make another member Admin first/);
});
