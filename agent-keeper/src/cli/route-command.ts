// `necto route <jobId>`: the keeper's atomic action on one job, with progress on stderr.
import { connectMarket } from '../chain/market.ts';
import type { OnchainJob } from '../chain/market.ts';
import { createDecisionStore } from '../decision/store.ts';
import { formatPrice } from '../normalize.ts';
import { routeJob } from '../route-job.ts';
import { sellerTrackRecords } from '../seller-track-records.ts';
import type { ScanConfig, SourceStatus } from '../scan.ts';
import { ALL_SOURCES } from '../sources/index.ts';
import { isoTime } from '../time.ts';
import { UsageError } from './args.ts';

export async function runRoute(argv: string[], config: ScanConfig): Promise<number> {
  const json = argv.includes('--json');
  const jobId = parseJobId(argv.filter((a) => a !== '--json'));
  const market = await connectMarket(config.env);
  const store = createDecisionStore(config.env);
  process.stderr.write(`Routing job ${jobId} on chain ${market.chainId} (market ${market.address}, keeper ${market.keeper})\n`);
  process.stderr.write(`Decision records go to ${store.describe()}\n`);
  const outcome = await routeJob(jobId, {
    market,
    store,
    sources: ALL_SOURCES,
    config,
    prepareQuotes: sellerTrackRecords(market),
    onSourceDone: (s: SourceStatus) =>
      process.stderr.write(`Scanning ${s.label}... ${s.status === 'ok' ? `${s.quotes} offers, ${s.ms} ms` : `${s.status}: ${s.reason}`}\n`),
  });
  if (json) {
    const { record: _record, ...rest } = outcome as typeof outcome & { record?: unknown };
    process.stdout.write(`${JSON.stringify(rest, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
    return outcome.status === 'routed' || outcome.status === 'unroutable' ? 0 : 1;
  }
  if (outcome.status === 'not-waiting') {
    process.stdout.write(`Job ${jobId} is ${outcome.job.status}, not waiting for a route${where(outcome.job)}: nothing sent.\n`);
    return 1;
  }
  if (outcome.status === 'refused' || outcome.status === 'no-offer') {
    process.stdout.write(`Job ${jobId} was not routed: ${outcome.status === 'refused' ? outcome.reason : 'no eligible offer'}; nothing sent.\n`);
    return 1;
  }
  const { record } = outcome;
  if (outcome.status === 'routed' && record.chosen) {
    const c = record.chosen;
    process.stdout.write(
      `Job ${jobId} routed to on-chain offer ${c.onchainOfferId} (${c.source} ${c.offerId}) at ${formatPrice(c.pricePerGpuHour)}/GPU-h\n`,
    );
  } else {
    process.stdout.write(`Job ${jobId} marked unroutable: ${record.noEligibleOffer ?? 'no eligible offer'}\n`);
  }
  process.stdout.write(`  decision root ${outcome.root} (${record.quotes.length} quotes, ${record.ranking.length} eligible)\n`);
  process.stdout.write(`  transaction   ${outcome.txHash}\n`);
  return 0;
}

/** Where a job that is past routing stands: its offer, root and the deadline that applies. */
function where(job: OnchainJob): string {
  const parts: string[] = [];
  if (job.offerId) parts.push(`offer ${job.offerId} at ${formatPrice(job.pricePerGpuHour)}/GPU-h`);
  if (!/^0x0*$/.test(job.decisionRoot)) parts.push(`root ${job.decisionRoot}`);
  if (job.status === 'Routed') parts.push(`review ends ${isoTime(job.reviewEndsAt)}, start by ${isoTime(job.startDeadline)}`);
  if (job.status === 'Started') parts.push(`started ${isoTime(job.startedAt)}, complete by ${isoTime(job.completionDeadline)}`);
  if (job.status === 'Expired') {
    parts.push(job.startedAt ? `not completed by ${isoTime(job.completionDeadline)}` : `not started by ${isoTime(job.startDeadline)}`);
  }
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function parseJobId(args: string[]): bigint {
  const [value, extra] = args;
  if (value === undefined || extra !== undefined || !/^\d+$/.test(value) || BigInt(value) === 0n) {
    throw new UsageError('usage: necto route <jobId> [--json]  (jobId: a job number, e.g. 1)');
  }
  return BigInt(value);
}
