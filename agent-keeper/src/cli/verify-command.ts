// `necto verify <jobId | root>`: fetch the record from the configured store, check it against its
// root and the chain, replay it, and print one line per check. Exit 1 on any failure.
import { connectMarket } from '../chain/market.ts';
import { createDecisionStore } from '../decision/store.ts';
import type { VerifyReport } from '../decision/verify.ts';
import type { ScanConfig } from '../scan.ts';
import { verifyTarget } from '../verify-target.ts';
import { UsageError } from './args.ts';

export async function runVerify(argv: string[], config: ScanConfig): Promise<number> {
  const json = argv.includes('--json');
  const [target, extra] = argv.filter((a) => a !== '--json');
  if (target === undefined || extra !== undefined || !/^(\d+|0x[0-9a-fA-F]{64})$/.test(target)) {
    throw new UsageError('usage: necto verify <jobId | 0x root> [--json]');
  }
  const store = createDecisionStore(config.env);
  const report = await verifyTarget(target, store, () => connectMarket(config.env));
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(`${human(report)}\n`);
  return report.ok ? 0 : 1;
}

function human(report: VerifyReport): string {
  const lines = [`Verifying decision ${report.root || '(none)'}`];
  for (const check of report.checks) lines.push(`  ${check.ok ? '✔' : '✘'} ${check.name.padEnd(12)} ${check.detail}`);
  lines.push(report.ok ? 'Verified: the decision is exactly what was committed, and it replays.' : 'NOT verified.');
  return lines.join('\n');
}
