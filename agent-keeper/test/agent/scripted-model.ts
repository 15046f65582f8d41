// A language model that replays a script: each call to the model takes the next step, a prepared
// response or one built from the request (to quote the function response the agent sent back).
import { BaseLlm } from '@google/adk';
import type { BaseLlmConnection, LlmRequest, LlmResponse } from '@google/adk';

export type ScriptStep = LlmResponse | Error | ((request: LlmRequest) => LlmResponse) | 'hang';

export class ScriptedModel extends BaseLlm {
  readonly requests: LlmRequest[] = [];
  readonly #steps: ScriptStep[];

  constructor(steps: ScriptStep[]) {
    super({ model: 'scripted-model' });
    this.#steps = [...steps];
  }

  async *generateContentAsync(request: LlmRequest): AsyncGenerator<LlmResponse, void> {
    this.requests.push(request);
    const step = this.#steps.shift();
    if (step === undefined) throw new Error('the script has no more steps');
    if (step === 'hang') return await new Promise<never>(() => {});
    if (step instanceof Error) throw step;
    yield typeof step === 'function' ? step(request) : step;
  }

  async connect(): Promise<BaseLlmConnection> {
    throw new Error('a scripted model has no live connection');
  }
}

export function callTool(name: string, args: Record<string, unknown>): LlmResponse {
  return { content: { role: 'model', parts: [{ functionCall: { name, args } }] } };
}

export function say(text: string): LlmResponse {
  return { content: { role: 'model', parts: [{ text }] } };
}

/** The response of the last function call the agent sent the model. */
export function lastToolResult(request: LlmRequest): Record<string, unknown> {
  for (const content of [...request.contents].reverse()) {
    for (const part of content.parts ?? []) {
      if (part.functionResponse?.response) return part.functionResponse.response;
    }
  }
  throw new Error('the request holds no function response');
}
