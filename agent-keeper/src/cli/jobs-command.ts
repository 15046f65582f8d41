// `necto jobs`: the buyer's jobs (controlled by the buyer's key, or by a job key file in the current
// directory), or every job with --all, one row each with the deadline that applies next.
import { connectBuyer } from '../chain/buyer.ts';
import type { Buyer } from '../chain/buyer.ts';
import type { OnchainJob } from '../chain/market.ts';
import { formatPrice } from '../normalize.ts';
import type { ScanConfig } from '../scan.ts';
import { JOBS_USAGE, parseJobsArgs } from './buyer-args.ts';
import { keyFilesIn } from './job-key-file.ts';
import { formatAge, renderTable } from './table.ts';

type Listed = OnchainJob & { requestedGpuModel: string; keyFile?: string };

export async function runJobs(argv: string[], config: ScanConfig): Promise<number> {
  const args = parseJobsArgs(argv);
  if (!args) {
    process.stdout.write(`${JOBS_USAGE}\n`);
    return 0;
  }
  const buyer = await connectBuyer(config.env);
  const keyFiles = keyFilesIn(process.cwd(), buyer.chainId, buyer.market);
  const keyFileOf = new Map(keyFiles.map(({ path, key }) => [key.address.toLowerCase(), path]));
  const jobs = await readAllJobs(buyer);
  const mine = args.all
    ? jobs
    : jobs.filter((job) => job.controller.toLowerCase() === buyer.address.toLowerCase() || keyFileOf.has(job.controller.toLowerCase()));
  const listed = await Promise.all(mine.map((job) => withDetails(buyer, job, keyFileOf.get(job.controller.toLowerCase()))));

  if (args.json) {
    process.stdout.write(`${JSON.stringify(listed, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
    return 0;
  }
  const whose = args.all ? 'every job' : `jobs of ${buyer.address}${keyFiles.length ? ` and of ${keyFiles.length} job key file(s) here` : ''}`;
  if (!listed.length) {
    process.stdout.write(`No ${args.all ? 'jobs' : 'jobs of yours'} on chain ${buyer.chainId} (market ${buyer.market}; ${whose}).\n`);
    return 0;
  }
  const now = await buyer.chainTime();
  process.stdout.write(`${jobsTable(listed, now)}\n\n${listed.length} job(s) on chain ${buyer.chainId}: ${whose}.\n`);
  return 0;
}

async function readAllJobs(buyer: Buyer): Promise<OnchainJob[]> {
  const count = Number(await buyer.jobCount());
  return Promise.all(Array.from({ length: count }, (_, i) => buyer.readJob(BigInt(i + 1))));
}

async function withDetails(buyer: Buyer, job: OnchainJob, keyFile: string | undefined): Promise<Listed> {
  const requestedGpuModel = job.gpuModel || (await buyer.requestedGpuModel(job.jobId)) || '?';
  return { ...job, requestedGpuModel, ...(keyFile && { keyFile }) };
}

export function jobsTable(jobs: Listed[], now: number): string {
  const header = ['ID', 'STATUS', 'MODE', 'GPU', 'HOURS', 'MAX $/GPU-H', 'PRICE', 'OFFER', 'NEXT DEADLINE'];
  const body = jobs.map((job) => [
    String(job.jobId),
    job.status,
    job.mode === 'Untracked' ? `Untracked${job.keyFile ? ' (key here)' : ''}` : job.teamId ? `Tracked, team ${job.teamId}` : 'Tracked',
    `${job.requestedGpuModel} x${job.gpuCount}`,
    String(job.hoursRequested),
    formatPrice(job.maxPricePerGpuHour),
    job.offerId ? formatPrice(job.pricePerGpuHour) : '-',
    job.offerId ? String(job.offerId) : '-',
    nextDeadline(job, now),
  ]);
  return renderTable(header, body);
}

/** What the job waits for and until when, relative to the chain's clock. */
export function nextDeadline(job: OnchainJob, now: number): string {
  const until = (at: number) => (at > now ? `in ${formatAge(at - now)}` : `passed ${formatAge(now - at)} ago`);
  if (job.status === 'Routed') {
    if (job.reviewEndsAt > now) return `review ends ${until(job.reviewEndsAt)}`;
    return `start ${until(job.startDeadline)}`;
  }
  if (job.status === 'Started') return `complete ${until(job.completionDeadline)}`;
  if (job.status === 'Requested') return 'awaiting route';
  return '-';
}
