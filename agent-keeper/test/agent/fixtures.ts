// A recorded market and a KeeperToolkit made of test functions over it: comparisons come from the
// real engine (decide), the record from the real buildRecord, the rest are recorded values.
import type { Hex } from 'viem';
import { comparison } from '../../src/agent/comparison.ts';
import type { Comparison, JobReport, KeeperToolkit } from '../../src/agent/toolkit.ts';
import { buildRecord } from '../../src/decision/record.ts';
import type { DecisionRecord } from '../../src/decision/record.ts';
import { decide } from '../../src/engine/index.ts';
import type { Decision, RoutingRequestInput } from '../../src/engine/index.ts';
import { quoteKey } from '../../src/quote.ts';
import type { Quote } from '../../src/quote.ts';
import type { ScanResult, SourceStatus } from '../../src/scan.ts';
import { NOW, quote } from '../helpers/quotes.ts';

export { NOW };

export const ROOT: Hex = `0x${'ab'.repeat(32)}`;
export const SCAN_AGE_SECONDS = 180;

const offer = (source: string, offerId: string, fields: Partial<Quote>) =>
  quote({ source, offerId, provider: source, ...fields });

/** H100 offers as the sources listed them: one fits an 8-GPU EU job under $3, fixed price, best. */
export const MARKET: Quote[] = [
  offer('lambda', 'gpu_8x_h100_sxm5@eu-central-1', {
    unitGpus: 8,
    effectiveMicroUsdPerGpuHour: 2_990_000,
    region: { country: 'DE', area: 'EU' },
    observedAt: NOW - 240,
  }),
  offer('runpod', 'h100-secure', {
    effectiveMicroUsdPerGpuHour: 2_690_000,
    region: { country: 'NL', area: 'EU' },
    latencySec: 120,
  }),
  offer('runpod', 'h100-spot', { pricingModel: 'spot', effectiveMicroUsdPerGpuHour: 1_650_000, region: { country: 'NL', area: 'EU' } }),
  offer('vast', '4242', { effectiveMicroUsdPerGpuHour: 2_200_000, availableGpus: 4, region: { country: 'FR', area: 'EU' } }),
  offer('akash', 'h100-band', { pricingModel: 'auction', effectiveMicroUsdPerGpuHour: 2_580_000, region: {} }),
  offer('aws-spot', 'p5.48xlarge@us-east-1a', { unitGpus: 8, pricingModel: 'spot', effectiveMicroUsdPerGpuHour: 2_500_000 }),
  offer('shadeform', 'h100-de', { effectiveMicroUsdPerGpuHour: 3_400_000, region: { country: 'DE', area: 'EU' } }),
  offer('shadeform', 'h100-us', { effectiveMicroUsdPerGpuHour: 2_100_000 }),
];

export const EU_JOB: RoutingRequestInput = {
  gpuModel: 'H100',
  gpuCount: 8,
  hours: 6,
  maxMicroUsdPerGpuHour: 3_000_000,
  regions: ['EU'],
  excludedPricingModels: ['spot'],
};

function scanOf(quotes: readonly Quote[]): ScanResult {
  const listed: SourceStatus[] = [...new Set(quotes.map((q) => q.source))].map((id) => ({
    id,
    label: id,
    url: `snapshot://${id}`,
    status: 'ok',
    quotes: quotes.filter((q) => q.source === id).length,
    rejected: id === 'vast' ? 1 : 0,
    ms: 5,
  }));
  const timedOut: SourceStatus = {
    id: 'ionet',
    label: 'io.net',
    url: 'snapshot://ionet',
    status: 'failed',
    reason: 'timed out after 3000 ms',
    quotes: 0,
    rejected: 0,
    ms: 3000,
  };
  return {
    mode: 'snapshot',
    now: NOW,
    quotes: [...quotes],
    rejected: [{ source: 'vast', offerId: '77', reason: 'price is not positive (0)' }],
    sources: [...listed, timedOut],
  };
}


/** A comparison as the keeper service builds one from a decision, from a scan SCAN_AGE_SECONDS old. */
export function comparisonOf(input: RoutingRequestInput, decision: Decision, limit = 5): Comparison {
  return comparison(input, decision, { result: scanOf(MARKET), scannedAt: decision.now, ageSeconds: SCAN_AGE_SECONDS }, limit);
}

/** The record of routing job 7 (the EU job) to runpod's offer, carried by on-chain offer #3. */
export function euDecisionRecord(): DecisionRecord {
  const quotes = MARKET.map((q) => (quoteKey(q) === 'runpod:h100-secure' ? { ...q, onchain: { offerId: 3 } } : q));
  return buildRecord({
    scan: scanOf(quotes),
    decision: decide(EU_JOB, quotes, NOW),
    createdAt: NOW + 5,
    job: {
      chainId: 31337,
      contract: '0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0',
      jobId: '7',
      mode: 'Untracked',
      rerouteOptIn: true,
      excludedPricing: ['Spot'],
    },
  });
}

export const JOB_7: JobReport = {
  jobId: '7',
  status: 'Routed',
  mode: 'Untracked',
  gpu: 'H100-80G x8',
  hours: 6,
  maxUsdPerGpuHour: 3,
  offerId: 3,
  usdPerGpuHour: 2.69,
  decisionRoot: ROOT,
  deadlines: { start: '2026-11-20T12:30:00Z' },
  keeper: 'watching for a start; fails over at 12:30 if the provider has not started',
};

export type ToolkitCall = { method: keyof KeeperToolkit; args: unknown[] };

/** A toolkit of test functions: records every call; `overrides` replace any method. */
export function recordedToolkit(overrides: Partial<KeeperToolkit> = {}): KeeperToolkit & { calls: ToolkitCall[] } {
  const calls: ToolkitCall[] = [];
  const log =
    <M extends keyof KeeperToolkit>(method: M, run: KeeperToolkit[M]): KeeperToolkit[M] =>
    ((...args: unknown[]) => {
      calls.push({ method, args });
      return (run as (...a: unknown[]) => unknown)(...args);
    }) as KeeperToolkit[M];
  const record = euDecisionRecord();
  const base: KeeperToolkit = {
    compareProviders: async (spec, limit) => comparisonOf(spec, decide(spec, MARKET, NOW), limit),
    routeJob: async (jobId) => ({ outcome: 'routed', jobId: String(jobId), root: ROOT, txHash: `0x${'01'.repeat(32)}`, summary: 'routed to offer #3' }),
    verifyDecision: async (target) => ({
      verified: true,
      root: target.root ?? ROOT,
      checks: [{ name: 'root', ok: true, detail: 'the record hashes to the posted root' }],
    }),
    checkReroute: async (jobId) => ({ jobId: String(jobId), action: 'none', reason: 'the job started on time', currentUsdPerGpuHour: 2.69 }),
    reroute: async (jobId) => ({ outcome: 'skipped', jobId: String(jobId), summary: 'nothing to reroute' }),
    jobStatus: async (jobId) => ({ ...JOB_7, jobId: String(jobId) }),
    readDecision: async () => record,
  };
  const toolkit = { ...base, ...overrides };
  return {
    calls,
    compareProviders: log('compareProviders', toolkit.compareProviders),
    routeJob: log('routeJob', toolkit.routeJob),
    verifyDecision: log('verifyDecision', toolkit.verifyDecision),
    checkReroute: log('checkReroute', toolkit.checkReroute),
    reroute: log('reroute', toolkit.reroute),
    jobStatus: log('jobStatus', toolkit.jobStatus),
    readDecision: log('readDecision', toolkit.readDecision),
  };
}

/** A toolkit whose every method throws, as a broken chain connection or store would. */
export function failingToolkit(message = 'connection refused: http://127.0.0.1:8545'): KeeperToolkit {
  const fail = async () => {
    throw new Error(message);
  };
  return {
    compareProviders: fail,
    routeJob: fail,
    verifyDecision: fail,
    checkReroute: fail,
    reroute: fail,
    jobStatus: fail,
    readDecision: fail,
  };
}
