// `necto verify <jobId | root>`: fetch the record from the configured store, check it against its
// root and the chain, replay it, and print one line per check. Exit 1 on any failure.
import { ChainError, connectMarket } from '../chain/market.ts';
import type { Market } from '../chain/market.ts';
import { decisionRoot } from '../decision/root.ts';
import { createDecisionStore } from '../decision/store.ts';
import { verifyDecision } from '../decision/verify.ts';
import type { Check, VerifyReport } from '../decision/verify.ts';
import type { ScanConfig } from '../scan.ts';
import { UsageError } from './args.ts';

export async function runVerify(argv: string[], config: ScanConfig): Promise<number> {
  const json = argv.includes('--json');
  const [target, extra] = argv.filter((a) => a !== '--json');
  if (target === undefined || extra !== undefined || !/^(\d+|0x[0-9a-fA-F]{64})$/.test(target)) {
    throw new UsageError('usage: necto verify <jobId | 0x root> [--json]');
  }
  const store = createDecisionStore(config.env);
  const report = await verify(target, store, config);
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(`${human(report)}\n`);
  return report.ok ? 0 : 1;
}

async function verify(
  target: string,
  store: ReturnType<typeof createDecisionStore>,
  config: ScanConfig,
): Promise<VerifyReport> {
  const failed = (root: string, check: Check): VerifyReport => ({ ok: false, root, checks: [check] });
  let market: Market | undefined;
  let root = target;
  if (/^\d+$/.test(target)) {
    market = await connectMarket(config.env);
    const job = await market.readJob(BigInt(target));
    if (/^0x0+$/.test(job.decisionRoot)) {
      const yet = job.status === 'Requested' ? ' yet' : '';
      return failed('', { name: 'job', ok: false, detail: `job ${target} is ${job.status}: no decision root on-chain${yet}` });
    }
    root = job.decisionRoot;
  }
  let bytes: Uint8Array;
  try {
    bytes = await store.get(root as `0x${string}`);
  } catch (error) {
    return failed(root, { name: 'fetch', ok: false, detail: `${(error as Error).message} (${store.describe()})` });
  }
  let chainJob;
  const recordJobId = jobIdIn(bytes);
  if (recordJobId !== undefined) {
    try {
      market ??= await connectMarket(config.env);
      chainJob = await market.readJob(BigInt(recordJobId));
    } catch (error) {
      if (!(error instanceof ChainError)) throw error;
    }
  }
  return verifyDecision({ root, bytes, computeRoot: decisionRoot, ...(chainJob && { chainJob }) });
}

/** The job a record names, read loosely: the verifier checks the record properly afterwards. */
function jobIdIn(bytes: Uint8Array): string | undefined {
  try {
    const id = (JSON.parse(new TextDecoder().decode(bytes)) as { job?: { jobId?: unknown } }).job?.jobId;
    return typeof id === 'string' && /^\d+$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

function human(report: VerifyReport): string {
  const lines = [`Verifying decision ${report.root || '(none)'}`];
  for (const check of report.checks) lines.push(`  ${check.ok ? '✔' : '✘'} ${check.name.padEnd(12)} ${check.detail}`);
  lines.push(report.ok ? 'Verified: the decision is exactly what was committed, and it replays.' : 'NOT verified.');
  return lines.join('\n');
}
