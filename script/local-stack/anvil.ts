// Starts anvil for the local chain and waits until it answers JSON-RPC. Its port was checked free
// before the stack started anything (ports.ts).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './config.ts';
import type { StackConfig } from './config.ts';
import { pollUntil, rpcCall } from './probes.ts';
import { superviseProcess } from './services.ts';
import type { Service } from './services.ts';
import { StepError } from './steps.ts';

const READY_TIMEOUT_MS = 15_000;
/** Accounts 0-9 play the seed's roles; 10 and 11 are fresh (ETH only): a new seller, a new buyer. */
export const ANVIL_ACCOUNTS = 12;

export async function startAnvil(config: StackConfig): Promise<Service> {
  const child = spawn(
    join(repoRoot, 'script/bin/anvil'),
    ['--host', config.host, '--port', String(config.port), '--chain-id', String(config.chainId), '--accounts', String(ANVIL_ACCOUNTS)],
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

async function waitForChainId({ rpcUrl, chainId }: StackConfig): Promise<void> {
  const answered = await pollUntil(async () => {
    const result = await rpcCall(rpcUrl, 'eth_chainId');
    return result === undefined ? undefined : Number(result);
  }, READY_TIMEOUT_MS, 100);
  if (answered === undefined) {
    throw new StepError(`anvil did not answer on ${rpcUrl} within ${READY_TIMEOUT_MS / 1000} s`);
  }
  if (answered !== chainId) throw new StepError(`${rpcUrl} answers chain ${answered}, expected ${chainId}`);
}
