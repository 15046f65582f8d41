// Starts anvil for the local chain and waits until it answers JSON-RPC.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './config.ts';
import type { StackConfig } from './config.ts';
import { superviseProcess } from './services.ts';
import type { Service } from './services.ts';
import { StepError } from './steps.ts';

const READY_TIMEOUT_MS = 15_000;

export async function startAnvil(config: StackConfig): Promise<Service> {
  await assertPortFree(config);
  const child = spawn(
    join(repoRoot, 'script/bin/anvil'),
    ['--host', config.host, '--port', String(config.port), '--chain-id', String(config.chainId)],
    // Its own process group: a terminal's Ctrl-C reaches the stack only, which stops anvil last.
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const anvil = superviseProcess('anvil', child);
  try {
    await Promise.race([
      waitForChainId(config),
      anvil.exited.then(() => {
        throw new StepError(`anvil exited before answering on ${config.rpcUrl}`, anvil.recentOutput());
      }),
    ]);
  } catch (error) {
    await anvil.stop();
    throw error;
  }
  return anvil;
}

function assertPortFree({ host, port }: StackConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new StepError(
          error.code === 'EADDRINUSE'
            ? `${host}:${port} is already in use (another anvil?): stop it or set NECTO_ANVIL_PORT to a free port`
            : `cannot listen on ${host}:${port}: ${error.message}`,
        ),
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

async function waitForChainId({ rpcUrl, chainId }: StackConfig): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const answered = await rpcChainId(rpcUrl);
    if (answered === chainId) return;
    if (answered !== undefined) {
      throw new StepError(`${rpcUrl} answers chain ${answered}, expected ${chainId}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new StepError(`anvil did not answer on ${rpcUrl} within ${READY_TIMEOUT_MS / 1000} s`);
}

async function rpcChainId(rpcUrl: string): Promise<number | undefined> {
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    });
    const { result } = await response.json();
    return Number(result);
  } catch {
    return undefined;
  }
}
