// A keeper that lies: it forwards every request to the real keeper API but serves decision records
// with one byte changed, as a compromised or buggy store would. The app must say "Not verified".
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startTamperingKeeper(keeperUrl: string): Promise<{ url: string; tampered: string[]; close(): Promise<void> }> {
  const tampered: string[] = [];
  const server = createServer(async (request, response) => {
    response.setHeader('access-control-allow-origin', '*');
    const path = request.url ?? '/';
    const upstream = await fetch(`${keeperUrl}${path}`, { headers: { accept: String(request.headers.accept ?? '*/*') } });
    if (/^\/decisions\//.test(path) && upstream.ok) {
      const text = await upstream.text();
      // Claim a cheaper chosen price than the one committed: the bytes no longer hash to the root.
      const altered = text.replace(/"pricePerGpuHour":(\d)/, (_m, d: string) => `"pricePerGpuHour":${(Number(d) + 1) % 10}`);
      tampered.push(path);
      response.writeHead(200, { 'content-type': 'application/json' }).end(altered);
      return;
    }
    response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    if (!upstream.body) return void response.end();
    const reader = upstream.body.getReader();
    request.on('close', () => void reader.cancel().catch(() => undefined));
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      response.write(value);
    }
    response.end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tampered,
    close: () => new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}
