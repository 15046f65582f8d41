// The plain-language accounts of a decision record and of a comparison.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeComparison, explainDecision, whyFirst } from '../../src/agent/explain.ts';
import { buildRecord } from '../../src/decision/record.ts';
import { decide } from '../../src/engine/index.ts';
import { quote } from '../helpers/quotes.ts';
import { EU_JOB, MARKET, NOW, comparisonOf, euDecisionRecord } from './fixtures.ts';

test('a record with exclusions and a chosen offer: asked, quotes, exclusions, choice, provenance', () => {
  const record = euDecisionRecord();
  assert.equal(
    explainDecision(record, NOW + 3600),
    [
      'Asked: 8x H100-80G for 6 h, at most $3.00/GPU-h, in EU, no spot pricing, at least 80 GB per GPU (job 7, Untracked).',
      'Quotes: 8 from 6 sources (runpod 2, shadeform 2, akash 1, aws-spot 1, lambda 1, vast 1). ' +
        'Left out: ionet failed (timed out after 3000 ms). 1 listed offer could not be quoted.',
      'Excluded 6 of 8 quotes (3 failed region, 1 failed gpu-count, 1 failed price, 1 failed pricing-model). ' +
        'Top reasons: "region US/NA not in EU" (2), "$3.40/GPU-h above max $3.00" (1), "offers 4 GPUs, job needs 8" (1).',
      'Chosen: runpod:h100-secure (provider runpod, NL/EU, fixed, on-chain offer #3) at $2.69/GPU-h, the best of 2 eligible quotes. ' +
        'It beat the runner-up lambda:gpu_8x_h100_sxm5@eu-central-1 at $2.99/GPU-h: $0.30/GPU-h cheaper.',
      'Prices from the recorded snapshot, decided at 2026-11-20T12:00:00Z; the chosen quote was 1 min old then; ' +
        `record written 59 min 55 s ago (${record.engineVersion}).`,
    ].join('\n'),
  );
});

test('a record where nothing qualified says why, and a live reroute names the decision it replaces', () => {
  const quotes = [quote({ offerId: 'a', effectiveMicroUsdPerGpuHour: 2_500_000 }), quote({ offerId: 'b', region: { country: 'DE', area: 'EU' } })];
  const decision = decide({ gpuModel: 'H100', gpuCount: 1, hours: 1, maxMicroUsdPerGpuHour: 1_000_000, regions: ['US'] }, quotes, NOW);
  const record = buildRecord({
    scan: { mode: 'live', now: NOW, quotes, rejected: [], sources: [] },
    decision,
    createdAt: NOW,
    previousRoot: `0x${'cd'.repeat(32)}`,
  });
  const text = explainDecision(record, NOW + 30);
  assert.match(text, /^Asked: 1x H100-80G for 1 h, at most \$1\.00\/GPU-h, in US, at least 80 GB per GPU\.$/m);
  assert.match(text, /^Nothing chosen: no eligible offer: 1 failed price, 1 failed region\.$/m);
  assert.match(text, /^Prices from the live provider APIs, decided at 2026-11-20T12:00:00Z; record written 30 s ago/m);
  assert.match(text, /It replaces decision 0x(cd){32}\.$/);
});

test('the only eligible quote is said to be so', () => {
  const quotes = [quote({ offerId: 'only' })];
  const decision = decide({ gpuModel: 'H100', gpuCount: 1, hours: 1 }, quotes, NOW);
  const record = buildRecord({ scan: { mode: 'snapshot', now: NOW, quotes, rejected: [], sources: [] }, decision, createdAt: NOW });
  const text = explainDecision(record, NOW);
  assert.match(text, /at \$2\.50\/GPU-h, the best of 1 eligible quote\. It was the only eligible quote\./);
  assert.match(text, /no price limit, anywhere/);
  assert.doesNotMatch(text, /Excluded/);
});

test('why the chosen quote beat the runner-up: the first ranking key that differs', () => {
  const a = quote({ offerId: 'a' });
  assert.equal(whyFirst(a, quote({ offerId: 'b', effectiveMicroUsdPerGpuHour: 2_512_345 })), '$0.012345/GPU-h cheaper');
  assert.equal(whyFirst({ ...a, latencySec: 30 }, { ...a, latencySec: 90 }), 'same price, faster to start (30 s vs 90 s)');
  assert.equal(whyFirst({ ...a, uptime: 0.999 }, { ...a, uptime: 0.95 }), 'same price and start time, higher uptime (99.9% vs 95%)');
  assert.equal(whyFirst({ ...a, rating: 4.8 }, a), 'same price, start time and uptime, better rating (4.8 vs none)');
  assert.match(whyFirst(a, quote({ offerId: 'b' })), /broken by the quote id \(test:a sorts first\)/);
});

test('the engine\'s decision text of a comparison', () => {
  const comparison = comparisonOf(EU_JOB, decide(EU_JOB, MARKET, NOW));
  assert.equal(
    describeComparison(comparison),
    [
      'Engine decision for 8x H100 for 6 h (snapshot prices scanned at 2026-11-20T12:00:00Z, 3 min old):',
      'chosen runpod:h100-secure (provider runpod, NL/EU, fixed) at $2.69/GPU-h ($129.12 in total).',
      'Runner-up: lambda:gpu_8x_h100_sxm5@eu-central-1 (provider lambda, DE/EU, fixed) at $2.99/GPU-h.',
      '2 eligible, 6 excluded: 3 failed region, 1 failed gpu-count, 1 failed price, 1 failed pricing-model.',
      'Sources left out: ionet (timed out after 3000 ms).',
    ].join('\n'),
  );
});

test('a comparison with nothing chosen gives the engine\'s reason', () => {
  const job = { ...EU_JOB, maxMicroUsdPerGpuHour: 1_000_000 };
  const comparison = { ...comparisonOf(job, decide(job, MARKET, NOW)), noEligibleOffer: 'no eligible offer: 3 failed price, 3 failed region' };
  assert.match(describeComparison(comparison), /^nothing chosen: no eligible offer: 3 failed price, 3 failed region\.$/m);
  assert.doesNotMatch(describeComparison(comparison), /Runner-up/);
});
