// The forge commands of the stack, always through script/bin/forge (it keeps forge's exit code).
import { join } from 'node:path';
import { repoRoot } from './config.ts';
import type { StackConfig } from './config.ts';
import { runCommand } from './commands.ts';

const forge = join(repoRoot, 'script/bin/forge');

/** The tests and their helpers (fixtures, handlers) are not needed to deploy. */
const skipTests = ['--skip', 'test', '--skip', 'contracts/test'];

/** Compiles sources and scripts (not the tests), so the scripts below start without compiling. */
export function buildContracts(signal?: AbortSignal): Promise<string> {
  return runCommand(forge, ['build', ...skipTests], { signal });
}

/** Settings for other chains: the local stack always deploys with anvil's accounts, so its addresses
 * match the committed deployments/31337.json whatever a shell or .env file exports. */
const remoteOnlyVariables = [
  'DEPLOYER_PRIVATE_KEY',
  'USDC_ADDRESS',
  'KEEPER_ADDRESS',
  'GUARDIAN_ADDRESS',
  'SEED_MNEMONIC',
];

/** Runs a forge script against the stack's chain and broadcasts its transactions. */
export function broadcastScript(script: string, config: StackConfig, signal?: AbortSignal): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, DEPLOYMENTS_DIR: config.deploymentsDir };
  for (const name of remoteOnlyVariables) delete env[name];
  return runCommand(forge, ['script', script, '--broadcast', '--rpc-url', config.rpcUrl, ...skipTests], {
    env,
    signal,
  });
}
