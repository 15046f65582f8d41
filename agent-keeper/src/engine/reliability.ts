// A Necto seller's track record, and what the engine makes of it. The keeper counts each seller's
// on-chain history (chain/track-record.ts) and attaches the counts to its quotes; everything else
// is derived here from those counts, so replaying a decision record derives it again.
//
//   reliability  r = (2 + completed) / (3 + completed + missed + expired): the mean of a Beta
//                posterior whose prior counts two completed jobs and one failed. A seller with
//                no history starts at 2/3; one missed start takes it to 1/2, three completions
//                to 5/6.
//   ranking      by risk-adjusted cost: price / r, computed as price x (3 + n) / (2 + completed)
//                with n = completed + missed + expired (one rounding, the same on every machine).
//                A new seller must be more than a third cheaper to outrank a quote without a
//                track record (an external network, whose gateway the keeper operates and fails
//                over): at 60% of its price it ranks at 90%, at 70% at 105%.
//   suspended    r < 1/2, that is more failures than completed + 1: excluded.
//   probation    fewer than 3 completed jobs: at most 1 unfinished job (awaiting start or
//                running) at a time; while it has one, its quotes are excluded.
//
// A fake price cannot buy every route: a new seller is routed one job at a time, and two missed
// starts suspend it. The price charged is still the quote's price.
import type { Quote, TrackFigures, TrackRecord } from '../quote.ts';

export const PRIOR_COMPLETED = 2;
export const PRIOR_FAILED = 1;
/** Below this reliability a seller is not routed. (Exact: r is a ratio of small integers.) */
export const MIN_RELIABILITY = 0.5;
export const PROBATION_COMPLETED = 3;
export const PROBATION_MAX_UNFINISHED = 1;

export const NO_HISTORY: TrackFigures = Object.freeze({
  routed: 0,
  startedOnTime: 0,
  completed: 0,
  missed: 0,
  expired: 0,
  openRoutings: 0,
  running: 0,
});

const FIGURES = Object.keys(NO_HISTORY) as (keyof TrackFigures)[];

/** Jobs that ended one way or the other: the evidence the posterior weighs. */
function settled(f: TrackFigures): number {
  return f.completed + f.missed + f.expired;
}

export function reliabilityOf(f: TrackFigures): number {
  return (PRIOR_COMPLETED + f.completed) / (PRIOR_COMPLETED + PRIOR_FAILED + settled(f));
}

/** price / reliabilityOf(f), with one rounding. */
export function riskAdjustedCost(price: number, f: TrackFigures): number {
  return (price * (PRIOR_COMPLETED + PRIOR_FAILED + settled(f))) / (PRIOR_COMPLETED + f.completed);
}

export function trackRecordOf(f: TrackFigures): TrackRecord {
  const figures = Object.fromEntries(FIGURES.map((name) => [name, f[name]])) as TrackFigures;
  return { ...figures, reliability: reliabilityOf(figures) };
}

/**
 * Every Necto seller's quote (provider "necto:<id>") with its seller's track record; a seller
 * absent from `figuresByProvider` has no history yet. Other quotes are returned as they are.
 */
export function withTrackRecords(quotes: readonly Quote[], figuresByProvider: ReadonlyMap<number, TrackFigures>): Quote[] {
  return quotes.map((quote) => {
    const providerId = nectoProviderId(quote.provider);
    if (providerId === undefined) return quote;
    return { ...quote, trackRecord: trackRecordOf(figuresByProvider.get(providerId) ?? NO_HISTORY) };
  });
}

function nectoProviderId(provider: string): number | undefined {
  const match = /^necto:([1-9]\d*)$/.exec(provider);
  return match ? Number(match[1]) : undefined;
}

/**
 * Why the seller `provider` may not be routed with this record (suspended, on probation, or a
 * record whose figures are not counts or whose reliability is not theirs), or undefined.
 */
export function trackRecordProblem(provider: string, record: TrackRecord): string | undefined {
  const bad = FIGURES.find((name) => !(Number.isSafeInteger(record[name]) && record[name] >= 0));
  if (bad !== undefined) return `track record of ${provider}: ${bad} is not a count (${record[bad]})`;
  const reliability = reliabilityOf(record);
  if (record.reliability !== reliability) {
    return `track record of ${provider}: reliability ${record.reliability} recorded, its figures give ${reliability}`;
  }
  const { completed, missed, expired } = record;
  if (reliability < MIN_RELIABILITY) {
    return (
      `${provider} is suspended: reliability ${reliability.toFixed(2)} is below ${MIN_RELIABILITY} ` +
      `(${completed} completed, ${count(missed, 'missed start')}, ${count(expired, 'expired job')})`
    );
  }
  const unfinished = record.openRoutings + record.running;
  if (completed < PROBATION_COMPLETED && unfinished >= PROBATION_MAX_UNFINISHED) {
    const holding = [
      record.openRoutings > 0 && count(record.openRoutings, 'routing') + ' awaiting start',
      record.running > 0 && count(record.running, 'job') + ' running',
    ].filter(Boolean);
    return `${provider} is on probation: ${holding.join(' and ')}, ${completed} of ${PROBATION_COMPLETED} completed`;
  }
  return undefined;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
