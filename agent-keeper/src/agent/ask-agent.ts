// Questions in words, answers from the engine: a language model turns the question into tool calls
// (read tools only) and words the result. Its dollar figures are then checked against the tool
// results. ADK is loaded on the first question, and never without a configured model.
import type { BaseLlm, Event } from '@google/adk';
import type { RunOutcome, RunQuestion, ToolCall } from './ask-runner.ts';
import { NO_MODEL_MESSAGE, readAgentConfig } from './config.ts';
import type { AgentConfig } from './config.ts';
import { describeComparison } from './explain.ts';
import { errorMessage } from './error-message.ts';
import type { Comparison, KeeperToolkit } from './toolkit.ts';
import { untracedFigures } from './traceability.ts';

export type { ToolCall };

export type AskAnswer = {
  answer: string;
  toolCalls: ToolCall[];
  /** The last compare_providers result, so a caller can show the engine's table. */
  decision?: Comparison;
  /** Set when no answer came from the model: the same one line as `answer`. */
  error?: string;
  /** Dollar figures of the model's answer that no tool returned (the answer was replaced). */
  untracedFigures?: string[];
};

export type AskOptions = { onEvent?: (event: Event) => void };

export type Asker = {
  configured: boolean;
  /** Why not configured. */
  reason?: string;
  ask(question: string, options?: AskOptions): Promise<AskAnswer>;
};

export type AskerOptions = {
  toolkit: KeeperToolkit;
  env?: Readonly<Record<string, string | undefined>>;
  /** A model instance (tests); otherwise Gemini, NECTO_GEMINI_MODEL, with the key from `env`. */
  model?: BaseLlm;
};

export function createAsker({ toolkit, env = process.env, model }: AskerOptions): Asker {
  const config = readAgentConfig(env);
  if (model === undefined && config.apiKey === undefined) {
    return { configured: false, reason: NO_MODEL_MESSAGE, ask: async () => failure(NO_MODEL_MESSAGE) };
  }
  let runner: Promise<RunQuestion> | undefined;
  const runQuestion = () => {
    runner ??= loadRunner(toolkit, config, model).catch((error: unknown) => {
      runner = undefined;
      throw error;
    });
    return runner;
  };
  return {
    configured: true,
    ask: async (question, options = {}) => {
      if (question.trim() === '') return failure('no question asked');
      try {
        const run = await runQuestion();
        return answerOf(question, await withTimeout(config.timeoutMs, (signal) => run(question, { signal, ...options })));
      } catch (error) {
        return failure(`language model error: ${errorMessage(error)}`);
      }
    },
  };
}

async function loadRunner(toolkit: KeeperToolkit, config: AgentConfig, model: BaseLlm | undefined): Promise<RunQuestion> {
  const { createQuestionRunner, geminiModel } = await import('./ask-runner.ts');
  return createQuestionRunner(toolkit, model ?? geminiModel(config));
}

/** The run, or a timeout outcome once `ms` have passed (the run is aborted). */
async function withTimeout(ms: number, run: (signal: AbortSignal) => Promise<RunOutcome>): Promise<RunOutcome> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<RunOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ error: `no answer from the language model within ${ms / 1000} s`, toolCalls: [] });
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function answerOf(question: string, outcome: RunOutcome): AskAnswer {
  const { toolCalls } = outcome;
  const decision = lastComparison(toolCalls);
  const withDecision = decision ? { decision } : {};
  if (outcome.error !== undefined) return { answer: outcome.error, error: outcome.error, toolCalls, ...withDecision };
  if (outcome.text === undefined) {
    const error = 'the language model gave no answer';
    return { answer: error, error, toolCalls, ...withDecision };
  }
  const untraced = untracedFigures(outcome.text, [question, ...toolCalls.map((call) => call.result)]);
  if (untraced.length === 0) return { answer: outcome.text, toolCalls, ...withDecision };
  return { answer: replacement(outcome.text, untraced, decision), toolCalls, ...withDecision, untracedFigures: untraced };
}

/**
 * A figure no tool returned is a price the model made up, so the answer is not shown as it is:
 * with a comparison at hand the engine's own decision text replaces it; otherwise (a job question)
 * the answer stays, flagged, since there is no engine text to put in its place.
 */
function replacement(text: string, untraced: string[], decision: Comparison | undefined): string {
  const figures = untraced.join(', ');
  if (decision) {
    return `${describeComparison(decision)}\n(The model's answer was replaced: it stated ${figures}, which no tool returned.)`;
  }
  return `${text}\n(Caution: ${figures} appears in no tool result; do not rely on it.)`;
}

function lastComparison(toolCalls: readonly ToolCall[]): Comparison | undefined {
  for (let i = toolCalls.length - 1; i >= 0; i--) {
    const { name, result } = toolCalls[i] as ToolCall;
    if (name === 'compare_providers' && isOk(result)) {
      const { status: _status, chosenTotalUsd: _total, ...comparison } = result;
      return comparison as Comparison;
    }
  }
  return undefined;
}

function isOk(result: unknown): result is { status: 'ok' } & Record<string, unknown> {
  return typeof result === 'object' && result !== null && (result as { status?: unknown }).status === 'ok';
}

function failure(reason: string): AskAnswer {
  return { answer: reason, error: reason, toolCalls: [] };
}
