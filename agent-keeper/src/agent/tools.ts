// The keeper's ADK tools over a KeeperToolkit. Read tools look and explain; action tools
// (route_job, reroute_job) post transactions and are for the deterministic keeper agent only:
// a language model may plan and explain, it never picks or changes a price or acts on-chain.
import type { DecisionRecord } from '../decision/record.ts';
import { parseRoutingRequest } from '../engine/index.ts';
import { explainDecision } from './explain.ts';
import { jobTotalUsd } from './money.ts';
import { ResultTool } from './result-tool.ts';
import type { ToolResult } from './result-tool.ts';
import {
  DEFAULT_COMPARISON_LIMIT,
  compareProvidersArgs,
  explainDecisionArgs,
  jobArgs,
  parseDecisionTarget,
  parseJobId,
  routingInputOf,
  verifyDecisionArgs,
} from './tool-args.ts';
import type { Comparison, KeeperToolkit } from './toolkit.ts';

export const READ_TOOL_NAMES = ['compare_providers', 'verify_decision', 'check_reroute', 'job_status', 'explain_decision'] as const;
export const ACTION_TOOL_NAMES = ['route_job', 'reroute_job'] as const;

export type KeeperToolOptions = {
  /** Unix seconds, for the age of an explained record. */
  now?: () => number;
};

/** The tools a language model may use: none of them acts. */
export function readTools(toolkit: KeeperToolkit, options: KeeperToolOptions = {}): ResultTool[] {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  return [
    compareProvidersTool(toolkit),
    verifyDecisionTool(toolkit),
    checkRerouteTool(toolkit),
    jobStatusTool(toolkit),
    explainDecisionTool(toolkit, now),
  ];
}

/** Every tool, actions included: for the deterministic keeper agent, never for an LlmAgent. */
export function keeperTools(toolkit: KeeperToolkit, options: KeeperToolOptions = {}): ResultTool[] {
  return [...readTools(toolkit, options), routeJobTool(toolkit), rerouteJobTool(toolkit)];
}

/** The compare_providers result: the comparison, and the chosen offer's total for the job. */
export type ComparisonResult = { status: 'ok'; chosenTotalUsd?: number } & Comparison;

function compareProvidersTool(toolkit: KeeperToolkit) {
  return new ResultTool({
    name: 'compare_providers',
    description:
      'Scans the GPU providers and runs the routing engine on a job spec: returns the chosen offer and its ' +
      'price in USD per GPU-hour, the ranking of eligible quotes, why the others were excluded, and how old ' +
      'the quotes are (snapshot or live).',
    parameters: compareProvidersArgs,
    execute: async (args) => {
      const input = routingInputOf(args);
      const parsed = parseRoutingRequest(input);
      if (!parsed.ok) return { status: 'error', reason: `invalid job spec: ${parsed.problems.join('; ')}` };
      const comparison = await toolkit.compareProviders(input, args.limit ?? DEFAULT_COMPARISON_LIMIT);
      const { gpuCount, hours } = parsed.request;
      return ok({
        ...comparison,
        ...(comparison.chosen && { chosenTotalUsd: jobTotalUsd(comparison.chosen.usdPerGpuHour, gpuCount, hours) }),
      }) satisfies ComparisonResult;
    },
  });
}

function verifyDecisionTool(toolkit: KeeperToolkit) {
  return new ResultTool({
    name: 'verify_decision',
    description:
      'Checks a stored routing decision against its on-chain root and replays the engine on it. Give a job id or a decision root.',
    parameters: verifyDecisionArgs,
    execute: async (args) => {
      const target = parseDecisionTarget(args);
      if (!target.ok) return { status: 'error', reason: target.reason };
      return ok(await toolkit.verifyDecision(target.value));
    },
  });
}

function checkRerouteTool(toolkit: KeeperToolkit) {
  return jobTool(
    'check_reroute',
    'Says whether the keeper would reroute a job now (a failover or a cheaper offer), and why. Changes nothing.',
    (jobId) => toolkit.checkReroute(jobId),
  );
}

/** The job's own status is `jobStatus`: `status` is the tool's ok/error. */
function jobStatusTool(toolkit: KeeperToolkit) {
  return jobTool(
    'job_status',
    'Reports an on-chain job: its status (jobStatus), GPU, hours, price ceiling, the offer and price it was routed to, ' +
      'deadlines, and what the keeper is doing about it.',
    async (jobId) => {
      const report = await toolkit.jobStatus(jobId);
      return { ...report, jobStatus: report.status };
    },
  );
}

function explainDecisionTool(toolkit: KeeperToolkit, now: () => number) {
  return new ResultTool({
    name: 'explain_decision',
    description:
      'Explains a stored routing decision in plain language: what was asked, the quotes and sources, what was excluded and why, ' +
      'what was chosen at what price and why it beat the runner-up. Give a decision root or a job id.',
    parameters: explainDecisionArgs,
    execute: async (args) => {
      const target = parseDecisionTarget(args);
      if (!target.ok) return { status: 'error', reason: target.reason };
      const { value } = target;
      const root = 'root' in value ? value.root : (await toolkit.jobStatus(value.jobId)).decisionRoot;
      if (root === undefined) return { status: 'error', reason: 'the job has no routing decision yet' };
      const record: DecisionRecord = await toolkit.readDecision(root);
      return ok({ root, explanation: explainDecision(record, now()) });
    },
  });
}

function routeJobTool(toolkit: KeeperToolkit) {
  return jobTool(
    'route_job',
    'Routes an on-chain job: runs the engine and posts the decision (a transaction).',
    (jobId) => toolkit.routeJob(jobId),
  );
}

function rerouteJobTool(toolkit: KeeperToolkit) {
  return jobTool(
    'reroute_job',
    'Posts the reroute check_reroute found for a job (a transaction); does nothing when there is none.',
    (jobId) => toolkit.reroute(jobId),
  );
}

function jobTool(name: string, description: string, run: (jobId: bigint) => Promise<object>) {
  return new ResultTool({
    name,
    description,
    parameters: jobArgs,
    execute: async ({ jobId }): Promise<ToolResult> => {
      const id = parseJobId(jobId);
      if (!id.ok) return { status: 'error', reason: id.reason };
      return ok(await run(id.value));
    },
  });
}

/** `status` last, so no field of a result can stand in for it. */
function ok<T extends object>(result: T): Omit<T, 'status'> & { status: 'ok' } {
  return { ...result, status: 'ok' };
}
