// Waits for a requested job to be routed: follows the keeper's activity feed (Server-Sent Events,
// GET /jobs/<id>/activity) and prints each message; without a keeper, polls the chain. Either way
// the chain has the last word, and the wait is bounded.
import type { OnchainJob } from '../chain/market.ts';
import { ROUTING_TERMINAL } from '../service/activity.ts';
import type { ActivityEvent } from '../service/activity.ts';

export type FollowOptions = {
  keeperUrl: string;
  waitSeconds: number;
  readJob: () => Promise<OnchainJob>;
  print: (line: string) => void;
  pollMs?: number;
};

/** `lastMessage`: the keeper's latest word on the job, when it was followed. */
export type FollowResult = { job: OnchainJob; via: 'keeper' | 'chain'; lastMessage?: string };

const CONNECT_TIMEOUT_MS = 3000;
/** Once the chain shows the route, how long the keeper's own last words may take to arrive. */
const FEED_GRACE_MS = 1500;

/** KEEPER_URL, or the keeper API on this machine (KEEPER_API_PORT, default 8788). */
export function keeperUrl(env: NodeJS.ProcessEnv): string {
  return (env.KEEPER_URL || `http://127.0.0.1:${env.KEEPER_API_PORT || 8788}`).replace(/\/+$/, '');
}

export async function followJob(jobId: bigint, options: FollowOptions): Promise<FollowResult> {
  const deadline = Date.now() + options.waitSeconds * 1000;
  const pollMs = options.pollMs ?? 1000;
  const stop = new AbortController();
  try {
    const feed = await openFeed(`${options.keeperUrl}/jobs/${jobId}/activity`, stop.signal);
    if ('unreachable' in feed) {
      options.print(`Keeper not reachable at ${options.keeperUrl} (KEEPER_URL): ${feed.unreachable}; watching the chain for up to ${options.waitSeconds} s`);
      return { job: await pollChain(options.readJob, deadline, pollMs, stop.signal), via: 'chain' };
    }
    options.print(`Following the keeper at ${options.keeperUrl}`);
    let lastMessage: string | undefined;
    const print = (message: string) => {
      lastMessage = message;
      options.print(`  ${message}`);
    };
    const ended = await Promise.race([
      printUntilTerminal(feed.response, jobId, print),
      leftRequested(options.readJob, deadline, pollMs, stop.signal).then(async (left) => {
        if (left) await sleep(FEED_GRACE_MS, stop.signal);
        return left ? ('chain' as const) : ('timeout' as const);
      }),
    ]);
    stop.abort();
    if (ended === 'closed') options.print("The keeper's feed closed; watching the chain");
    // The keeper said it is done, or the chain did, or time ran out: the chain decides which.
    const job = ended === 'timeout' ? await options.readJob() : await pollChain(options.readJob, deadline, pollMs);
    return { job, via: ended === 'terminal' ? 'keeper' : 'chain', ...(lastMessage && { lastMessage }) };
  } finally {
    stop.abort();
  }
}

type Feed = { response: Response } | { unreachable: string };

async function openFeed(url: string, stop: AbortSignal): Promise<Feed> {
  const connect = new AbortController();
  const timer = setTimeout(() => connect.abort(), CONNECT_TIMEOUT_MS);
  try {
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream' },
      signal: AbortSignal.any([stop, connect.signal]),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { unreachable: `GET ${new URL(url).pathname} answered HTTP ${response.status}` };
    }
    if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
      await response.body?.cancel();
      return { unreachable: `GET ${new URL(url).pathname} is not an event stream` };
    }
    return { response };
  } catch (error) {
    if (connect.signal.aborted) return { unreachable: `no answer within ${CONNECT_TIMEOUT_MS / 1000} s` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { unreachable: cause?.code ?? cause?.message ?? (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** Prints every activity message of the job; resolves once one ends its routing, or the feed ends. */
async function printUntilTerminal(response: Response, jobId: bigint, print: (line: string) => void): Promise<'terminal' | 'closed'> {
  try {
    for await (const event of activityEvents(response)) {
      if (event.jobId !== undefined && event.jobId !== String(jobId)) continue;
      print(event.message);
      if (ROUTING_TERMINAL.has(event.kind)) return 'terminal';
    }
  } catch {
    // An aborted or broken stream ends the feed like a closed one.
  }
  return 'closed';
}

/** The `activity` events of an SSE stream (fields id, event, data; blank line dispatches). */
export async function* activityEvents(response: Response): AsyncGenerator<ActivityEvent> {
  if (!response.body) return;
  let buffer = '';
  let eventName = '';
  let data: string[] = [];
  for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    const lines = buffer.split(/\r\n|\r|\n/);
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') {
        const event = eventName === 'activity' || eventName === '' ? parseEvent(data.join('\n')) : undefined;
        eventName = '';
        data = [];
        if (event) yield event;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') eventName = value;
      else if (field === 'data') data.push(value);
    }
  }
}

function parseEvent(text: string): ActivityEvent | undefined {
  if (!text) return undefined;
  try {
    const event = JSON.parse(text) as ActivityEvent;
    return typeof event.message === 'string' && typeof event.kind === 'string' ? event : undefined;
  } catch {
    return undefined;
  }
}

/** The job once it leaves Requested, or as it stands at the deadline. */
async function pollChain(readJob: () => Promise<OnchainJob>, deadline: number, pollMs: number, signal?: AbortSignal): Promise<OnchainJob> {
  for (;;) {
    const job = await readJob();
    if (job.status !== 'Requested' || Date.now() >= deadline || signal?.aborted) return job;
    await sleep(Math.min(pollMs, deadline - Date.now()), signal);
  }
}

async function leftRequested(readJob: () => Promise<OnchainJob>, deadline: number, pollMs: number, signal: AbortSignal): Promise<boolean> {
  const job = await pollChain(readJob, deadline, pollMs, signal);
  return job.status !== 'Requested';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal?.aborted) return done();
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      done();
    }, { once: true });
  });
}
