// The keeper loop's agent: deterministic, no language model. Each run handles one work order the
// service hands it (a job to route, or a routed job to check) by calling the keeper's tools, and
// every call and every result is an ADK event: check first, then act (checkUpkeep/performUpkeep).
import { randomUUID } from 'node:crypto';
import { BaseAgent, Context, InMemorySessionService, Runner, createEvent } from '@google/adk';
import type { BaseTool, Event, InvocationContext } from '@google/adk';
import { ResultTool } from './result-tool.ts';
import type { ToolResult } from './result-tool.ts';
import { jobArgs, parseJobId } from './tool-args.ts';
import { keeperTools } from './tools.ts';
import type { KeeperToolkit, RoutingAction } from './toolkit.ts';

/** route: a job waiting for a route; check: a routed job, for a failover, a cheaper offer or expiry. */
export type WorkOrder = { route: string } | { check: string };

const KEEPER_AGENT_NAME = 'necto_keeper';

export class KeeperAgent extends BaseAgent {
  readonly #tools: ReadonlyMap<string, BaseTool>;

  constructor(tools: readonly BaseTool[]) {
    super({ name: KEEPER_AGENT_NAME, description: 'Routes every requested Necto job and watches routed ones until they start.' });
    this.#tools = new Map(tools.map((tool) => [tool.name, tool]));
  }

  protected async *runAsyncImpl(context: InvocationContext): AsyncGenerator<Event, void, void> {
    const order = readOrder(context);
    if (!order) {
      yield this.#event(context, { parts: [{ text: 'No work order: expected {"route": "<jobId>"} or {"check": "<jobId>"}' }] });
      return;
    }
    if ('route' in order) {
      yield* this.#call(context, 'route_job', { jobId: order.route });
      return;
    }
    const check = yield* this.#call(context, 'check_reroute', { jobId: order.check });
    if (check.status !== 'ok') return;
    if (check.action === 'failover' || check.action === 'cheaper') yield* this.#call(context, 'reroute_job', { jobId: order.check });
    else if (check.action === 'expire') yield* this.#call(context, 'expire_job', { jobId: order.check });
  }

  protected async *runLiveImpl(): AsyncGenerator<Event, void, void> {
    throw new Error('the keeper agent has no live mode');
  }

  async *#call(context: InvocationContext, name: string, args: Record<string, unknown>): AsyncGenerator<Event, ToolResult, void> {
    const id = `necto-${randomUUID()}`;
    yield this.#event(context, { role: 'model', parts: [{ functionCall: { id, name, args } }] });
    const tool = this.#tools.get(name);
    const result: ToolResult = tool
      ? ((await tool.runAsync({ args, toolContext: new Context({ invocationContext: context, functionCallId: id }) })) as ToolResult)
      : { status: 'error', reason: `the keeper has no tool ${name}` };
    yield this.#event(context, { role: 'user', parts: [{ functionResponse: { id, name, response: result } }] });
    return result;
  }

  #event(context: InvocationContext, content: NonNullable<Event['content']>): Event {
    return createEvent({ invocationId: context.invocationId, author: this.name, branch: context.branch, content });
  }
}

function readOrder(context: InvocationContext): WorkOrder | undefined {
  const text = context.userContent?.parts?.find((p) => p.text)?.text;
  try {
    const order = JSON.parse(text ?? '') as Record<string, unknown>;
    if (typeof order.route === 'string') return { route: order.route };
    if (typeof order.check === 'string') return { check: order.check };
  } catch {
    // fall through: not a work order
  }
  return undefined;
}

/** The keeper's tools: every read and action tool, plus expiring a dead job (anyone may). */
export function keeperAgentTools(toolkit: KeeperToolkit & { expireJob(jobId: bigint): Promise<RoutingAction> }): BaseTool[] {
  const expire = new ResultTool({
    name: 'expire_job',
    description: 'Frees the GPUs of a job its provider did not start by its start deadline (a transaction).',
    parameters: jobArgs,
    execute: async ({ jobId }): Promise<ToolResult> => {
      const id = parseJobId(jobId);
      if (!id.ok) return { status: 'error', reason: id.reason };
      return { status: 'ok', ...(await toolkit.expireJob(id.value)) };
    },
  });
  return [...keeperTools(toolkit), expire];
}

/** A tool call and its result, as the agent's events carry them. */
export type ToolStep = { name: string; args: Record<string, unknown>; result?: ToolResult };

/** Runs the agent on one work order through an ADK Runner; `onEvent` sees every event. */
export function createKeeperRunner(agent: KeeperAgent) {
  const runner = new Runner({ appName: 'necto-keeper', agent, sessionService: new InMemorySessionService() });
  return async (order: WorkOrder, onEvent?: (event: Event) => void): Promise<ToolStep[]> => {
    const steps: ToolStep[] = [];
    const newMessage = { role: 'user', parts: [{ text: JSON.stringify(order) }] };
    for await (const event of runner.runEphemeral({ userId: 'keeper', newMessage })) {
      onEvent?.(event);
      for (const part of event.content?.parts ?? []) {
        if (part.functionCall) steps.push({ name: part.functionCall.name ?? '', args: part.functionCall.args ?? {} });
        if (part.functionResponse) {
          const step = steps.findLast((s) => s.name === part.functionResponse?.name && !s.result);
          if (step) step.result = part.functionResponse.response as ToolResult;
        }
      }
    }
    return steps;
  };
}
