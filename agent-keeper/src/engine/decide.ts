// The routing decision: quotes in, decision out. Pure: no I/O, no clock, no randomness, so anyone
// holding the request, the quotes and `now` replays exactly the same decision.
import type { Exclusion, Quote } from '../quote.ts';
import { CONSTRAINTS, constraintChecker } from './constraints.ts';
import type { ConstraintName } from './constraints.ts';
import { rankQuotes, sortByGroupThenCost } from './rank.ts';
import { routingRequest } from './request.ts';
import type { RoutingRequest, RoutingRequestInput } from './request.ts';

/** An excluded quote, its reason, and the constraint that gave it. */
export type DecisionExclusion = Exclusion & { constraint: ConstraintName };

export type Decision = {
  /** The request as normalized (canonical model, defaults filled in). */
  request: RoutingRequest;
  /** The decision time, unix seconds. */
  now: number;
  /** The first of the ranking, when any quote passed every constraint. */
  chosen: Quote | undefined;
  /** Every quote that passed every constraint, best first. */
  ranking: Quote[];
  /** Every other quote with the first constraint it failed: grouped by constraint (in CONSTRAINTS
   *  order), each group cheapest first, equal prices by quote id. */
  excluded: DecisionExclusion[];
};

const CONSTRAINT_INDEX = new Map<ConstraintName, number>(CONSTRAINTS.map((name, index) => [name, index]));

/**
 * Routes one job: keeps the quotes that meet every hard constraint of `request` at time `now`
 * (unix seconds), ranks them and picks the first. Every input quote ends up exactly once in
 * `ranking` or `excluded`. Throws a RoutingRequestError for an invalid request.
 */
export function decide(input: RoutingRequestInput, quotes: readonly Quote[], now: number): Decision {
  const request = routingRequest(input);
  if (!Number.isFinite(now)) throw new RangeError(`decision time must be unix seconds (got ${now})`);
  const check = constraintChecker(request, now);
  const eligible: Quote[] = [];
  const excluded: DecisionExclusion[] = [];
  for (const quote of quotes) {
    const violation = check(quote);
    if (violation === undefined) eligible.push(quote);
    else excluded.push({ quote, reason: violation.reason, constraint: violation.constraint });
  }
  const ranking = rankQuotes(eligible);
  return {
    request,
    now,
    chosen: ranking[0],
    ranking,
    excluded: sortByGroupThenCost(
      excluded,
      (exclusion) => exclusion.quote,
      (exclusion) => CONSTRAINT_INDEX.get(exclusion.constraint) ?? CONSTRAINTS.length,
    ),
  };
}
