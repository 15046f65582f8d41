// One question through ADK: an LlmAgent with the read tools only, run by a Runner over an
// in-memory session. Imports ADK at the top; ask-agent.ts loads this module only when a model
// is configured, so asking without one costs nothing.
import {
  Gemini,
  InMemorySessionService,
  LlmAgent,
  Runner,
  getFunctionCalls,
  getFunctionResponses,
  isFinalResponse,
} from '@google/adk';
import type { BaseLlm, Event } from '@google/adk';
import type { AgentConfig } from './config.ts';
import { ASK_AGENT_DESCRIPTION, ASK_AGENT_INSTRUCTION, ASK_AGENT_NAME } from './prompts.ts';
import { errorMessage } from './error-message.ts';
import { readTools } from './tools.ts';
import type { KeeperToolkit } from './toolkit.ts';

const APP_NAME = 'necto';
const USER_ID = 'necto-user';
/** Enough for a few tool calls and an answer; a model looping on tools stops here. */
const MAX_LLM_CALLS = 8;

export type ToolCall = { name: string; args: Record<string, unknown>; result: unknown };

/** What the run produced: the model's final text, or the one-line reason it failed. */
export type RunOutcome = { text?: string; error?: string; toolCalls: ToolCall[] };

export type RunQuestion = (
  question: string,
  options: { signal: AbortSignal; onEvent?: (event: Event) => void },
) => Promise<RunOutcome>;

export function geminiModel(config: AgentConfig): BaseLlm {
  return new Gemini({ model: config.model, ...(config.apiKey !== undefined && { apiKey: config.apiKey }) });
}

export function createQuestionRunner(toolkit: KeeperToolkit, model: BaseLlm): RunQuestion {
  const tools = readTools(toolkit);
  const toolNames = tools.map((tool) => tool.name);
  const agent = new LlmAgent({
    name: ASK_AGENT_NAME,
    description: ASK_AGENT_DESCRIPTION,
    model,
    instruction: ASK_AGENT_INSTRUCTION,
    tools,
    generateContentConfig: { temperature: 0 },
  });
  const sessionService = new InMemorySessionService();
  const runner = new Runner({ appName: APP_NAME, agent, sessionService });

  return async (question, { signal, onEvent }) => {
    const session = await sessionService.createSession({ appName: APP_NAME, userId: USER_ID });
    const calls = new CallLog();
    let text: string | undefined;
    try {
      const events = runner.runAsync({
        userId: USER_ID,
        sessionId: session.id,
        newMessage: { role: 'user', parts: [{ text: question }] },
        runConfig: { maxLlmCalls: MAX_LLM_CALLS },
        abortSignal: signal,
      });
      for await (const event of events) {
        notify(onEvent, event);
        // ADK keeps going after an error event (an unknown tool); the answer is already lost.
        if (event.errorCode) return { error: modelError(event, calls.unknownTools(toolNames)), toolCalls: calls.list };
        calls.record(event);
        if (isFinalResponse(event) && event.author === ASK_AGENT_NAME) text = textOf(event) ?? text;
      }
      return { ...(text !== undefined && { text }), toolCalls: calls.list };
    } catch (error) {
      return { error: `language model error: ${errorMessage(error)}`, toolCalls: calls.list };
    } finally {
      await sessionService.deleteSession({ appName: APP_NAME, userId: USER_ID, sessionId: session.id });
    }
  };
}

/** Tool calls paired with their results, in call order. */
class CallLog {
  readonly list: ToolCall[] = [];
  readonly #pending = new Map<string, { name: string; args: Record<string, unknown> }>();
  readonly #called: string[] = [];

  record(event: Event): void {
    for (const call of getFunctionCalls(event)) {
      const name = call.name ?? '';
      this.#called.push(name);
      this.#pending.set(call.id ?? name, { name, args: call.args ?? {} });
    }
    for (const response of getFunctionResponses(event)) {
      const name = response.name ?? '';
      const key = response.id ?? name;
      const call = this.#pending.get(key);
      this.#pending.delete(key);
      this.list.push({ name, args: call?.args ?? {}, result: response.response });
    }
  }

  unknownTools(known: readonly string[]): string[] {
    return this.#called.filter((name) => !known.includes(name));
  }
}

function modelError(event: Event, unknownTools: string[]): string {
  if (unknownTools.length > 0) {
    return `the model asked for a tool that does not exist: ${[...new Set(unknownTools)].join(', ')}`;
  }
  const message = errorMessage(event.errorMessage ?? '');
  if (/fetch failed|ENOTFOUND|ECONNREFUSED|network/i.test(message)) return `cannot reach the language model: ${message}`;
  return `language model error (${event.errorCode}): ${message}`;
}

/** The visible text of a model event: thoughts left out. */
function textOf(event: Event): string | undefined {
  const parts = event.content?.parts ?? [];
  const text = parts
    .filter((part) => part.text !== undefined && part.thought !== true)
    .map((part) => part.text)
    .join('');
  return text.trim() === '' ? undefined : text.trim();
}

/** A failing observer must not end the run. */
function notify(onEvent: ((event: Event) => void) | undefined, event: Event): void {
  try {
    onEvent?.(event);
  } catch {
    // The caller's display problem, not the question's.
  }
}
