// The track-record fold, event sequence by event sequence, without a chain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyLedger, figuresAt, foldMarketEvents, foldTrackRecords } from '../../src/chain/track-record.ts';
import type { MarketEvent, ProviderFigures } from '../../src/chain/track-record.ts';

const TERMS = { startWindow: 600, completionGrace: 900 };
const REVIEW = 60;
const ROUTED_AT = 1_000;
/** Routed at 1,000 with a 60 s review window and a 600 s start window. */
const START_DEADLINE = ROUTED_AT + REVIEW + TERMS.startWindow;

/** Sellers 1 and 3 (offers 10 and 30), gateway 2 (offer 20), and job 5: 1 h, 60 s review. */
const MARKET: MarketEvent[] = [
  { kind: 'provider', providerId: 1, gateway: false },
  { kind: 'provider', providerId: 2, gateway: true },
  { kind: 'provider', providerId: 3, gateway: false },
  { kind: 'offer', offerId: 10, providerId: 1 },
  { kind: 'offer', offerId: 20, providerId: 2 },
  { kind: 'offer', offerId: 30, providerId: 3 },
  { kind: 'requested', jobId: 5n, reviewSeconds: REVIEW, hours: 1 },
];
const routed = (offerId = 10, at = ROUTED_AT): MarketEvent => ({ kind: 'routed', jobId: 5n, offerId, at });

const none: ProviderFigures = { routed: 0, startedOnTime: 0, completed: 0, missed: 0, expired: 0, openRoutings: 0, running: 0 };
const of = (fields: Partial<ProviderFigures>): ProviderFigures => ({ ...none, ...fields });

/** The figures of sellers 1 and 3 after the market and `events`, at `asOf`. */
function sellers(events: MarketEvent[], asOf = START_DEADLINE): [ProviderFigures | undefined, ProviderFigures | undefined] {
  const figures = foldTrackRecords([...MARKET, ...events], TERMS, asOf);
  assert.deepEqual([...figures.keys()].sort(), [1, 3], 'the gateway is not scored');
  return [figures.get(1), figures.get(3)];
}

test('no jobs: every seller at zero, gateways absent', () => {
  assert.deepEqual(sellers([]), [none, none]);
});

test('routed, started, completed', () => {
  const [seller] = sellers([routed(), { kind: 'started', jobId: 5n, at: 1_100 }, { kind: 'completed', jobId: 5n }]);
  assert.deepEqual(seller, of({ routed: 1, startedOnTime: 1, completed: 1 }));
});

test('routed and waiting: an open routing until its start deadline, a missed start after it', () => {
  assert.deepEqual(sellers([routed()], START_DEADLINE)[0], of({ routed: 1, openRoutings: 1 }));
  assert.deepEqual(sellers([routed()], START_DEADLINE + 1)[0], of({ routed: 1, missed: 1 }));
});

test('expired or refunded while routed: a missed start, counted once', () => {
  for (const kind of ['expired', 'refunded'] as const) {
    const ended = sellers([routed(), { kind, jobId: 5n }], START_DEADLINE + 1_000)[0];
    assert.deepEqual(ended, of({ routed: 1, missed: 1 }), kind);
  }
  // A team job's refund follows its expiry in the same transaction.
  const both = sellers([routed(), { kind: 'expired', jobId: 5n }, { kind: 'refunded', jobId: 5n }], START_DEADLINE + 1)[0];
  assert.deepEqual(both, of({ routed: 1, missed: 1 }));
});

test('started, not completed by hours + completion grace: running, then expired', () => {
  const started = { kind: 'started', jobId: 5n, at: 1_100 } as const;
  const completionDeadline = 1_100 + 3_600 + TERMS.completionGrace;
  assert.deepEqual(sellers([routed(), started], completionDeadline)[0], of({ routed: 1, startedOnTime: 1, running: 1 }));
  assert.deepEqual(sellers([routed(), started], completionDeadline + 1)[0], of({ routed: 1, startedOnTime: 1, expired: 1 }));
  for (const kind of ['expired', 'refunded'] as const) {
    assert.deepEqual(sellers([routed(), started, { kind, jobId: 5n }], 0)[0], of({ routed: 1, startedOnTime: 1, expired: 1 }), kind);
  }
  // Completed and then refunded the rest (a team job): a completion.
  const completed = sellers([routed(), started, { kind: 'completed', jobId: 5n }, { kind: 'refunded', jobId: 5n }])[0];
  assert.deepEqual(completed, of({ routed: 1, startedOnTime: 1, completed: 1 }));
});

test('rerouted away after the start deadline: a missed start for the first seller, a routing for the next', () => {
  const at = START_DEADLINE + 1;
  const [first, next] = sellers([routed(), { kind: 'rerouted', jobId: 5n, toOfferId: 30, at }], at);
  assert.deepEqual(first, of({ routed: 1, missed: 1 }));
  assert.deepEqual(next, of({ routed: 1, openRoutings: 1 }));
});

test('rerouted away before or at the start deadline: neutral for the first seller', () => {
  for (const at of [ROUTED_AT + 1, START_DEADLINE]) {
    const [first, next] = sellers([routed(), { kind: 'rerouted', jobId: 5n, toOfferId: 30, at }], at);
    assert.deepEqual(first, of({ routed: 1 }), `at ${at}`);
    assert.deepEqual(next, of({ routed: 1, openRoutings: 1 }), `at ${at}`);
  }
});

test('the new routing has its own start deadline: from the reroute, with the review window again', () => {
  const at = ROUTED_AT + 100;
  const events = [routed(), { kind: 'rerouted', jobId: 5n, toOfferId: 30, at } as const];
  assert.deepEqual(sellers(events, at + REVIEW + TERMS.startWindow)[1], of({ routed: 1, openRoutings: 1 }));
  assert.deepEqual(sellers(events, at + REVIEW + TERMS.startWindow + 1)[1], of({ routed: 1, missed: 1 }));
});

test('cancelled by the buyer before the start deadline: neutral; after it: a missed start', () => {
  assert.deepEqual(sellers([routed(), { kind: 'cancelled', jobId: 5n, at: ROUTED_AT + 30 }], 99_999)[0], of({ routed: 1 }));
  assert.deepEqual(sellers([routed(), { kind: 'cancelled', jobId: 5n, at: START_DEADLINE + 1 }])[0], of({ routed: 1, missed: 1 }));
  assert.deepEqual(sellers([{ kind: 'cancelled', jobId: 5n, at: 1 }, routed()]), [none, none], 'cancelled before a route');
});

test('gateways are not scored, but a job rerouted from a gateway to a seller counts for the seller', () => {
  const at = ROUTED_AT + 10;
  const [seller] = sellers([routed(20), { kind: 'rerouted', jobId: 5n, toOfferId: 10, at }, { kind: 'started', jobId: 5n, at: at + REVIEW }]);
  assert.deepEqual(seller, of({ routed: 1, startedOnTime: 1, running: 1 }));
  const [away] = sellers([routed(10), { kind: 'rerouted', jobId: 5n, toOfferId: 20, at: START_DEADLINE + 5 }], START_DEADLINE + 5);
  assert.deepEqual(away, of({ routed: 1, missed: 1 }));
});

test('events of jobs, offers or providers the fold never saw are ignored', () => {
  const strangers: MarketEvent[] = [
    { kind: 'routed', jobId: 99n, offerId: 10, at: ROUTED_AT },
    { kind: 'started', jobId: 99n, at: ROUTED_AT },
    { kind: 'completed', jobId: 99n },
    { kind: 'requested', jobId: 6n, reviewSeconds: 0, hours: 1 },
    { kind: 'routed', jobId: 6n, offerId: 77, at: ROUTED_AT },
    { kind: 'started', jobId: 6n, at: ROUTED_AT },
  ];
  assert.deepEqual(sellers(strangers), [none, none]);
  assert.deepEqual(sellers([{ kind: 'unroutable', jobId: 5n }, routed()]), [none, none], 'an unroutable job is never routed');
});

test('a job first seen rerouted (routed before the first block read) counts from its new routing', () => {
  const events: MarketEvent[] = [
    ...MARKET.slice(0, 6),
    { kind: 'requested', jobId: 8n, reviewSeconds: 0, hours: 1 },
    { kind: 'rerouted', jobId: 8n, toOfferId: 30, at: ROUTED_AT },
  ];
  assert.deepEqual(foldTrackRecords(events, TERMS, ROUTED_AT).get(3), of({ routed: 1, openRoutings: 1 }));
});

test('folding in pieces gives the same figures as folding at once, at any time', () => {
  const history: MarketEvent[] = [
    ...MARKET,
    routed(),
    { kind: 'started', jobId: 5n, at: 1_100 },
    { kind: 'requested', jobId: 6n, reviewSeconds: 0, hours: 2 },
    { kind: 'routed', jobId: 6n, offerId: 30, at: 1_200 },
    { kind: 'completed', jobId: 5n },
    { kind: 'requested', jobId: 7n, reviewSeconds: 30, hours: 1 },
    { kind: 'routed', jobId: 7n, offerId: 10, at: 1_300 },
    { kind: 'rerouted', jobId: 7n, toOfferId: 30, at: 2_000 },
    { kind: 'cancelled', jobId: 6n, at: 1_900 },
  ];
  for (const asOf of [1_500, 2_500, 10_000]) {
    const whole = foldTrackRecords(history, TERMS, asOf);
    for (let cut = 0; cut <= history.length; cut++) {
      const ledger = foldMarketEvents(emptyLedger(TERMS), history.slice(0, cut));
      assert.deepEqual(figuresAt(foldMarketEvents(ledger, history.slice(cut)), asOf), whole, `cut at ${cut}, as of ${asOf}`);
    }
  }
  assert.deepEqual(foldTrackRecords(history, TERMS, 2_500).get(1), of({ routed: 2, startedOnTime: 1, completed: 1, missed: 1 }));
  assert.deepEqual(foldTrackRecords(history, TERMS, 2_500).get(3), of({ routed: 2, missed: 1, openRoutings: 1 }));
});
