// Snapshot mode: recorded provider responses, in each source's real format, served over local HTTP
// at each source's real paths under /<source id>, so the adapters' real request code runs without
// network. snapshots/<id>/routes.json lists what a source answers; snapshots/snapshot.json dates it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

export const SNAPSHOT_DIR = resolve(import.meta.dirname, '../../snapshots');

/** One recorded answer. `bodyIncludes` tells apart POSTs to one path (GraphQL, EC2 Query API). */
export type SnapshotRoute = {
  method: 'GET' | 'POST';
  path: string;
  file: string;
  bodyIncludes?: string;
  contentType?: string;
  /** A JSON-RPC endpoint: `file` maps "method params-json" keys to recorded results. */
  jsonRpc?: boolean;
};

export type Snapshot = {
  /** Unix seconds: quotes from this snapshot are as of this time. */
  recordedAt: number;
  routes: Map<string, (SnapshotRoute & { body: string })[]>;
};

export function loadSnapshot(dir = SNAPSHOT_DIR): Snapshot {
  const meta = JSON.parse(readFileSync(join(dir, 'snapshot.json'), 'utf8')) as { recordedAt: string };
  const recordedAt = Math.floor(Date.parse(meta.recordedAt) / 1000);
  if (!Number.isFinite(recordedAt)) throw new Error(`${dir}/snapshot.json: recordedAt is not a date`);
  const routes = new Map<string, (SnapshotRoute & { body: string })[]>();
  for (const source of readdirSync(dir, { withFileTypes: true })) {
    const routesFile = join(dir, source.name, 'routes.json');
    if (!source.isDirectory() || !existsSync(routesFile)) continue;
    const list = JSON.parse(readFileSync(routesFile, 'utf8')) as SnapshotRoute[];
    routes.set(
      source.name,
      list.map((route) => ({ ...route, body: readFileSync(join(dir, source.name, route.file), 'utf8') })),
    );
  }
  return { recordedAt, routes };
}

export type SnapshotServer = { url: string; recordedAt: number; close(): Promise<void> };

/** Serves a snapshot on 127.0.0.1 (port 0 = any free port). */
export async function startSnapshotServer(options: { port?: number; dir?: string } = {}): Promise<SnapshotServer> {
  const snapshot = loadSnapshot(options.dir);
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => answer(snapshot, request, body, response));
  });
  await listen(server, options.port ?? 0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    recordedAt: snapshot.recordedAt,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done());
  });
}

function answer(snapshot: Snapshot, request: IncomingMessage, body: string, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://snapshot');
  const [, source = '', ...rest] = url.pathname.split('/');
  const path = `/${rest.join('/')}`;
  const candidates = snapshot.routes.get(source) ?? [];
  const route = candidates.find(
    (r) =>
      r.method === request.method &&
      trimSlash(r.path) === trimSlash(path) &&
      (r.bodyIncludes === undefined || body.includes(r.bodyIncludes)),
  );
  if (!route) {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: `no snapshot for ${request.method} /${source}${path}` }));
    return;
  }
  if (route.jsonRpc) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answerJsonRpc(JSON.parse(route.body), body)));
    return;
  }
  response.writeHead(200, { 'content-type': route.contentType ?? 'application/json' });
  response.end(route.body);
}

type RpcRequest = { id: number | string; method: string; params?: unknown[] };

/** Key of a recorded JSON-RPC call: method and params, block tags left as recorded. */
export function rpcKey(method: string, params: unknown[] = []): string {
  return `${method} ${JSON.stringify(params)}`;
}

function answerJsonRpc(recording: Record<string, unknown>, body: string): unknown {
  const one = (call: RpcRequest) =>
    rpcKey(call.method, call.params) in recording
      ? { jsonrpc: '2.0', id: call.id, result: recording[rpcKey(call.method, call.params)] }
      : { jsonrpc: '2.0', id: call.id, error: { code: -32601, message: `not in the snapshot: ${call.method}` } };
  const parsed = JSON.parse(body) as RpcRequest | RpcRequest[];
  return Array.isArray(parsed) ? parsed.map(one) : one(parsed);
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
