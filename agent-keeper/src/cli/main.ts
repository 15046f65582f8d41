// The `necto` command line. Usage errors are one line naming the flag and exit 2.
import { ConfigError, readScanConfig } from '../scan.ts';
import { QUOTE_USAGE, UsageError } from './args.ts';
import { runQuote } from './quote-command.ts';
import { runSources } from './sources-command.ts';

const USAGE = `Usage: necto <command> [options]

Commands:
  quote     price a job across every provider and pick the cheapest eligible offer
  sources   list the provider sources with their mode, URL and status

Environment: NECTO_PROVIDERS=snapshot|live (default snapshot), NECTO_SOURCE_TIMEOUT_MS (3000),
NECTO_<SOURCE>_URL to point a source elsewhere, and each source's API key (see the README).

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
    throw new UsageError(`unknown command "${command}" (commands: quote, sources)`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`necto: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
