// `necto ask "cheapest 8x H100 in the EU under $3/h for 6 hours, no spot"`: a language model turns
// the words into a spec, the engine chooses, and the answer cites the engine's decision. Needs a
// Gemini key (GEMINI_API_KEY or GOOGLE_API_KEY); without one it says so and exits 1.
import { NO_MODEL_MESSAGE, modelConfigured } from '../agent/config.ts';
import { connectMarket } from '../chain/market.ts';
import { createDecisionStore } from '../decision/store.ts';
import type { ScanConfig } from '../scan.ts';
import { readKeeperSettings } from '../service/keeper-config.ts';
import { sellerTrackRecords } from '../seller-track-records.ts';
import { ALL_SOURCES } from '../sources/index.ts';
import { UsageError } from './args.ts';

export const ASK_USAGE = 'usage: necto ask "<what you need, in words>" [--json]';

export async function runAsk(argv: string[], config: ScanConfig): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${ASK_USAGE}\n  e.g. necto ask "cheapest 8x H100 in the EU under $3/h for 6 hours, no spot"\n`);
    return 0;
  }
  const json = argv.includes('--json');
  const words = argv.filter((a) => a !== '--json');
  const question = words.join(' ').trim();
  if (!question) throw new UsageError(ASK_USAGE);
  if (!modelConfigured(config.env)) {
    process.stderr.write(`necto: ${NO_MODEL_MESSAGE}\n`);
    return 1;
  }
  const market = await connectMarket(config.env);
  const store = createDecisionStore(config.env);
  const [adk, { createAsker }, { createKeeperToolkit }, { ScanCache }, { ActivityLog }] = await Promise.all([
    import('@google/adk'),
    import('../agent/ask-agent.ts'),
    import('../service/toolkit.ts'),
    import('../service/scan-cache.ts'),
    import('../service/activity.ts'),
  ]);
  adk.setLogLevel(adk.LogLevel.WARN); // its info lines would corrupt --json
  const settings = readKeeperSettings(config.env);
  const scans = new ScanCache({ sources: ALL_SOURCES, config, ttlSec: settings.scanTtlSec });
  const toolkit = createKeeperToolkit({
    market,
    store,
    sources: ALL_SOURCES,
    config,
    settings,
    scans,
    activity: new ActivityLog(),
    keeperNote: () => 'asked from the CLI: no keeper service in this process',
    firstSeen: () => Date.now(),
    prepareQuotes: sellerTrackRecords(market),
  });
  try {
    const answer = await createAsker({ toolkit, env: config.env }).ask(question);
    if (json) process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    else if (answer.error) process.stderr.write(`necto: ${answer.error}\n`);
    else process.stdout.write(`${answer.answer}\n`);
    return answer.error ? 1 : 0;
  } finally {
    await scans.close();
  }
}
