// The tools' arguments: zod schemas (the declarations the model sees) and their conversion to
// what the toolkit takes. No ADK import, so the conversions are testable and reusable alone.
import { z } from 'zod';
import { isDecisionRoot } from '../decision/root.ts';
import type { DecisionRoot } from '../decision/root.ts';
import type { RoutingRequestInput } from '../engine/index.ts';
import { PRICING_MODELS } from '../quote.ts';
import type { PricingModel } from '../quote.ts';
import { microUsdOf } from './money.ts';

export const DEFAULT_COMPARISON_LIMIT = 5;
export const MAX_COMPARISON_LIMIT = 50;

const UINT256_MAX = 2n ** 256n - 1n;

const jobId = z
  .union([z.string(), z.number().int()])
  .describe('The on-chain job id: a decimal string (job ids are uint256) or an integer.');

const root = z.string().describe('A decision root: 0x and 64 hex digits, as posted on-chain.');

export const compareProvidersArgs = z.object({
  gpuModel: z.string().min(1).describe('GPU model as the user named it, e.g. "H100", "A100 80GB", "RTX 4090".'),
  gpuCount: z.number().int().min(1).describe('How many GPUs the job needs.'),
  hours: z.number().int().min(1).describe('How many hours the job runs (whole hours).'),
  maxUsdPerGpuHour: z
    .number()
    .positive()
    .optional()
    .describe('The highest price the user accepts, in US dollars per GPU-hour. Omit when none was given.'),
  regions: z
    .array(z.string())
    .optional()
    .describe('Where the job may run: ISO 3166 alpha-2 country codes (DE, US) and/or areas NA, SA, EU, APAC, MEA. Omit for anywhere.'),
  excludedPricingModels: z
    .array(z.enum(PRICING_MODELS as [PricingModel, ...PricingModel[]]))
    .optional()
    .describe('Pricing models the user does not want, e.g. ["spot"] for "no spot".'),
  minVramGb: z.number().positive().optional().describe('Minimum memory per GPU in GB. Omit to use the model\'s own memory.'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_COMPARISON_LIMIT)
    .optional()
    .describe(`How many eligible quotes to list, best first (default ${DEFAULT_COMPARISON_LIMIT}).`),
});
export type CompareProvidersArgs = z.infer<typeof compareProvidersArgs>;

export const jobArgs = z.object({ jobId });
export type JobArgs = z.infer<typeof jobArgs>;

export const verifyDecisionArgs = z.object({
  jobId: jobId.optional(),
  root: root.optional(),
});
export type VerifyDecisionArgs = z.infer<typeof verifyDecisionArgs>;

export const explainDecisionArgs = verifyDecisionArgs;
export type ExplainDecisionArgs = VerifyDecisionArgs;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The routing request of a spec: dollars become integer micro-USD, as the engine takes them. */
export function routingInputOf(args: CompareProvidersArgs): RoutingRequestInput {
  return {
    gpuModel: args.gpuModel,
    gpuCount: args.gpuCount,
    hours: args.hours,
    ...(args.maxUsdPerGpuHour !== undefined && { maxMicroUsdPerGpuHour: microUsdOf(args.maxUsdPerGpuHour) }),
    ...(args.regions !== undefined && { regions: args.regions }),
    ...(args.excludedPricingModels !== undefined && { excludedPricingModels: args.excludedPricingModels }),
    ...(args.minVramGb !== undefined && { minVramGb: args.minVramGb }),
  };
}

export function parseJobId(value: unknown): Parsed<bigint> {
  const text = typeof value === 'number' ? (Number.isSafeInteger(value) ? String(value) : '') : value;
  if (typeof text !== 'string' || !/^\d{1,78}$/.test(text.trim())) {
    return { ok: false, reason: `jobId: must be a non-negative decimal integer (got ${JSON.stringify(value)})` };
  }
  const id = BigInt(text.trim());
  if (id > UINT256_MAX) return { ok: false, reason: `jobId: above the uint256 range (got ${text.trim()})` };
  return { ok: true, value: id };
}

export function parseRoot(value: unknown): Parsed<DecisionRoot> {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
  return isDecisionRoot(text)
    ? { ok: true, value: text }
    : { ok: false, reason: `root: must be 0x and 64 hex digits (got ${JSON.stringify(value)})` };
}

/** Exactly one of jobId and root. */
export function parseDecisionTarget(args: VerifyDecisionArgs): Parsed<{ jobId: bigint } | { root: DecisionRoot }> {
  const hasJob = args.jobId !== undefined && args.jobId !== '';
  const hasRoot = args.root !== undefined && args.root !== '';
  if (hasJob === hasRoot) return { ok: false, reason: 'give exactly one of jobId and root' };
  if (hasRoot) {
    const root = parseRoot(args.root);
    return root.ok ? { ok: true, value: { root: root.value } } : root;
  }
  const id = parseJobId(args.jobId);
  return id.ok ? { ok: true, value: { jobId: id.value } } : id;
}

/** Zod issues as one line: "gpuCount: Too small: expected number to be >=1; hours: ...". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`).join('; ');
}
