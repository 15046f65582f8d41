// What the agent's tools can do, as plain async functions over the keeper's parts. The ADK tools
// (tools.ts) wrap each one, turning a thrown error into { status: 'error', reason }; the keeper
// service (service/keeper.ts) builds the real toolkit, tests build their own.
import type { Hex } from 'viem';
import type { DecisionRecord } from '../decision/record.ts';
import type { RoutingRequestInput } from '../engine/index.ts';

/** One quote as a person (or a model) reads it: dollars, not micro-USD. */
export type QuoteLine = {
  rank?: number;
  quote: string;
  source: string;
  provider: string;
  gpuModel: string;
  vendorGpuName: string;
  pricingModel: string;
  usdPerGpuHour: number;
  unitGpus: number;
  availableGpus: number | 'unknown';
  region: string;
  /** Seconds between the quote's observation and the decision time. */
  ageSeconds: number;
  /** Why it was left out, when it was. */
  excluded?: string;
};

export type Comparison = {
  providers: 'snapshot' | 'live';
  /** Unix seconds the quotes were scanned at; and how old the scan was when it was used. */
  scannedAt: number;
  scanAgeSeconds: number;
  request: RoutingRequestInput;
  chosen: QuoteLine | null;
  /** Why nothing was chosen. */
  noEligibleOffer?: string;
  /** Eligible quotes, best first (at most `limit`). */
  ranking: QuoteLine[];
  eligible: number;
  excluded: number;
  /** Exclusions by constraint, most common first: "12 failed maxPrice". */
  exclusionSummary: string[];
  sources: { id: string; status: string; quotes: number; reason?: string }[];
};

/** What an action did. held: no eligible offer yet, the record is stored and the job retried
 *  until its grace ends; refused: the contract refused the call although the job still waits;
 *  skipped: nothing to do (cancelled, routed elsewhere, no better offer). */
export type RoutingAction =
  | { outcome: 'routed' | 'unroutable' | 'rerouted' | 'expired'; jobId: string; root: Hex; txHash: Hex; blockNumber?: string; summary: string }
  | { outcome: 'held'; jobId: string; root: Hex; summary: string }
  | { outcome: 'skipped' | 'refused'; jobId: string; summary: string };

export type RerouteCheck = {
  jobId: string;
  /** What the keeper would do now: nothing, a failover (not started in time), a cheaper offer, or
   *  expire a job that was not started in time and did not opt in to rerouting. */
  action: 'none' | 'failover' | 'cheaper' | 'expire';
  reason: string;
  currentUsdPerGpuHour?: number;
  candidate?: QuoteLine;
};

export type JobReport = {
  jobId: string;
  status: string;
  mode: string;
  gpu: string;
  hours: number;
  maxUsdPerGpuHour: number;
  offerId?: number;
  usdPerGpuHour?: number;
  decisionRoot?: Hex;
  deadlines: Record<string, string>;
  /** What the keeper is doing about it, in words. */
  keeper: string;
  /** A job on an external network's gateway: who runs it there, and what it waits for. */
  fulfilment?: Fulfilment;
};

/** Who runs a job on an external network. A gateway whose deploy API is wired runs it itself
 *  (`by: 'gateway'`: Akash through its Console); elsewhere the gateway's operator runs it by hand
 *  and reports it (`necto operator`): "awaiting operator", never silently done. */
export type Fulfilment = {
  network: string;
  by: 'operator' | 'gateway';
  state: 'in review' | 'awaiting operator' | 'deploying' | 'awaiting bids' | 'leased' | 'running' | 'settled' | 'failed';
  /** ISO time: the review end, the start deadline, or the completion deadline. */
  until?: string;
  next: string;
  /** The network's own id for the run (Akash: the deployment's dseq). */
  deployment?: string;
  /** The bid the gateway accepted, beside the price the job was routed at (USD per GPU-hour). */
  acceptedBid?: { provider: string; usdPerGpuHour: number; routedUsdPerGpuHour: number };
  /** Why the gateway could not run it (state failed). */
  reason?: string;
  /** The root of the gateway's fulfilment record in the decision store, once the run ended. */
  record?: string;
};

export type Verification = { verified: boolean; root: Hex; checks: { name: string; ok: boolean; detail: string }[] };

export type KeeperToolkit = {
  /** `asJob`: compare as the keeper would route such a job now, only quotes an on-chain offer can
   *  carry (gateway ceilings, capacity, the offer's window against `reviewSeconds`). */
  compareProviders(spec: RoutingRequestInput, limit?: number, asJob?: { reviewSeconds: number }): Promise<Comparison>;
  routeJob(jobId: bigint): Promise<RoutingAction>;
  verifyDecision(target: { jobId?: bigint; root?: Hex }): Promise<Verification>;
  checkReroute(jobId: bigint): Promise<RerouteCheck>;
  /** Acts on a check: posts the reroute it found (a no-op action when there is none). */
  reroute(jobId: bigint): Promise<RoutingAction>;
  jobStatus(jobId: bigint): Promise<JobReport>;
  /** The stored record by root (checked against the root by the store). */
  readDecision(root: Hex): Promise<DecisionRecord>;
};
