// "Ready" means every service answers with the chain head indexed: the indexer's /status has reached
// the block anvil reports at that moment, and the keeper's /health answers 200. The head is re-read
// on every try, since the keeper mines blocks while it routes the seeded jobs.
import type { StackConfig } from './config.ts';
import { keeperHealth } from './keeper.ts';
import { getJson, pollUntil, rpcCall } from './probes.ts';
import type { Service } from './services.ts';
import { StepError } from './steps.ts';

const CAUGHT_UP_TIMEOUT_MS = 60_000;

type Observation = { head?: number; indexed?: number; keeperStatus?: number };

export async function waitUntilCaughtUp(config: StackConfig, services: Service[]): Promise<void> {
  const indexerCaughtUp = (o: Observation) =>
    config.indexerPort === undefined || (o.head !== undefined && o.indexed !== undefined && o.indexed >= o.head);
  const keeperAnswers = (o: Observation) => config.keeperPort === undefined || o.keeperStatus === 200;
  let last: Observation = {};
  const caughtUp = await pollUntil(async () => {
    last = await observe(config);
    return indexerCaughtUp(last) && keeperAnswers(last) ? true : undefined;
  }, CAUGHT_UP_TIMEOUT_MS);
  if (caughtUp) return;

  const outputOf = (name: string) => services.find((service) => service.name === name)?.recentOutput() ?? '';
  const lagging: { problem: string; output: string }[] = [];
  if (!indexerCaughtUp(last)) {
    lagging.push({
      problem: `the indexer is at block ${last.indexed ?? 'none'}, the chain at ${last.head ?? 'unknown'}`,
      output: outputOf('indexer'),
    });
  }
  if (!keeperAnswers(last)) {
    lagging.push({ problem: `the keeper's GET /health answers ${last.keeperStatus ?? 'nothing'}`, output: outputOf('keeper') });
  }
  throw new StepError(
    `not caught up within ${CAUGHT_UP_TIMEOUT_MS / 1000} s: ${lagging.map((l) => l.problem).join('; ')}`,
    lagging.map((l) => l.output).join('\n'),
  );
}

async function observe(config: StackConfig): Promise<Observation> {
  const head = await rpcCall(config.rpcUrl, 'eth_blockNumber');
  const [indexed, keeper] = await Promise.all([
    config.indexerPort === undefined ? undefined : indexedBlock(config.indexerPort, config.chainId),
    config.keeperPort === undefined ? undefined : keeperHealth(config.keeperPort),
  ]);
  return { head: head === undefined ? undefined : Number(head), indexed, keeperStatus: keeper?.status };
}

/** Ponder's GET /status: { <chain name>: { id, block: { number, timestamp } } }. */
async function indexedBlock(port: number, chainId: number): Promise<number | undefined> {
  const answer = await getJson(`http://127.0.0.1:${port}/status`);
  if (answer?.status !== 200 || typeof answer.body !== 'object' || answer.body === null) return undefined;
  const chains = Object.values(answer.body as Record<string, { id?: number; block?: { number?: number } }>);
  const number = chains.find((chain) => chain.id === chainId)?.block?.number;
  return typeof number === 'number' ? number : undefined;
}
