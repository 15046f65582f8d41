// The `necto` command line. Usage errors are one line naming the flag and exit 2.
import { ChainError, SendError } from '../chain/market.ts';
import { DecisionStoreError } from '../decision/store.ts';
import { ConfigError, readScanConfig } from '../scan.ts';
import { QUOTE_USAGE, UsageError } from './args.ts';
import { runAsk } from './ask-command.ts';
import { runCancel } from './cancel-command.ts';
import { runJobs } from './jobs-command.ts';
import { runKeeper } from './keeper-command.ts';
import { runOperator } from './operator-command.ts';
import { runQuote } from './quote-command.ts';
import { runRequest } from './request-command.ts';
import { runRoute } from './route-command.ts';
import { runServe } from './serve-command.ts';
import { runSources } from './sources-command.ts';
import { runVerify } from './verify-command.ts';

const USAGE = `Usage: necto <command> [options]

Commands:
  quote     price a job across every provider and pick the cheapest eligible offer
  sources   list the provider sources with their mode, URL and status
  route     route a requested on-chain job: quote, decide, store the record, post its root
  verify    check a decision (by job id or root) against its root, the chain and a replay
  keeper    the keeper service: routes every requested job, fails over, serves the API (KEEPER_API_PORT, 8788)
  ask       ask in words ("cheapest 8x H100 in the EU under $3/h for 6 hours"); needs GEMINI_API_KEY
  serve     the keeper HTTP API for decision records only: GET /decisions/:root, /health
  request   request a job and escrow its budget (own wallet, team treasury, or Untracked), then follow it
  jobs      list your jobs (or --all) with their status, price and next deadline
  cancel    cancel a job that has not started, with a full refund
  operator  a gateway operator's jobs on external networks: list, start, complete (--used SECONDS)

Environment: NECTO_PROVIDERS=snapshot|live (default snapshot), NECTO_SOURCE_TIMEOUT_MS (3000),
NECTO_<SOURCE>_URL to point a source elsewhere, and each source's API key (see the README).
route/verify: NECTO_RPC_URL (http://127.0.0.1:8545), KEEPER_PRIVATE_KEY (anvil's keeper locally),
NECTO_DECISION_STORE=local|0g, NECTO_DATA_DIR, ZG_INDEXER_RPC, ZG_EVM_RPC, ZG_PRIVATE_KEY.
request/jobs/cancel: NECTO_RPC_URL, NECTO_BUYER_KEY (the seeded buyer locally), KEEPER_URL.
operator: NECTO_RPC_URL, NECTO_OPERATOR_KEY (the seeded gateways' operator locally). Each
command's --help lists its flags.

${QUOTE_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  try {
    const config = readScanConfig();
    if (command === 'quote') return await runQuote(rest, config);
    if (command === 'sources') return await runSources(rest, config);
    if (command === 'route') return await runRoute(rest, config);
    if (command === 'verify') return await runVerify(rest, config);
    if (command === 'serve') return await runServe(rest, config);
    if (command === 'keeper') return await runKeeper(rest, config);
    if (command === 'ask') return await runAsk(rest, config);
    if (command === 'request') return await runRequest(rest, config);
    if (command === 'jobs') return await runJobs(rest, config);
    if (command === 'cancel') return await runCancel(rest, config);
    if (command === 'operator') return await runOperator(rest, config);
    throw new UsageError(`unknown command "${command}" (commands: quote, sources, route, verify, keeper, ask, serve, request, jobs, cancel, operator)`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`necto: ${error.message}\n`);
      return 2;
    }
    if (error instanceof ChainError || error instanceof SendError || error instanceof DecisionStoreError) {
      process.stderr.write(`necto: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
