// `necto keeper`: the keeper service and its HTTP API until Ctrl-C. Routes every requested job,
// watches routed ones, and prints its activity as it goes.
import { ChainError, connectMarket } from '../chain/market.ts';
import { rpcErrorMessage } from '../chain/offers.ts';
import { createDecisionStore } from '../decision/store.ts';
import type { ScanConfig } from '../scan.ts';
import { connectAkashGateway } from '../gateways/akash/akash-config.ts';
import { ActivityLog } from '../service/activity.ts';
import type { ActivityEvent } from '../service/activity.ts';
import { startKeeperApi } from '../service/http-api.ts';
import { readKeeperSettings } from '../service/keeper-config.ts';
import { ALL_SOURCES } from '../sources/index.ts';
import { UsageError } from './args.ts';

export const KEEPER_USAGE = `usage: necto keeper [--quiet]
  Routes every requested job on NECTO_RPC_URL's market within a second, fails routed jobs over
  when their provider does not start them, and serves the keeper API on 127.0.0.1:KEEPER_API_PORT
  (8788): GET /quotes, /jobs/:id, /jobs/:id/activity, /activity, /decisions/:root, /health; POST /ask.
  --quiet  do not print the activity feed`;

export async function runKeeper(argv: string[], config: ScanConfig): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${KEEPER_USAGE}\n`);
    return 0;
  }
  const unknown = argv.filter((a) => a !== '--quiet');
  if (unknown.length) throw new UsageError(`unknown option "${unknown[0]}"\n${KEEPER_USAGE}`);
  const settings = readKeeperSettings(config.env);
  const market = await connectMarket(config.env);
  const store = createDecisionStore(config.env);
  // ADK loads in about a second: only the service pays for it.
  const [{ KeeperService }, { createAsker }, adk] = await Promise.all([
    import('../service/keeper.ts'),
    import('../agent/ask-agent.ts'),
    import('@google/adk'),
  ]);
  adk.setLogLevel(adk.LogLevel.WARN); // ADK's info lines would interleave with the activity feed
  const activity = new ActivityLog();
  // The Akash gateway hands back the jobs it cannot run; the keeper, made next, fails them over.
  let keeper: InstanceType<typeof KeeperService> | undefined;
  const akash = await connectAkashGateway(config.env, market.chainId, { activity, store, handBack: (jobId, offerId, reason) => keeper?.handBack(jobId, offerId, reason) });
  keeper = new KeeperService({ market, store, sources: ALL_SOURCES, config, settings, activity, ...(akash && { gateway: akash.gateway }) });
  if (!argv.includes('--quiet')) keeper.activity.subscribe((event) => process.stdout.write(`${formatActivity(event)}\n`));
  const asker = createAsker({ toolkit: keeper.toolkit, env: config.env });
  const api = await startKeeperApi(store, {
    port: settings.apiPort,
    origins: settings.appOrigins,
    keeper: { toolkit: keeper.toolkit, activity: keeper.activity, health: () => keeper.health(), market: () => keeper.market(), tokenRate: (id) => keeper.tokenRate(id), asker },
  });
  process.stdout.write(`Keeper API at ${api.url} (chain ${market.chainId}, ${config.mode} providers, ${asker.configured ? 'language model on' : 'no language model'})\n`);
  const stopped = new Promise<void>((done) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => done());
  });
  try {
    await keeper.start();
  } catch (error) {
    await api.close();
    await keeper.stop();
    await akash?.close();
    throw new ChainError(`the keeper could not start on ${market.rpcUrl}: ${rpcErrorMessage(error)}`);
  }
  await stopped;
  process.stdout.write('Stopping the keeper...\n');
  await api.close();
  await keeper.stop();
  await akash?.close();
  return 0;
}

export function formatActivity(event: ActivityEvent): string {
  const time = new Date(event.at).toISOString().slice(11, 19);
  const job = event.jobId ? `job ${event.jobId}`.padEnd(9) : ''.padEnd(9);
  return `${time} ${job} ${event.message}`;
}
