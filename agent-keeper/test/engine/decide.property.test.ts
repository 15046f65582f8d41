// Properties of decide(), checked against a plain reading of the rules written here, apart from
// the engine's own code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CONSTRAINTS, decide } from '../../src/engine/index.ts';
import type { RoutingRequest } from '../../src/engine/index.ts';
import { quoteKey } from '../../src/quote.ts';
import type { Quote, TrackRecord } from '../../src/quote.ts';
import { NOW, quote } from '../helpers/quotes.ts';
import { quoteArbitrary, requestArbitrary, shuffledQuotes, trackRecordArbitrary } from './arbitraries.ts';

const RUNS = { numRuns: 300 };

/** Every hard constraint, read straight from the issue. */
function meetsEveryConstraint(q: Quote, r: RoutingRequest, now: number): boolean {
  const regionAllowed =
    r.regions.length === 0 ||
    (q.region.country !== undefined && r.regions.includes(q.region.country)) ||
    (q.region.area !== undefined && r.regions.includes(q.region.area));
  const price = q.effectiveMicroUsdPerGpuHour;
  const fresh = (timestamp: number, limit: number) => now - timestamp <= limit && timestamp - now <= 60;
  const tokenRateOk = q.tokenRate ? fresh(q.tokenRate.updatedAt, r.maxTokenRateAgeSec) : q.pricingModel !== 'token';
  return (
    q.gpuModel === r.gpuModel &&
    q.vramGb >= r.minVramGb &&
    q.unitGpus >= 1 &&
    q.availableGpus > 0 &&
    q.availableGpus >= r.gpuCount &&
    (q.unitGpus === 1 || q.unitGpus === r.gpuCount) &&
    regionAllowed &&
    !r.excludedPricingModels.includes(q.pricingModel) &&
    (r.allowedProviders === undefined || r.allowedProviders.includes(q.provider)) &&
    Number.isSafeInteger(price) &&
    price > 0 &&
    (r.maxMicroUsdPerGpuHour === undefined || price <= r.maxMicroUsdPerGpuHour) &&
    fresh(q.observedAt, r.maxQuoteAgeSec) &&
    tokenRateOk &&
    (q.trackRecord === undefined || trackRecordAllows(q.trackRecord))
  );
}

/** A seller is routed when its record adds up, its reliability is at least 1/2, and, with fewer
 *  than 3 completed jobs, it holds no unfinished one. */
function trackRecordAllows(t: TrackRecord): boolean {
  const counts = [t.routed, t.startedOnTime, t.completed, t.missed, t.expired, t.openRoutings, t.running];
  const failed = t.missed + t.expired;
  return (
    counts.every((n) => Number.isSafeInteger(n) && n >= 0) &&
    t.reliability === (2 + t.completed) / (3 + t.completed + failed) &&
    2 * (2 + t.completed) >= 3 + t.completed + failed &&
    (t.completed >= 3 || t.openRoutings + t.running === 0)
  );
}

/** The cost a quote ranks at, as an exact fraction: its price, or price / reliability for a seller. */
function rankedCost(q: Quote): { num: bigint; den: bigint } {
  const price = BigInt(q.effectiveMicroUsdPerGpuHour);
  const t = q.trackRecord;
  if (t === undefined) return { num: price, den: 1n };
  return { num: price * BigInt(3 + t.completed + t.missed + t.expired), den: BigInt(2 + t.completed) };
}

function compareCosts(a: Quote, b: Quote): number {
  const [x, y] = [rankedCost(a), rankedCost(b)];
  const difference = x.num * y.den - y.num * x.den;
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

/** The ranking rule: cost (risk-adjusted for sellers), latency, uptime (desc), rating (desc),
 *  missing worst, then the id. */
function rankRule(a: Quote, b: Quote): number {
  const missingLast = (x: number | undefined, y: number | undefined, better: (x: number, y: number) => number) =>
    x === undefined ? (y === undefined ? 0 : 1) : y === undefined ? -1 : better(x, y);
  return (
    compareCosts(a, b) ||
    missingLast(a.latencySec, b.latencySec, (x, y) => x - y) ||
    missingLast(a.uptime, b.uptime, (x, y) => y - x) ||
    missingLast(a.rating, b.rating, (x, y) => y - x) ||
    (quoteKey(a) < quoteKey(b) ? -1 : quoteKey(a) > quoteKey(b) ? 1 : 0)
  );
}

test('the ranking is sorted by the rule, and the chosen quote is its first', () => {
  fc.assert(
    fc.property(requestArbitrary, fc.array(quoteArbitrary, { maxLength: 60 }), (request, quotes) => {
      const { ranking, chosen } = decide(request, quotes, NOW);
      for (let k = 1; k < ranking.length; k++) {
        assert.ok(rankRule(ranking[k - 1] as Quote, ranking[k] as Quote) <= 0, `positions ${k - 1} and ${k} out of order`);
      }
      assert.equal(chosen, ranking[0]);
    }),
    RUNS,
  );
});

test('every input quote is ranked or excluded exactly once, every exclusion with a reason', () => {
  fc.assert(
    fc.property(requestArbitrary, fc.array(quoteArbitrary, { maxLength: 60 }), (request, quotes) => {
      const { ranking, excluded } = decide(request, quotes, NOW);
      const seen = new Map<Quote, number>();
      for (const q of [...ranking, ...excluded.map((e) => e.quote)]) seen.set(q, (seen.get(q) ?? 0) + 1);
      assert.equal(ranking.length + excluded.length, quotes.length);
      for (const q of quotes) assert.equal(seen.get(q), 1);
      for (const { reason, constraint } of excluded) {
        assert.ok(reason.trim().length > 0);
        assert.ok(CONSTRAINTS.includes(constraint));
      }
    }),
    RUNS,
  );
});

test('ranked quotes meet every constraint; no excluded quote would', () => {
  fc.assert(
    fc.property(requestArbitrary, fc.array(quoteArbitrary, { maxLength: 60 }), (input, quotes) => {
      const { request, ranking, excluded, chosen } = decide(input, quotes, NOW);
      for (const q of ranking) assert.ok(meetsEveryConstraint(q, request, NOW), `ranked ${quoteKey(q)} breaks a constraint`);
      if (chosen) assert.ok(meetsEveryConstraint(chosen, request, NOW));
      for (const { quote: q, reason } of excluded) {
        assert.equal(meetsEveryConstraint(q, request, NOW), false, `excluded ${quoteKey(q)} (${reason}) meets every constraint`);
      }
    }),
    RUNS,
  );
});

test('excluded quotes are grouped by constraint, in constraint order, each group in rank order', () => {
  fc.assert(
    fc.property(requestArbitrary, fc.array(quoteArbitrary, { maxLength: 60 }), (request, quotes) => {
      const { excluded } = decide(request, quotes, NOW);
      for (let k = 1; k < excluded.length; k++) {
        const [before, after] = [excluded[k - 1], excluded[k]] as const;
        const byConstraint = CONSTRAINTS.indexOf(before!.constraint) - CONSTRAINTS.indexOf(after!.constraint);
        assert.ok(byConstraint < 0 || (byConstraint === 0 && rankRule(before!.quote, after!.quote) <= 0));
      }
    }),
    RUNS,
  );
});

test('deterministic: the same decision for the quotes in any order, and on every repeat', () => {
  fc.assert(
    fc.property(requestArbitrary, shuffledQuotes, (request, [quotes, shuffled]) => {
      const decision = decide(request, quotes, NOW);
      assert.deepStrictEqual(decide(request, shuffled, NOW), decision);
      assert.deepStrictEqual(decide(request, quotes, NOW), decision);
      assert.deepStrictEqual(decide(decision.request, shuffled, NOW), decision);
    }),
    RUNS,
  );
});

test('a better track record never ranks a seller lower: one more completed job keeps or raises its place', () => {
  const request = { gpuModel: 'H100-80G', gpuCount: 1, hours: 1 };
  const sellerArbitrary = fc
    .tuple(trackRecordArbitrary.filter(trackRecordAllows), fc.integer({ min: 1, max: 6_000_000 }))
    .map(([trackRecord, price]) =>
      quote({ source: 'necto', offerId: 'seller', provider: 'necto:1', effectiveMicroUsdPerGpuHour: price, trackRecord }),
    );
  fc.assert(
    fc.property(sellerArbitrary, fc.array(quoteArbitrary, { maxLength: 40 }), (seller, others) => {
      const before = decide(request, [seller, ...others], NOW).ranking.indexOf(seller);
      assert.ok(before >= 0, 'the seller is eligible');
      const record = seller.trackRecord as TrackRecord;
      const completed = record.completed + 1;
      const reliability = (2 + completed) / (3 + completed + record.missed + record.expired);
      const better = { ...seller, trackRecord: { ...record, completed, reliability } };
      const after = decide(request, [better, ...others], NOW).ranking.indexOf(better);
      assert.ok(after >= 0 && after <= before, `from ${before} to ${after}`);
    }),
    RUNS,
  );
});
