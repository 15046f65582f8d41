// The routing decision: quotes in, decision out. Pure: no I/O, no clock, no randomness, so anyone
// holding the request, the quotes and `now` replays exactly the same decision.
import type { Exclusion, Quote } from '../quote.ts';
import { CONSTRAINTS, constraintChecker } from './constraints.ts';
import type { ConstraintName } from './constraints.ts';
import { RankKeys, rankOrder } from './rank.ts';
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
   *  order), each group in rank order. */
  excluded: DecisionExclusion[];
};

/** Rank groups: eligible quotes first (0), then one group per constraint, in constraint order. */
const GROUP_OF_CONSTRAINT = Object.fromEntries(CONSTRAINTS.map((name, index) => [name, index + 1])) as Record<
  ConstraintName,
  number
>;

/**
 * Routes one job: keeps the quotes that meet every hard constraint of `request` at time `now`
 * (unix seconds), ranks them and picks the first. Every input quote ends up exactly once in
 * `ranking` or `excluded`. Throws a RoutingRequestError for an invalid request.
 */
export function decide(input: RoutingRequestInput, quotes: readonly Quote[], now: number): Decision {
  const request = routingRequest(input);
  if (!Number.isFinite(now)) throw new RangeError(`decision time must be unix seconds (got ${now})`);
  const check = constraintChecker(request, now);
  const exclusions: (DecisionExclusion | undefined)[] = new Array(quotes.length);
  const groups = new Uint8Array(quotes.length);
  const keys = new RankKeys(quotes.length);
  let eligible = 0;
  for (let i = 0; i < quotes.length; i++) {
    const quote = quotes[i] as Quote;
    keys.read(i, quote);
    const violation = check(quote);
    if (violation === undefined) {
      eligible++;
    } else {
      exclusions[i] = { quote, reason: violation.reason, constraint: violation.constraint };
      groups[i] = GROUP_OF_CONSTRAINT[violation.constraint];
    }
  }
  // Group 0, the eligible quotes, sorts first.
  const order = rankOrder(quotes, groups, keys);
  const ranking: Quote[] = [];
  const excluded: DecisionExclusion[] = [];
  for (let k = 0; k < eligible; k++) ranking.push(quotes[order[k] as number] as Quote);
  for (let k = eligible; k < order.length; k++) excluded.push(exclusions[order[k] as number] as DecisionExclusion);
  return { request, now, chosen: ranking[0], ranking, excluded };
}
