// A local stand-in for the Akash Console API (managed wallet), for offline runs and tests. It
// answers in the real format (shared/provider-formats/akash-console-deploy.md) and moves
// deployments through their real states: bids from recorded providers arrive after a delay, a
// lease becomes active and its service ready, and the deployment closes on DELETE. Scenarios for
// the next deployment, set with POST /standin/scenario {"scenario": ...} (not a Console route):
//   normal       bids at 70% and 85% of the SDL's ceiling, and one above it
//   no-bids      no provider ever bids
//   early-close  the lease closes on its own `earlyCloseMs` after it was created
// A service whose workload exits (after `runMs`, when set) reports 0 ready replicas: the stand-in's
// way of saying the container stopped, which the real API shows the same way.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'yaml';

export const STANDIN_SCENARIOS = ['normal', 'no-bids', 'early-close'] as const;
export type StandinScenario = (typeof STANDIN_SCENARIOS)[number];

export type StandinOptions = {
  apiKey: string;
  host?: string;
  port?: number;
  bidDelayMs?: number;
  readyDelayMs?: number;
  earlyCloseMs?: number;
  /** The workload exits this long after its service is ready (0: it runs until the deployment closes). */
  runMs?: number;
};

export type ConsoleStandin = {
  url: string;
  /** The scenario of the next deployment created. */
  setScenario(scenario: StandinScenario): void;
  close(): Promise<void>;
};

/** Recorded mainnet providers (agent-keeper/snapshots/akash/bids-28417503.json and Console docs). */
const PROVIDERS = ['akash1ccktptfkvdc67msasmesuy5m7gpc76z75kukpz', 'akash18ga02jzaq8cw52anyhzkwta5wygufgu6zsz6xc', 'akash1q7spv2cw06yszgfp4f9ed59lkka6ytn8g4tkjf'];
const BID_SHARES = [0.7, 0.85, 1.2];
const OWNER = 'akash1necto0standin0managed0wallet0qqqqqqqqqqq';
const BLOCK_MS = 6_000;

type Bid = { provider: string; state: 'open' | 'active' | 'lost' | 'closed'; amount: number; createdAt: number };
type Lease = { provider: string; gseq: number; oseq: number; amount: number; state: 'active' | 'closed'; createdAt: number; closedAt?: number; reason?: string };
type Deployment = {
  dseq: string; sdl: string; manifest: string; state: 'active' | 'closed'; createdAt: number; scenario: StandinScenario;
  ceiling: number; gpuAttribute: string; gpuUnits: number; service: string; bids: Bid[]; lease?: Lease;
};

class HttpError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  constructor(status: number, body: Record<string, unknown>) {
    super(String(body.message));
    this.status = status;
    this.body = body;
  }
}

const CODES: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 404: 'not_found', 409: 'conflict' };
const NAMES: Record<number, string> = { 400: 'BadRequestError', 401: 'UnauthorizedError', 404: 'NotFoundError', 409: 'ConflictError' };
const fail = (status: number, message: string, extra: Record<string, unknown> = {}) =>
  new HttpError(status, { error: NAMES[status], message, code: CODES[status], type: 'client_error', ...extra });

export async function startConsoleStandin(options: StandinOptions): Promise<ConsoleStandin> {
  const { bidDelayMs = 1_500, readyDelayMs = 500, earlyCloseMs = 4_000, runMs = 0 } = options;
  const started = Date.now();
  const deployments = new Map<string, Deployment>();
  let nextScenario: StandinScenario = 'normal';
  let lastDseq = 0;
  const height = (at: number) => String(28_400_000 + Math.floor((at - started) / BLOCK_MS));

  /** Time moves the deployment on: bids arrive, an early-close lease ends. */
  function advance(d: Deployment, now: number) {
    if (d.state === 'active' && !d.bids.length && d.scenario !== 'no-bids' && now - d.createdAt >= bidDelayMs) {
      d.bids = PROVIDERS.map((provider, i) => ({ provider, state: 'open', amount: Math.max(1, Math.round(d.ceiling * BID_SHARES[i]!)), createdAt: d.createdAt + bidDelayMs }));
    }
    const lease = d.lease;
    if (lease?.state === 'active' && d.scenario === 'early-close' && now - lease.createdAt >= earlyCloseMs) {
      Object.assign(lease, { state: 'closed', closedAt: lease.createdAt + earlyCloseMs, reason: 'lease_closed_reason_unstable' });
      for (const bid of d.bids) if (bid.state === 'active') bid.state = 'closed';
    }
  }

  function view(d: Deployment, now: number) {
    const lease = d.lease;
    const ready = lease?.state === 'active' && now - lease.createdAt >= readyDelayMs;
    const exited = ready && runMs > 0 && now - lease!.createdAt - readyDelayMs >= runMs;
    const replicas = ready && !exited ? 1 : 0;
    return {
      deployment: { id: { owner: OWNER, dseq: d.dseq }, state: d.state, hash: Buffer.from(d.sdl).toString('base64').slice(0, 44), created_at: height(d.createdAt) },
      leases: lease
        ? [{
            id: { owner: OWNER, dseq: d.dseq, gseq: lease.gseq, oseq: lease.oseq, provider: lease.provider, bseq: 0 },
            state: lease.state,
            price: { denom: 'uact', amount: lease.amount.toFixed(18) },
            created_at: height(lease.createdAt),
            closed_on: lease.closedAt ? height(lease.closedAt) : '0',
            ...(lease.reason && { reason: lease.reason }),
            status: lease.state === 'active' ? { forwarded_ports: {}, ips: {}, services: { [d.service]: { name: d.service, available: replicas, total: 1, uris: [], observed_generation: 1, replicas: 1, updated_replicas: 1, ready_replicas: replicas, available_replicas: replicas } } } : null,
          }]
        : [],
      escrow_account: { id: { scope: 'deployment', xid: `${OWNER}/${d.dseq}` }, state: { owner: OWNER, state: d.state === 'active' ? 'open' : 'closed', transferred: [{ denom: 'uact', amount: '0' }], settled_at: height(now), funds: [{ denom: 'uact', amount: '500000' }], deposits: [] } },
    };
  }

  function bidView(d: Deployment, bid: Bid) {
    return {
      bid: {
        id: { owner: OWNER, dseq: d.dseq, gseq: 1, oseq: 1, provider: bid.provider, bseq: 0 },
        state: bid.state,
        price: { denom: 'uact', amount: bid.amount.toFixed(18) },
        created_at: height(bid.createdAt),
        resources_offer: [{ count: 1, resources: { cpu: { units: { val: '8000' }, attributes: [] }, gpu: { units: { val: String(d.gpuUnits) }, attributes: [{ key: d.gpuAttribute, value: 'true' }] }, memory: { quantity: { val: String(64 * 2 ** 30) }, attributes: [] }, storage: [{ name: 'default', quantity: { val: String(20 * 2 ** 30) }, attributes: [] }], endpoints: [] } }],
      },
      escrow_account: { id: { scope: 'bid', xid: `${OWNER}/${d.dseq}/1/1/${bid.provider}` }, state: { owner: bid.provider, state: 'open' } },
    };
  }

  function createDeployment(body: unknown, now: number) {
    const data = (body as { data?: { sdl?: unknown; deposit?: unknown } })?.data;
    if (!data || typeof data.sdl !== 'string') throw fail(400, 'Validation error', { code: 'validation_error', type: 'validation_error', data: [{ code: 'invalid_type', path: ['data', 'sdl'], message: 'Required' }] });
    if (data.deposit !== undefined && (typeof data.deposit !== 'number' || data.deposit < 0.5)) throw fail(400, 'Failed to create deployment: Deposit too low');
    const sdl = readSdl(data.sdl);
    const dseq = String((lastDseq = Math.max(now, lastDseq + 1)));
    const deployment: Deployment = { dseq, sdl: data.sdl, manifest: JSON.stringify([{ name: sdl.group, services: [{ name: sdl.service, image: sdl.image, count: 1 }] }]), state: 'active', createdAt: now, scenario: nextScenario, ceiling: sdl.ceiling, gpuAttribute: sdl.gpuAttribute, gpuUnits: sdl.gpuUnits, service: sdl.service, bids: [] };
    nextScenario = 'normal';
    deployments.set(dseq, deployment);
    return { data: { dseq, manifest: deployment.manifest, signTx: { code: 0, transactionHash: dseq.padStart(64, '0'), rawLog: '' }, hash: dseq.padStart(64, '0') } };
  }

  function createLease(body: unknown, now: number) {
    const request = body as { manifest?: unknown; leases?: { dseq?: unknown; gseq?: unknown; oseq?: unknown; provider?: unknown }[] };
    const [entry] = request?.leases ?? [];
    if (typeof request?.manifest !== 'string' || !entry || typeof entry.gseq !== 'number' || typeof entry.oseq !== 'number' || typeof entry.provider !== 'string' || !entry.provider.startsWith('akash1')) {
      throw fail(400, 'Validation error', { code: 'validation_error', type: 'validation_error' });
    }
    const d = existing(String(entry.dseq));
    advance(d, now);
    if (d.lease && d.lease.state !== 'closed') return { data: view(d, now) };
    const bid = d.bids.find((b) => b.provider === entry.provider);
    if (!bid || bid.state !== 'open' || d.state !== 'active') throw fail(400, 'Failed to create lease: Cannot create lease: The selected bid is no longer open');
    if (request.manifest !== d.manifest) throw fail(400, 'Failed to send manifest: the manifest does not match the deployment');
    for (const other of d.bids) other.state = other === bid ? 'active' : 'lost';
    d.lease = { provider: bid.provider, gseq: entry.gseq, oseq: entry.oseq, amount: bid.amount, state: 'active', createdAt: now };
    return { data: view(d, now) };
  }

  function existing(dseq: string): Deployment {
    if (!/^[1-9]\d*$/.test(dseq)) throw fail(400, 'Validation error', { code: 'validation_error', type: 'validation_error', data: [{ path: ['dseq'], message: 'Expected bigint' }] });
    const d = deployments.get(dseq);
    if (!d) throw fail(404, 'Deployment not found');
    return d;
  }

  function route(method: string, url: URL, body: unknown, now: number): [number, unknown] {
    const path = url.pathname;
    if (method === 'POST' && path === '/standin/scenario') {
      const scenario = (body as { scenario?: unknown })?.scenario;
      if (!STANDIN_SCENARIOS.includes(scenario as StandinScenario)) throw fail(400, `scenario is one of ${STANDIN_SCENARIOS.join(', ')}`);
      nextScenario = scenario as StandinScenario;
      return [200, { data: { scenario } }];
    }
    if (method === 'POST' && path === '/v1/deployments') return [201, createDeployment(body, now)];
    if (method === 'GET' && path === '/v1/deployments') {
      const active = [...deployments.values()].filter((d) => d.state === 'active');
      for (const d of active) advance(d, now);
      return [200, { data: { deployments: active.map((d) => ({ ...view(d, now), leases: view(d, now).leases.map(({ status: _, ...l }) => l) })), pagination: { total: active.length, skip: 0, limit: 1000, hasMore: false } } }];
    }
    const one = /^\/v1\/deployments\/([^/]+)$/.exec(path);
    if (one) {
      const d = existing(one[1]!);
      if (method === 'GET') return advance(d, now), [200, { data: view(d, now) }];
      if (method === 'DELETE') {
        if (d.state === 'active') {
          d.state = 'closed';
          if (d.lease?.state === 'active') Object.assign(d.lease, { state: 'closed', closedAt: now, reason: 'lease_closed_reason_owner' });
          for (const bid of d.bids) if (bid.state === 'open' || bid.state === 'active') bid.state = 'closed';
        }
        return [200, { data: { success: true } }];
      }
    }
    const bidsOf = /^\/v1\/bids(?:\/([^/]+))?$/.exec(path);
    if (method === 'GET' && bidsOf) {
      const d = deployments.get(bidsOf[1] ?? url.searchParams.get('dseq') ?? '');
      if (!d) return [200, { data: [] }];
      advance(d, now);
      return [200, { data: d.bids.map((bid) => bidView(d, bid)) }];
    }
    if (method === 'POST' && path === '/v1/leases') return [200, createLease(body, now)];
    throw fail(404, `no route ${method} ${path}`);
  }

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    try {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      if (req.headers['x-api-key'] && req.headers.authorization) throw fail(400, 'Authorization and X-Api-Key headers are mutually exclusive');
      if (!req.headers['x-api-key']) throw fail(401, 'Unauthorized');
      if (req.headers['x-api-key'] !== options.apiKey) throw fail(401, 'Invalid API key');
      if (raw && !req.headers['content-type']) return send(400, { error: 'Content-Type header is required' });
      if (raw && !String(req.headers['content-type']).startsWith('application/json')) return send(400, { error: 'Unsupported Content-Type' });
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        throw fail(400, 'Invalid JSON');
      }
      const [status, json] = route(req.method ?? 'GET', new URL(req.url ?? '/', 'http://standin'), body, Date.now());
      send(status, json);
    } catch (error) {
      if (error instanceof HttpError) send(error.status, error.body);
      else send(500, { error: 'InternalServerError', message: 'Internal server error', code: 'internal_server_error', type: 'server_error' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    setScenario: (scenario) => void (nextScenario = scenario),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What the stand-in needs from an SDL, checked as Console's SDL service would refuse it. */
function readSdl(text: string): { service: string; group: string; image: string; ceiling: number; gpuAttribute: string; gpuUnits: number } {
  const invalid = (why: string) => fail(400, `Invalid SDL: ${why}`);
  let sdl: Record<string, any>;
  try {
    sdl = parse(text);
  } catch (error) {
    throw invalid((error as Error).message.split('\n')[0]!);
  }
  if (!sdl || !['2.0', '2.1'].includes(String(sdl.version))) throw invalid('version must be "2.0" or "2.1"');
  const [service, spec] = Object.entries(sdl.services ?? {})[0] ?? [];
  if (!service || typeof (spec as { image?: unknown })?.image !== 'string') throw invalid('a service needs an image');
  const [group, placement] = Object.entries(sdl.profiles?.placement ?? {})[0] ?? [];
  const pricing = (placement as { pricing?: Record<string, { denom?: string; amount?: unknown }> })?.pricing?.[service];
  if (!group || !pricing || !['uakt', 'uact'].includes(String(pricing.denom)) || !(Number(pricing.amount) > 0)) throw invalid(`placement pricing for ${service} needs denom uact and an amount above 0`);
  const gpu = sdl.profiles?.compute?.[service]?.resources?.gpu;
  const vendor = gpu?.attributes?.vendor ?? {};
  if (Object.keys(vendor).some((key) => key !== 'nvidia')) throw invalid('only the nvidia GPU vendor is allowed');
  const [model] = (vendor.nvidia ?? []) as { model?: string; ram?: string; interface?: string }[];
  if (Number(gpu?.units) > 0 && !model?.model) throw invalid('GPU units need attributes');
  const gpuAttribute = ['vendor/nvidia/model', model?.model ?? 'any', ...(model?.ram ? ['ram', model.ram] : []), ...(model?.interface ? ['interface', model.interface] : [])].join('/');
  return { service, group, image: (spec as { image: string }).image, ceiling: Number(pricing.amount), gpuAttribute, gpuUnits: Number(gpu?.units ?? 0) };
}
