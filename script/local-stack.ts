// `npm start`: the local Necto stack. Starts anvil, deploys and seeds the contracts, prints what it
// built, then runs until Ctrl-C or SIGTERM and stops everything it started.
// Environment: NECTO_ANVIL_PORT (default 8545), DEPLOYMENTS_DIR (default deployments),
// NECTO_INDEXER=on|off and NECTO_INDEXER_PORT (default 42069), DATABASE_URL (indexer on PostgreSQL),
// NECTO_KEEPER=on|off and KEEPER_API_PORT (default 8788), NECTO_APP=on|off and NECTO_APP_PORT (default
// 5173). Every port is checked free before anything starts; "ready" is printed once the indexer has
// indexed the chain head, the keeper answers and the app serves its /config.json.
import { startAnvil } from './local-stack/anvil.ts';
import { buildApp, staleBuildReason, startApp } from './local-stack/app.ts';
import { ConfigError, readConfig } from './local-stack/config.ts';
import type { StackConfig } from './local-stack/config.ts';
import { broadcastScript, buildContracts } from './local-stack/forge.ts';
import { startIndexer } from './local-stack/indexer.ts';
import { startKeeper } from './local-stack/keeper.ts';
import { assertPortsFree } from './local-stack/ports.ts';
import { waitUntilCaughtUp } from './local-stack/readiness.ts';
import type { Service } from './local-stack/services.ts';
import { StepError, runStep } from './local-stack/steps.ts';
import { formatSummary } from './local-stack/summary.ts';

type Stack = { config: StackConfig; services: Service[]; signal: AbortSignal };
type Step = { label: string; skip?: (config: StackConfig) => boolean; run: (stack: Stack) => Promise<unknown> };

/** Run in order. A further service (indexer, keeper, app) is one more step that adds its Service. */
const steps: Step[] = [
  { label: 'Starting anvil', run: async (stack) => stack.services.push(await startAnvil(stack.config)) },
  { label: 'Building contracts', run: (stack) => buildContracts(stack.signal) },
  {
    label: 'Deploying contracts',
    run: (stack) => broadcastScript('script/Deploy.s.sol', stack.config, stack.signal),
  },
  {
    label: 'Seeding the demo world',
    run: (stack) => broadcastScript('script/Seed.s.sol', stack.config, stack.signal),
  },
  {
    label: 'Starting the indexer',
    skip: (config) => config.indexerPort === undefined,
    run: async (stack) => stack.services.push(await startIndexer(stack.config, stack.config.indexerPort as number)),
  },
  {
    label: 'Starting the keeper (it routes the seeded jobs)',
    skip: (config) => config.keeperPort === undefined,
    run: async (stack) => stack.services.push(await startKeeper(stack.config, stack.config.keeperPort as number)),
  },
  {
    label: 'Building the app (app/build is missing or older than its sources)',
    skip: (config) => config.appPort === undefined || !staleBuildReason(),
    run: (stack) => buildApp(stack.signal),
  },
  {
    label: 'Starting the app',
    skip: (config) => config.appPort === undefined,
    run: async (stack) => stack.services.push(await startApp(stack.config, stack.config.appPort as number)),
  },
  {
    label: 'Waiting for every service to catch up with the chain',
    skip: (config) => config.indexerPort === undefined && config.keeperPort === undefined,
    run: (stack) => waitUntilCaughtUp(stack.config, stack.services),
  },
];

async function main(): Promise<void> {
  const config = await readConfigOrExit();
  const abort = new AbortController();
  const stack: Stack = { config, services: [], signal: abort.signal };
  let stopping = false;

  const stop = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    abort.abort();
    for (const service of stack.services.toReversed()) {
      await runStep(`Stopping ${service.name}`, () => service.stop());
    }
    process.exit(exitCode);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      process.stdout.write('\n');
      void stop(0);
    });
  }
  // npm exits on SIGTERM without passing it on: when whoever started the stack is gone, stop too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop(0);
  }, 1000).unref();

  try {
    for (const step of steps) {
      if (!step.skip?.(config)) await runStep(step.label, () => step.run(stack));
    }
  } catch (error) {
    if (stopping) return;
    reportFailure(error);
    return stop(1);
  }

  console.log(formatSummary(config));
  console.log(`Necto local stack ready at ${config.rpcUrl} (chain ${config.chainId}); Ctrl-C to stop`);
  // What the keeper does from now on, minus the per-source lines of each scan (GET /activity has all).
  stack.services
    .find((service) => service.name === 'keeper')
    ?.follow((line) => {
      if (!stopping && !/ Scanning .*\.\.\. \d+ offers/.test(line)) console.log(`keeper  ${line}`);
    });

  for (const service of stack.services) {
    void service.exited.then(() => {
      if (stopping) return;
      console.error(`${service.name} exited unexpectedly; its last output:\n${service.recentOutput()}`);
      void stop(1);
    });
  }
}

/** The configuration, with every port it names free; one line and exit 1 otherwise, nothing started. */
async function readConfigOrExit(): Promise<StackConfig> {
  try {
    const config = readConfig();
    await assertPortsFree(config);
    return config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

function reportFailure(error: unknown): void {
  if (!(error instanceof StepError)) {
    console.error(error);
    return;
  }
  console.error(error.message);
  if (error.details) console.error(error.details.trimEnd());
}

await main();
