// Checks, before anything starts, that every port of this run is free. Ponder silently moves to the
// next port when its own is taken, so a second stack would otherwise come up half on the first one.
import { createServer } from 'node:net';
import { ConfigError, servicePorts } from './config.ts';
import type { ServicePort, StackConfig } from './config.ts';

export function portInUseMessage({ variable, port }: ServicePort): string {
  return `port ${port} (${variable}) is in use, probably by another Necto stack: stop it or set ${variable} to a free port`;
}

/** Throws a ConfigError naming the variable of the first port that cannot be bound on the stack's host. */
export async function assertPortsFree(config: StackConfig): Promise<void> {
  for (const servicePort of servicePorts(config)) {
    const failure = await bindBriefly(config.host, servicePort.port);
    if (failure === 'EADDRINUSE') throw new ConfigError(portInUseMessage(servicePort));
    if (failure) {
      throw new ConfigError(`cannot listen on ${config.host}:${servicePort.port} (${servicePort.variable}): ${failure}`);
    }
  }
}

/** Undefined when the port could be bound, the error code (or message) otherwise. */
function bindBriefly(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    probe.listen(port, host, () => probe.close(() => resolve(undefined)));
  });
}
