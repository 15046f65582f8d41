// The one fetch wrapper: JSON in and out, and every failure as one sentence naming the service.

export class ServiceError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'ServiceError';
    this.status = status;
  }
}

export async function fetchJson<T>(service: string, url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ServiceError(`${service} is unreachable at ${new URL(url).origin}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ServiceError(`${service} answered ${response.status} with something that is not JSON`, response.status);
  }
  if (!response.ok) {
    const reason = (body as { error?: unknown })?.error;
    throw new ServiceError(`${service}: ${typeof reason === 'string' ? reason : `HTTP ${response.status}`}`, response.status);
  }
  return body as T;
}
