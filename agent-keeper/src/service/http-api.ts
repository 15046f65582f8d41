// The keeper's HTTP API (127.0.0.1:8788 by default). Today: decision records by root, for anyone
// verifying a decision (the app's Verify Decision button reads them from a browser), and health.
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DecisionStoreError } from '../decision/store.ts';
import type { DecisionStore } from '../decision/store.ts';

const STATUS_OF_FAILURE = { 'not-found': 404, invalid: 400, integrity: 502, storage: 503 } as const;

export type KeeperApi = { url: string; close(): Promise<void> };

export async function startKeeperApi(store: DecisionStore, options: { host?: string; port?: number } = {}): Promise<KeeperApi> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://keeper');
    response.setHeader('access-control-allow-origin', '*');
    if (request.method !== 'GET') return json(response, 405, { error: `${request.method} not allowed` });
    if (url.pathname === '/health') return json(response, 200, { status: 'ok', store: store.describe() });
    const match = /^\/decisions\/([^/]+)$/.exec(url.pathname);
    if (!match) return json(response, 404, { error: `no route ${url.pathname} (GET /decisions/:root, /health)` });
    void serveDecision(store, match[1] as string, response);
  });
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

/** The record's canonical bytes exactly as stored (the store checked them against the root). */
async function serveDecision(store: DecisionStore, root: string, response: ServerResponse): Promise<void> {
  try {
    const bytes = await store.get(root as `0x${string}`);
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=31536000, immutable' });
    response.end(bytes);
  } catch (error) {
    if (!(error instanceof DecisionStoreError)) return json(response, 500, { error: 'internal error' });
    json(response, STATUS_OF_FAILURE[error.failure] ?? 500, { error: error.message });
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'EADDRINUSE' ? new Error(`${host}:${port} is in use: set KEEPER_API_PORT to a free port`) : error),
    );
    server.listen(port, host, () => done());
  });
}
