// The app server: the built single-page app (app/build) with its precompressed assets, the
// fallback page for every route, and /config.json from the environment. Its Content-Security-Policy
// lets the page talk only to this server, the indexer, the keeper and the RPC.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AppConfig } from '../src/lib/app-config.ts';

export const BUILD_DIR = resolve(import.meta.dirname, '../build');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export type AppServer = { url: string; server: Server; close(): Promise<void> };

export function contentSecurityPolicy(config: AppConfig): string {
  const origins = [config.rpcUrl, config.indexerUrl, config.keeperUrl].map((u) => new URL(u).origin);
  const websockets = origins.map((o) => o.replace(/^http/, 'ws'));
  return [
    "default-src 'self'",
    `connect-src 'self' ${[...new Set([...origins, ...websockets])].join(' ')}`,
    "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export async function startAppServer(config: AppConfig, options: { host?: string; port?: number; dir?: string } = {}): Promise<AppServer> {
  const dir = resolve(options.dir ?? BUILD_DIR);
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`no app build in ${dir}: run \`npm run build -w app\``);
  const csp = contentSecurityPolicy(config);
  const configJson = JSON.stringify(config);

  const server = createServer((request, response) => {
    try {
      handle(request, response);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(`internal error: ${(error as Error).message}`);
    }
  });

  function handle(request: IncomingMessage, response: ServerResponse): void {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://app').pathname);
    } catch {
      response.writeHead(400).end();
      return;
    }
    if (path === '/config.json') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(configJson);
      return;
    }
    const file = normalize(join(dir, path));
    const inside = file.startsWith(dir + sep);
    const asset = inside && existsSync(file) && statSync(file).isFile() ? file : undefined;
    // Unknown paths are routes of the single-page app: the fallback page renders them.
    const served = asset ?? join(dir, 'index.html');
    const immutable = served.includes(`${join(dir, '_app', 'immutable')}`);
    const headers: Record<string, string> = {
      'content-type': TYPES[extname(served)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    };
    if (served.endsWith('.html')) headers['content-security-policy'] = csp;
    const accepts = String(request.headers['accept-encoding'] ?? '');
    let body = served;
    for (const [encoding, suffix] of [['br', '.br'], ['gzip', '.gz']] as const) {
      if (accepts.includes(encoding) && existsSync(served + suffix)) {
        body = served + suffix;
        headers['content-encoding'] = encoding;
        headers.vary = 'Accept-Encoding';
        break;
      }
    }
    headers['content-length'] = String(statSync(body).size);
    response.writeHead(asset || path === '/' || !extname(path) ? 200 : 404, headers);
    if (request.method === 'HEAD') return void response.end();
    createReadStream(body).pipe(response);
  }

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 5173, options.host ?? '127.0.0.1', () => done());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    server,
    close: () => new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}
