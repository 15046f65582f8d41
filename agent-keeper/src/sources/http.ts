// HTTP for adapters: one request, the source's JSON back, or a SourceError saying what went wrong.
import type { z } from 'zod';
import { SourceError } from './source.ts';

export type RequestOptions = {
  signal: AbortSignal;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: unknown;
  query?: Record<string, string>;
};

/** GETs or POSTs `baseUrl + path` and returns the parsed JSON body. */
export async function requestJson(baseUrl: string, path: string, options: RequestOptions): Promise<unknown> {
  const url = new URL(baseUrl.replace(/\/$/, '') + path);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const shown = `${url.origin}${url.pathname}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers: {
        accept: 'application/json',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal.aborted) throw new SourceError(`no answer from ${shown} in time`);
    throw new SourceError(`cannot reach ${shown}: ${causeOf(error)}`);
  }
  const text = await response.text().catch(() => {
    throw new SourceError(`no answer from ${shown} in time`);
  });
  if (!response.ok) throw new SourceError(`HTTP ${response.status} from ${shown}${snippet(text)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new SourceError(`malformed JSON from ${shown}${snippet(text)}`);
  }
}

/** Validates a response against its schema; the error names the first offending path. */
export function parseResponse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new SourceError(`${what} ${schemaProblem(result.error, '(root)')}`);
}

/** "does not match its schema at data.0.price: ..." for the first issue of a validation error. */
export function schemaProblem(error: z.ZodError, root = '(item)'): string {
  const issue = error.issues[0];
  const path = issue?.path.length ? issue.path.join('.') : root;
  return `does not match its schema at ${path}: ${issue?.message ?? 'invalid'}`;
}

/** The network reason behind a failed fetch (ECONNREFUSED, ...). */
export function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** The start of a response body, for error messages. */
export function snippet(text: string): string {
  const trimmed = text.trim().slice(0, 80);
  return trimmed ? `: ${JSON.stringify(trimmed)}` : '';
}
