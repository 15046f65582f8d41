// Asking a service how it is doing: JSON over HTTP and JSON-RPC, with "no answer" as undefined
// rather than an error, since a service that is starting may not answer yet.

export type HttpAnswer = { status: number; body: unknown };

export async function getJson(url: string): Promise<HttpAnswer | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const text = await response.text();
    return { status: response.status, body: parseJson(text) };
  } catch {
    return undefined;
  }
}

/** The `result` of one JSON-RPC call, or undefined when the node does not answer. */
export async function rpcCall(rpcUrl: string, method: string, params: unknown[] = []): Promise<unknown> {
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
      signal: AbortSignal.timeout(5000),
    });
    const { result } = (await response.json()) as { result?: unknown };
    return result;
  } catch {
    return undefined;
  }
}

/** Calls `check` until it returns something other than undefined; undefined once `timeoutMs` has passed. */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `promise`'s value, or undefined when it has not settled within `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
