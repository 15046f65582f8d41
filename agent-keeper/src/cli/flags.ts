// Flag parsing shared by the commands: node:util's parser, strict, with its errors as one-line
// UsageErrors, and the job id every job command takes.
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './args.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: withNegativeValues(argv, options), options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional.*$/s, '').replace(/\.$/, ''));
  }
}

/** The one job id of `command`'s positionals; `usage` is how the command is called. */
export function jobIdArg(positionals: readonly string[], command: string, usage: string): bigint {
  const [job, extra] = positionals;
  if (job === undefined) throw new UsageError(`${command} needs a job id: ${usage}`);
  if (extra !== undefined) throw new UsageError(`${command} takes one job id (got "${job}" and "${extra}")`);
  if (!/^\d+$/.test(job) || BigInt(job) === 0n) throw new UsageError(`<job> must be a job id, a whole number of at least 1 (got "${job}")`);
  return BigInt(job);
}

/** `--count -3` as `--count=-3`, so the flag's own check names it and the value, instead of
 *  node:util reading -3 as an option. */
function withNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}
