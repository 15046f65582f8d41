// The routing engine: pure functions from a request, quotes and a time to a decision.
export { decide } from './decide.ts';
export type { Decision, DecisionExclusion } from './decide.ts';
export { CONSTRAINTS, MAX_CLOCK_SKEW_SEC, constraintChecker, formatDuration } from './constraints.ts';
export type { ConstraintName, Violation } from './constraints.ts';
export { MAX_RANK_GROUP, RankKeys, compareQuotes, rankOrder, rankQuotes } from './rank.ts';
export {
  MIN_RELIABILITY,
  NO_HISTORY,
  PRIOR_COMPLETED,
  PRIOR_FAILED,
  PROBATION_COMPLETED,
  PROBATION_MAX_UNFINISHED,
  reliabilityOf,
  riskAdjustedCost,
  trackRecordOf,
  trackRecordProblem,
  withTrackRecords,
} from './reliability.ts';
export {
  DEFAULT_MAX_QUOTE_AGE_SEC,
  DEFAULT_MAX_TOKEN_RATE_AGE_SEC,
  RoutingRequestError,
  parseRoutingRequest,
  routingRequest,
} from './request.ts';
export type { ParsedRoutingRequest, RoutingRequest, RoutingRequestInput } from './request.ts';
