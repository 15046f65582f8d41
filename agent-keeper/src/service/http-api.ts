// The keeper's HTTP API (127.0.0.1:8788, KEEPER_API_PORT). Decision records by root (for anyone
// verifying a decision, the app's Verify Decision button included) and health always; with the
// keeper service running also quotes, job status, natural-language requests and the activity feed
// as Server-Sent Events. Browsers may call it only from the app's origins. Every error is one JSON
// line, never a trace.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Asker } from '../agent/ask-agent.ts';
import type { KeeperToolkit } from '../agent/toolkit.ts';
import { DecisionStoreError } from '../decision/store.ts';
import type { DecisionStore } from '../decision/store.ts';
import { parseRoutingRequest } from '../engine/index.ts';
import type { RoutingRequestInput } from '../engine/index.ts';
import { MICRO } from '../normalize.ts';
import { ConfigError } from '../scan.ts';
import type { ActivityEvent, ActivityLog } from './activity.ts';
import { DEFAULT_APP_ORIGINS } from './keeper-config.ts';
import type { TokenRateAnswer } from './keeper.ts';
import type { MarketBoard } from './market-board.ts';

const STATUS_OF_FAILURE = { 'not-found': 404, invalid: 400, integrity: 502, storage: 503 } as const;
const HEARTBEAT_MS = 15_000;
const MAX_BODY_BYTES = 16_384;

/** The running keeper, when the API serves more than records. */
export type KeeperBackend = {
  toolkit: KeeperToolkit;
  activity: ActivityLog;
  health(): { ready: boolean; chain: { ok: boolean }; [key: string]: unknown };
  /** Every quote of the current scan, for the market table. */
  market(): Promise<MarketBoard>;
  asker?: Asker;
  /** A token's USD rate now (GET /token-rate). */
  tokenRate?(tokenId: string): Promise<TokenRateAnswer>;
};

export type KeeperApiOptions = { host?: string; port?: number; origins?: readonly string[]; keeper?: KeeperBackend };
export type KeeperApi = { url: string; close(): Promise<void> };

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export async function startKeeperApi(store: DecisionStore, options: KeeperApiOptions = {}): Promise<KeeperApi> {
  const origins = new Set(options.origins ?? DEFAULT_APP_ORIGINS);
  const keeper = options.keeper;
  const server = createServer((request, response) => {
    const origin = request.headers.origin;
    if (origin && origins.has(origin)) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('vary', 'Origin');
    }
    if (request.method === 'OPTIONS') {
      response.writeHead(204, { 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type, last-event-id' });
      return response.end();
    }
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return response.end();
      if (error instanceof HttpError) return json(response, error.status, { error: error.message });
      if (error instanceof DecisionStoreError) return json(response, STATUS_OF_FAILURE[error.failure] ?? 500, { error: error.message });
      json(response, 500, { error: `internal error: ${oneLine(error)}` });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://keeper');
    const path = url.pathname;
    const method = request.method ?? 'GET';
    if (path === '/ask') {
      if (method !== 'POST') throw new HttpError(405, 'POST /ask with {"question": "..."}');
      return ask(request, response);
    }
    if (method !== 'GET') throw new HttpError(405, `${method} ${path} not allowed`);
    if (path === '/health') return health(response);
    const decision = /^\/decisions\/([^/]+)$/.exec(path);
    if (decision) return serveDecision(decision[1] as string, response);
    if (!keeper) throw new HttpError(404, `no route ${path}: this server only serves GET /decisions/:root and /health (run \`necto keeper\` for the rest)`);
    if (path === '/market') return json(response, 200, await keeper.market());
    if (path === '/quotes') return json(response, 200, await keeper.toolkit.compareProviders(quoteSpec(url.searchParams), limitOf(url.searchParams), asJobOf(url.searchParams)));
    if (path === '/token-rate') return tokenRate(url.searchParams, response);
    if (path === '/activity') return stream(request, response, url);
    const job = /^\/jobs\/([^/]+)(\/activity)?$/.exec(path);
    if (job) {
      const id = jobIdOf(job[1] as string);
      if (job[2]) return stream(request, response, url, id);
      return json(response, 200, await keeper.toolkit.jobStatus(BigInt(id)).catch(chainNotFound));
    }
    throw new HttpError(404, `no route ${path} (GET /market, /quotes, /jobs/:id, /jobs/:id/activity, /activity, /token-rate?id=, /decisions/:root, /health; POST /ask)`);
  }

  function health(response: ServerResponse): void {
    const body = { store: store.describe(), ...(keeper ? keeper.health() : { ready: true, keeper: 'not running (records only)' }) };
    const ok = !keeper || (body.ready && (body as { chain: { ok: boolean } }).chain.ok);
    json(response, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', ...body });
  }

  async function serveDecision(root: string, response: ServerResponse): Promise<void> {
    // The record's canonical bytes exactly as stored (the store checked them against the root).
    const bytes = await store.get(root);
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=31536000, immutable' });
    response.end(bytes);
  }

  async function tokenRate(params: URLSearchParams, response: ServerResponse): Promise<void> {
    const id = (params.get('id') ?? '').trim().toLowerCase();
    if (!id) throw new HttpError(400, '"id" is required: a CoinGecko coin id, e.g. id=render-token');
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new HttpError(400, `"${params.get('id')}" is not a CoinGecko coin id (lowercase letters, digits and dashes, e.g. render-token)`);
    if (!keeper?.tokenRate) throw new HttpError(404, 'GET /token-rate needs the keeper service (`necto keeper`)');
    const rate = await keeper.tokenRate(id);
    if ('error' in rate) throw new HttpError(rate.error === `no CoinGecko rate for ${id}` ? 404 : 503, rate.error);
    json(response, 200, rate);
  }

  async function ask(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!keeper) throw new HttpError(404, 'POST /ask needs the keeper service (`necto keeper`)');
    const body = await readJson(request);
    const question = typeof body.question === 'string' ? body.question.trim() : '';
    if (!question) throw new HttpError(400, 'the body must be {"question": "<what you need>"}');
    if (!keeper.asker?.configured) throw new HttpError(503, keeper.asker?.reason ?? 'no language model configured: set GEMINI_API_KEY or GOOGLE_API_KEY');
    const answer = await keeper.asker.ask(question);
    json(response, answer.error ? 502 : 200, answer);
  }

  function stream(request: IncomingMessage, response: ServerResponse, url: URL, jobId?: string): void {
    const activity = (keeper as KeeperBackend).activity;
    const after = Number(request.headers['last-event-id'] ?? url.searchParams.get('after') ?? 0) || 0;
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (event: ActivityEvent) => {
      if (jobId === undefined || event.jobId === jobId) response.write(`id: ${event.seq}\nevent: activity\ndata: ${JSON.stringify(event)}\n\n`);
    };
    for (const event of activity.history({ ...(jobId !== undefined && { jobId }), afterSeq: after })) send(event);
    const unsubscribe = activity.subscribe(send);
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    request.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }

  await listen(server, options.port ?? 8788, options.host ?? '127.0.0.1');
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** GET /quotes?gpu=H100&count=8&hours=6&maxPrice=3&region=EU&exclude=spot,token&minVram=80[&review=300] */
function quoteSpec(params: URLSearchParams): RoutingRequestInput {
  const known = new Set(['gpu', 'count', 'hours', 'maxPrice', 'region', 'exclude', 'minVram', 'limit', 'review']);
  for (const key of params.keys()) if (!known.has(key)) throw new HttpError(400, `unknown parameter "${key}" (gpu, count, hours, maxPrice, region, exclude, minVram, limit, review)`);
  const number = (name: string, fallback?: number) => {
    const raw = params.get(name);
    if (raw === null || raw === '') {
      if (fallback === undefined) throw new HttpError(400, `"${name}" is required`);
      return fallback;
    }
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new HttpError(400, `"${name}" must be a positive number (got "${raw}")`);
    return value;
  };
  const gpuModel = params.get('gpu');
  if (!gpuModel) throw new HttpError(400, '"gpu" is required, e.g. gpu=H100');
  const maxPrice = params.get('maxPrice');
  const list = (name: string) => (params.get(name) ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  const spec: RoutingRequestInput = {
    gpuModel,
    gpuCount: number('count', 1),
    hours: number('hours', 1),
    ...(maxPrice !== null && { maxMicroUsdPerGpuHour: Math.round(number('maxPrice') * MICRO) }),
    ...(params.get('minVram') !== null && { minVramGb: number('minVram') }),
    regions: list('region'),
    excludedPricingModels: list('exclude'),
  };
  const parsed = parseRoutingRequest(spec);
  if (!parsed.ok) throw new HttpError(400, parsed.problems.join('; '));
  return spec;
}

/** `review=<seconds>`: compare as a job with that review window would be routed now, through the
 *  on-chain offers that could carry it. */
function asJobOf(params: URLSearchParams): { reviewSeconds: number } | undefined {
  const raw = params.get('review');
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) > 3600) throw new HttpError(400, `"review" must be a whole number of seconds from 0 to 3600 (got "${raw}")`);
  return { reviewSeconds: Number(raw) };
}

function limitOf(params: URLSearchParams): number {
  const raw = params.get('limit');
  if (raw === null) return 20;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1000) throw new HttpError(400, `"limit" must be a whole number from 1 to 1000 (got "${raw}")`);
  return Number(raw);
}

function jobIdOf(raw: string): string {
  if (!/^\d+$/.test(raw) || BigInt(raw) === 0n) throw new HttpError(400, `"${raw}" is not a job id (a positive whole number)`);
  return BigInt(raw).toString();
}

function chainNotFound(error: unknown): never {
  const message = oneLine(error);
  throw new HttpError(/does not exist/.test(message) ? 404 : 503, message);
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new HttpError(400, 'the body must be JSON: {"question": "<what you need>"}');
}

function oneLine(error: unknown): string {
  return ((error as { shortMessage?: string }).shortMessage ?? (error as Error).message ?? String(error)).split('\n')[0] ?? 'error';
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(`${JSON.stringify(body, (_key, value) => (typeof value === 'bigint' ? value.toString() : value))}\n`);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'EADDRINUSE' ? new ConfigError(`${host}:${port} is in use (KEEPER_API_PORT): stop what listens there or set KEEPER_API_PORT to a free port`) : error),
    );
    server.listen(port, host, () => done());
  });
}
