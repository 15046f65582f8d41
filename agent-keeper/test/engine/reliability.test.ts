// Necto sellers' track records in the engine: the reliability, the risk-adjusted ranking, and the
// probation and suspension rules, with exact numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NO_HISTORY,
  decide,
  reliabilityOf,
  riskAdjustedCost,
  trackRecordOf,
  trackRecordProblem,
  withTrackRecords,
} from '../../src/engine/index.ts';
import type { RoutingRequestInput } from '../../src/engine/index.ts';
import type { Quote, TrackFigures } from '../../src/quote.ts';
import { NOW, quote } from '../helpers/quotes.ts';

const JOB: RoutingRequestInput = { gpuModel: 'H100-80G', gpuCount: 1, hours: 4 };
const figures = (fields: Partial<TrackFigures>): TrackFigures => ({ ...NO_HISTORY, ...fields });
const seller = (offerId: string, providerId: number, price: number) =>
  quote({ source: 'necto', offerId, provider: `necto:${providerId}`, effectiveMicroUsdPerGpuHour: price });
const external = (source: string, price: number) => quote({ source, offerId: 'h100', provider: source, effectiveMicroUsdPerGpuHour: price });
const ids = (ranked: readonly Quote[]) => ranked.map((q) => `${q.source}:${q.offerId}`);

test('reliability is the posterior mean with two completed jobs and one failure as the prior', () => {
  assert.equal(reliabilityOf(NO_HISTORY), 2 / 3);
  assert.equal(reliabilityOf(figures({ completed: 3 })), 5 / 6);
  assert.equal(reliabilityOf(figures({ missed: 1 })), 1 / 2);
  assert.equal(reliabilityOf(figures({ completed: 10, missed: 1, expired: 1 })), 12 / 15);
  // Routings still open, started or not, are not evidence yet.
  assert.equal(reliabilityOf(figures({ routed: 4, startedOnTime: 2, openRoutings: 2, running: 2 })), 2 / 3);
});

test('the risk-adjusted cost is price x (3 + settled) / (2 + completed)', () => {
  assert.equal(riskAdjustedCost(1_200_000, NO_HISTORY), 1_800_000);
  assert.equal(riskAdjustedCost(1_900_000, figures({ completed: 20 })), (1_900_000 * 23) / 22);
  assert.equal(riskAdjustedCost(1_000_000, figures({ completed: 1, missed: 2 })), 2_000_000);
});

test('withTrackRecords gives every Necto quote its seller figures (none yet: no history) and leaves the others alone', () => {
  const akash = external('akash', 2_000_000);
  const [known, unknown, same] = withTrackRecords(
    [seller('1', 7, 1_000_000), seller('2', 8, 1_000_000), akash],
    new Map([[7, figures({ routed: 5, startedOnTime: 4, completed: 4, missed: 1 })]]),
  );
  assert.deepEqual(known?.trackRecord, {
    routed: 5, startedOnTime: 4, completed: 4, missed: 1, expired: 0, openRoutings: 0, running: 0, reliability: 6 / 8,
  });
  assert.deepEqual(unknown?.trackRecord, { ...NO_HISTORY, reliability: 2 / 3 });
  assert.equal(same, akash);
});

test('a new seller at 60% of the best external price ranks first (risk-adjusted 90%); at 70% it ranks after (105%)', () => {
  const best = external('runpod', 2_000_000);
  const cheap = withTrackRecords([seller('60', 7, 1_200_000), best, external('lambda', 2_100_000)], new Map());
  const decision = decide(JOB, cheap, NOW);
  assert.deepEqual(ids(decision.ranking), ['necto:60', 'runpod:h100', 'lambda:h100']);
  assert.equal(decision.chosen?.effectiveMicroUsdPerGpuHour, 1_200_000, 'charged its own price, not the adjusted one');
  assert.equal(riskAdjustedCost(1_200_000, NO_HISTORY), 1_800_000);

  const less = withTrackRecords([seller('70', 7, 1_400_000), best, external('lambda', 2_100_000)], new Map());
  assert.equal(riskAdjustedCost(1_400_000, NO_HISTORY), 2_100_000);
  // 2,100,000 ties lambda's price exactly: the tie goes to the id, "lambda:h100" < "necto:70".
  assert.deepEqual(ids(decide(JOB, less, NOW).ranking), ['runpod:h100', 'lambda:h100', 'necto:70']);
});

test('an established reliable seller wins on price: cheaper than another seller, and 5% under an external network', () => {
  const history = new Map([
    [1, figures({ routed: 20, startedOnTime: 20, completed: 20 })],
    [2, figures({ routed: 20, startedOnTime: 20, completed: 19, expired: 1 })],
  ]);
  const input = withTrackRecords([seller('a', 1, 1_900_000), seller('b', 2, 1_850_000), external('runpod', 2_000_000)], history);
  // a: 1,900,000 x 23/22 = 1,986,363.6...; b: 1,850,000 x 23/21 = 2,026,190.4...
  assert.deepEqual(ids(decide(JOB, input, NOW).ranking), ['necto:a', 'runpod:h100', 'necto:b']);
});

test('probation: a seller with fewer than 3 completed jobs holding an unfinished one is excluded, with its figures', () => {
  const history = new Map([
    [7, figures({ routed: 1, openRoutings: 1 })],
    [8, figures({ routed: 3, startedOnTime: 3, completed: 2, running: 1 })],
    [9, figures({ routed: 4, startedOnTime: 4, completed: 3, running: 1 })],
  ]);
  const input = withTrackRecords(
    [seller('1', 7, 1_000_000), seller('2', 8, 1_000_000), seller('3', 9, 1_500_000), external('runpod', 2_000_000)],
    history,
  );
  const decision = decide(JOB, input, NOW);
  assert.deepEqual(ids(decision.ranking), ['necto:3', 'runpod:h100'], 'three completed jobs end probation');
  assert.deepEqual(
    decision.excluded.map((e) => [`${e.quote.source}:${e.quote.offerId}`, e.constraint, e.reason]),
    // In rank order: 1,000,000 x 5/4 before 1,000,000 x 3/2.
    [
      ['necto:2', 'track-record', 'necto:8 is on probation: 1 job running, 2 of 3 completed'],
      ['necto:1', 'track-record', 'necto:7 is on probation: 1 routing awaiting start, 0 of 3 completed'],
    ],
  );
  assert.equal(
    trackRecordProblem('necto:7', trackRecordOf(figures({ routed: 3, startedOnTime: 1, openRoutings: 2, running: 1 }))),
    'necto:7 is on probation: 2 routings awaiting start and 1 job running, 0 of 3 completed',
  );
  assert.equal(trackRecordProblem('necto:7', trackRecordOf(NO_HISTORY)), undefined, 'a new seller may take its first job');
});

test('suspension: below reliability 1/2 a seller is excluded, however cheap', () => {
  assert.equal(trackRecordProblem('necto:7', trackRecordOf(figures({ routed: 1, missed: 1 }))), undefined, 'exactly 1/2 is routed');
  const input = withTrackRecords([seller('1', 7, 10_000), external('runpod', 2_000_000)], new Map([[7, figures({ routed: 2, missed: 2 })]]));
  const decision = decide(JOB, input, NOW);
  assert.deepEqual(ids(decision.ranking), ['runpod:h100']);
  assert.equal(decision.excluded[0]?.reason, 'necto:7 is suspended: reliability 0.40 is below 0.5 (0 completed, 2 missed starts, 0 expired jobs)');
});

test('a record whose reliability is not its figures, or whose figures are not counts, is excluded', () => {
  const honest = withTrackRecords([seller('1', 7, 1_000_000)], new Map())[0] as Quote;
  const inflated = { ...honest, trackRecord: { ...honest.trackRecord!, reliability: 0.99 } };
  const negative = { ...honest, trackRecord: { ...honest.trackRecord!, missed: -1 } };
  const decision = decide(JOB, [inflated, negative], NOW);
  assert.deepEqual(
    decision.excluded.map((e) => e.reason),
    [
      'track record of necto:7: missed is not a count (-1)',
      'track record of necto:7: reliability 0.99 recorded, its figures give 0.6666666666666666',
    ],
  );
});
