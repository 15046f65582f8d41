// `necto cancel <job>`: cancels a job before it starts. A Tracked job as its buyer; an Untracked job
// with its job key, which signs a cancel paying the refund to the buyer, who sends it (the key never
// needs ETH, and never appears as a sender on-chain).
import { connectBuyer } from '../chain/buyer.ts';
import { usdc } from '../chain/buyer-errors.ts';
import { ChainError } from '../chain/market.ts';
import type { OnchainJob } from '../chain/market.ts';
import type { ScanConfig } from '../scan.ts';
import { CANCEL_USAGE, parseCancelArgs } from './buyer-args.ts';
import { keyFilesIn, readKeyFile } from './job-key-file.ts';
import type { JobKeyFile } from '../chain/job-key.ts';

export async function runCancel(argv: string[], config: ScanConfig): Promise<number> {
  const args = parseCancelArgs(argv);
  if (!args) {
    process.stdout.write(`${CANCEL_USAGE}\n`);
    return 0;
  }
  const buyer = await connectBuyer(config.env);
  const job = await buyer.readJob(args.jobId);
  const key = job.mode === 'Untracked' ? jobKeyFor(job, args.keyFile, buyer.chainId, buyer.market) : undefined;
  if (!key && args.keyFile) {
    throw new ChainError(`job ${job.jobId} is Tracked: its buyer cancels it, no job key needed (drop --key-file)`);
  }
  const outcome = await buyer.cancel(args.jobId, key?.key.privateKey);
  const to = job.teamId ? `credited to team ${job.teamId}'s treasury` : `paid to ${buyer.address}`;
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ jobId: String(outcome.jobId), from: outcome.from, refund: String(outcome.refund), txHash: outcome.txHash, via: outcome.via, teamId: job.teamId, recipient: job.teamId ? null : buyer.address }, null, 2)}\n`,
    );
    return 0;
  }
  const signed = key ? `, signed by the job key in ${key.path}` : '';
  process.stdout.write(`Job ${outcome.jobId} cancelled (was ${outcome.from}${signed}): refund ${usdc(outcome.refund)} ${to}.\n`);
  process.stdout.write(`  transaction ${outcome.txHash}\n`);
  return 0;
}

/** The key that controls an Untracked job: the file given, or the one in the current directory. */
function jobKeyFor(job: OnchainJob, keyFile: string | undefined, chainId: number, market: `0x${string}`): { path: string; key: JobKeyFile } {
  const controller = job.controller.toLowerCase();
  if (keyFile) {
    const key = readKeyFile(keyFile);
    if (key.address.toLowerCase() !== controller) {
      throw new ChainError(`the key in ${keyFile} is ${key.address}, but job ${job.jobId} is controlled by ${job.controller}`);
    }
    return { path: keyFile, key };
  }
  const found = keyFilesIn(process.cwd(), chainId, market).find(({ key }) => key.address.toLowerCase() === controller);
  if (!found) {
    throw new ChainError(
      `job ${job.jobId} is Untracked and controlled by job key ${job.controller}: pass its key file with --key-file PATH ` +
        '(none in the current directory holds it)',
    );
  }
  return found;
}
