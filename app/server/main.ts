// `node app/server/main.ts`: serves the built app on NECTO_APP_PORT (5173) with /config.json from
// the environment (app-config.ts). The local stack starts it; on its own it serves any chain.
import { AppConfigError, appConfigFromEnv } from './app-config.ts';
import { startAppServer } from './serve.ts';

try {
  const config = appConfigFromEnv(process.env);
  const port = Number(process.env.NECTO_APP_PORT || 5173);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new AppConfigError(`NECTO_APP_PORT must be a port number (got "${process.env.NECTO_APP_PORT}")`);
  const app = await startAppServer(config, { port });
  process.stdout.write(`Necto app at ${app.url} (chain ${config.chainId}, indexer ${config.indexerUrl}, keeper ${config.keeperUrl})\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  const message = code === 'EADDRINUSE' ? `port ${process.env.NECTO_APP_PORT || 5173} is in use: set NECTO_APP_PORT to a free port` : (error as Error).message;
  process.stderr.write(`necto app: ${message}\n`);
  process.exit(1);
}
