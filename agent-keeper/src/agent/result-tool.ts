// A FunctionTool that always answers with a result. ADK's own FunctionTool throws on arguments its
// schema rejects (the LlmAgent then shows the model `{ error: "Error in tool ...: [zod issues as
// JSON]" }`), and a tool called outside an LlmAgent would throw to its caller. Here bad arguments
// and failures become `{ status: 'error', reason }`, the same shape every tool returns.
import { FunctionTool } from '@google/adk';
import type { RunAsyncToolRequest } from '@google/adk';
import type { z } from 'zod';
import { errorMessage } from './error-message.ts';
import { describeIssues } from './tool-args.ts';

export type ToolResult = ({ status: 'ok' } & Record<string, unknown>) | { status: 'error'; reason: string };

export type ResultToolOptions<Args extends z.ZodObject> = {
  name: string;
  description: string;
  parameters: Args;
  execute: (args: z.infer<Args>) => Promise<ToolResult>;
};

export class ResultTool<Args extends z.ZodObject = z.ZodObject> extends FunctionTool<Args> {
  readonly #parameters: Args;

  constructor(options: ResultToolOptions<Args>) {
    super({ ...options, execute: (args) => settle(() => options.execute(args as z.infer<Args>)) });
    this.#parameters = options.parameters;
  }

  override async runAsync(request: RunAsyncToolRequest): Promise<ToolResult> {
    const parsed = this.#parameters.safeParse(request.args ?? {});
    if (!parsed.success) return { status: 'error', reason: `invalid arguments: ${describeIssues(parsed.error)}` };
    return settle(() => super.runAsync(request) as Promise<ToolResult>);
  }
}

/** The result of `run`, or an error result with the message of what it threw. */
export async function settle(run: () => Promise<ToolResult>): Promise<ToolResult> {
  try {
    return await run();
  } catch (error) {
    return { status: 'error', reason: errorMessage(error) };
  }
}
