// The language model's configuration, from the environment. No ADK import: the CLI reads it to
// say "no model configured" without loading the agent framework.

export const DEFAULT_GEMINI_MODEL = 'gemini-2.5-flash';
export const DEFAULT_ASK_TIMEOUT_MS = 60_000;

/** In the order ADK's Gemini class reads them, so both agree on which key is used. */
export const API_KEY_VARIABLES = ['GOOGLE_GENAI_API_KEY', 'GOOGLE_API_KEY', 'GEMINI_API_KEY'] as const;

export const NO_MODEL_MESSAGE = 'no language model configured: set GEMINI_API_KEY or GOOGLE_API_KEY';

export type AgentConfig = {
  /** Absent: no model can be called. */
  apiKey?: string;
  /** The Gemini model id (NECTO_GEMINI_MODEL). */
  model: string;
  /** How long one question may take, model and tool calls included (NECTO_AGENT_TIMEOUT_MS). */
  timeoutMs: number;
};

type Env = Readonly<Record<string, string | undefined>>;

export function readAgentConfig(env: Env = process.env): AgentConfig {
  const apiKey = apiKeyOf(env);
  return {
    ...(apiKey !== undefined && { apiKey }),
    model: env.NECTO_GEMINI_MODEL?.trim() || DEFAULT_GEMINI_MODEL,
    timeoutMs: positiveInteger(env.NECTO_AGENT_TIMEOUT_MS) ?? DEFAULT_ASK_TIMEOUT_MS,
  };
}

export function modelConfigured(env: Env = process.env): boolean {
  return apiKeyOf(env) !== undefined;
}

function apiKeyOf(env: Env): string | undefined {
  for (const name of API_KEY_VARIABLES) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** A bad timeout falls back to the default: a typo should not disable the agent. */
function positiveInteger(raw: string | undefined): number | undefined {
  const value = Number(raw);
  return raw !== undefined && raw.trim() !== '' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
