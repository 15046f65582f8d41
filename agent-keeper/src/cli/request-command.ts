// `necto request`: escrow a job's maximum budget and follow it until the keeper routes it.
// With --untracked the job key is on disk before anything is sent, so no mined job is ever left
// without the only key that controls it.
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { connectBuyer } from '../chain/buyer.ts';
import type { Buyer, Funding } from '../chain/buyer.ts';
import { depositFor } from '../chain/job-request.ts';
import type { JobTerms } from '../chain/job-request.ts';
import { usdc } from '../chain/buyer-errors.ts';
import { ChainError } from '../chain/market.ts';
import type { OnchainJob } from '../chain/market.ts';
import { formatPrice } from '../normalize.ts';
import type { ScanConfig } from '../scan.ts';
import { isoTime } from '../time.ts';
import { REQUEST_USAGE, parseRequestArgs } from './buyer-args.ts';
import { followJob, keeperUrl } from './follow-job.ts';
import { KEY_WARNING } from '../chain/job-key.ts';
import { annotateKeyFile, defaultKeyFilePath, writeNewKeyFile } from './job-key-file.ts';

const FUNDING: Record<Funding, string> = {
  permit: 'your wallet, approved by EIP-2612 permit in the same transaction',
  approve: 'your wallet, after an approve transaction (the token takes no permit)',
  team: 'the team treasury',
};

export async function runRequest(argv: string[], config: ScanConfig): Promise<number> {
  const args = parseRequestArgs(argv);
  if (!args) {
    process.stdout.write(`${REQUEST_USAGE}\n`);
    return 0;
  }
  // With --json, stdout carries the JSON alone.
  const say = (line: string) => (args.json ? process.stderr : process.stdout).write(`${line}\n`);
  const buyer = await connectBuyer(config.env);

  const privateKey = args.untracked ? generatePrivateKey() : undefined;
  const key = privateKey && { privateKey, account: privateKeyToAccount(privateKey) };
  const terms: JobTerms = { ...args.terms, ...(key && { jobKey: key.account.address }) };
  const deposit = depositFor(terms);
  say(describeTerms(terms, buyer));
  say(
    `Deposit: ${usdc(deposit)} (${formatPrice(Number(terms.maxPricePerGpuHour))} x ${terms.gpuCount} GPUs x ${terms.hours} h), ` +
      `from ${terms.teamId ? `team ${terms.teamId}'s treasury` : buyer.address}`,
  );

  const prepared = await buyer.prepareRequest(terms);
  let keyFile: string | undefined;
  if (key) {
    keyFile = args.keyFile ?? defaultKeyFilePath(key.account.address);
    writeNewKeyFile(keyFile, {
      warning: KEY_WARNING,
      privateKey: key.privateKey,
      address: key.account.address,
      chainId: buyer.chainId,
      market: buyer.market,
      createdAt: new Date().toISOString(),
    });
    say(`Job key ${key.account.address} written to ${keyFile} (mode 0600).`);
    say('  It alone controls the job: keep it secret and keep it until the job is settled (necto cancel uses it).');
  }
  say(`Funding from ${FUNDING[prepared.funding]}; sending the request...`);
  const sent = await prepared.send().catch((error: unknown) => {
    if (keyFile && error instanceof ChainError) {
      throw new ChainError(`${error.message} (the job key stays in ${keyFile}: keep it until you know no job of it was mined)`);
    }
    throw error;
  });
  say(`Job ${sent.jobId} requested (transaction ${sent.txHash}, block ${sent.block}): ${usdc(prepared.deposit)} escrowed.`);
  if (keyFile) {
    try {
      annotateKeyFile(keyFile, { jobId: String(sent.jobId), requestTx: sent.txHash });
    } catch (error) {
      say(`Could not add the job id to ${keyFile} (${(error as Error).message}): the key in it still controls job ${sent.jobId}.`);
    }
  }

  const summary = {
    jobId: String(sent.jobId),
    txHash: sent.txHash,
    mode: key ? 'Untracked' : 'Tracked',
    controller: key?.account.address ?? buyer.address,
    teamId: terms.teamId,
    deposit: String(prepared.deposit),
    funding: prepared.funding,
    ...(keyFile && { keyFile }),
  };
  if (!args.follow) {
    if (args.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }

  const { job, lastMessage } = await followJob(sent.jobId, {
    keeperUrl: keeperUrl(config.env),
    waitSeconds: args.waitSeconds,
    readJob: () => buyer.readJob(sent.jobId),
    print: say,
  });
  if (args.json) process.stdout.write(`${JSON.stringify({ ...summary, outcome: outcomeJson(job) }, null, 2)}\n`);
  if (job.status === 'Requested') {
    process.stderr.write(
      `necto: job ${sent.jobId} is still Requested after ${args.waitSeconds} s: ` +
        `${lastMessage ? `the keeper's last word: "${lastMessage}"` : 'no keeper routed it yet'}. ` +
        `It stays open; wait with a longer --wait or cancel it with \`necto cancel ${sent.jobId}${keyFile ? ` --key-file ${keyFile}` : ''}\`\n`,
    );
    return 1;
  }
  say(outcomeLine(job));
  // Unroutable, Refunded (a team job found no offer) or Cancelled: the job will not run.
  return job.status === 'Routed' || job.status === 'Started' || job.status === 'Completed' ? 0 : 1;
}

function describeTerms(terms: JobTerms, buyer: Buyer): string {
  const where = [terms.area, terms.country].filter(Boolean).join('/') || 'any region';
  const excluded = terms.excludedPricing.length ? `, excluding ${terms.excludedPricing.join(', ').toLowerCase()}` : '';
  const mode = terms.jobKey ? 'Untracked' : terms.teamId ? `Tracked, team ${terms.teamId}` : 'Tracked';
  const review = terms.reviewSeconds ? `, ${terms.reviewSeconds} s review window` : '';
  return (
    `Requesting ${terms.gpuCount}x ${terms.gpuModel} (>= ${terms.minVramGb} GB) for ${terms.hours} h at up to ` +
    `${formatPrice(Number(terms.maxPricePerGpuHour))}/GPU-h in ${where}${excluded}${review} (${mode}) ` +
    `on chain ${buyer.chainId}, market ${buyer.market}`
  );
}

/** Where the job stands once it left Requested. */
export function outcomeLine(job: OnchainJob): string {
  const id = `Job ${job.jobId}`;
  const root = /^0x0*$/.test(job.decisionRoot) ? '' : `, decision ${job.decisionRoot}`;
  switch (job.status) {
    case 'Routed': {
      const review = job.reviewSeconds ? `review window until ${isoTime(job.reviewEndsAt)} (cancel for free until then), ` : '';
      return `${id} routed to offer ${job.offerId} at ${formatPrice(job.pricePerGpuHour)}/GPU-h${root}; ${review}the provider must start it by ${isoTime(job.startDeadline)}.`;
    }
    case 'Unroutable':
      return `${id} is Unroutable: no offer satisfies it${root}. Its deposit is refundable (claimRefund).`;
    case 'Refunded':
      return `${id} is Refunded${root}: no offer satisfied it and the deposit went back.`;
    case 'Cancelled':
      return `${id} was cancelled before it was routed; its deposit was refunded.`;
    default:
      return `${id} is ${job.status}${job.offerId ? ` on offer ${job.offerId} at ${formatPrice(job.pricePerGpuHour)}/GPU-h` : ''}${root}.`;
  }
}

function outcomeJson(job: OnchainJob) {
  return {
    status: job.status,
    offerId: job.offerId,
    pricePerGpuHour: job.pricePerGpuHour,
    decisionRoot: job.decisionRoot,
    reviewEndsAt: job.reviewEndsAt,
    startDeadline: job.startDeadline,
  };
}
