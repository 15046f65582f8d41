// `necto operator`: what a gateway operator does for the networks whose deploy API is not wired
// yet (RunPod, Lambda, Vast, Shadeform, io.net, Nosana, AWS Spot, Render). A job routed to one of its
// gateway offers is "awaiting operator": it runs it on that network, then reports it here.
import { usdc } from '../chain/buyer-errors.ts';
import { ChainError } from '../chain/errors.ts';
import { connectOperator } from '../chain/operator.ts';
import type { Operator } from '../chain/operator.ts';
import { operatorQueue } from '../gateways/operator-queue.ts';
import type { OperatorTask } from '../gateways/operator-queue.ts';
import type { ScanConfig } from '../scan.ts';
import { isoTime } from '../time.ts';
import { UsageError } from './args.ts';
import { jobIdArg, parseFlags } from './flags.ts';

export const OPERATOR_USAGE = `Usage: necto operator <jobs|start|complete> [options]

  jobs [--network NAME] [--json]      jobs on your gateways' offers: awaiting review, start or completion
  start <job>                         report that the job runs on its network (after its review window)
  complete <job> --used SECONDS       report the seconds it used and settle it from escrow

Environment: NECTO_RPC_URL (http://127.0.0.1:8545), NECTO_OPERATOR_KEY (the gateways' operator;
anvil's account 0 on the local chain), NECTO_MARKET_ADDRESS.`;

const ACTION_WORDS: Record<OperatorTask['action'], string> = {
  review: 'in review until',
  start: 'awaiting operator: start by',
  complete: 'running: complete by',
};

export async function runOperator(argv: string[], config: ScanConfig): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(`${OPERATOR_USAGE}\n`);
    return sub ? 0 : 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${OPERATOR_USAGE}\n`);
    return 0;
  }
  if (sub === 'jobs') {
    const { values } = parseFlags(rest, { network: { type: 'string' }, json: { type: 'boolean' } });
    return jobs({ network: values.network, json: values.json === true }, config);
  }
  if (sub === 'start') {
    const { positionals } = parseFlags(rest, {}, true);
    const jobId = jobIdArg(positionals, 'start', 'necto operator start <job>');
    const operator = await connectOperator(config.env);
    await mustBeOperatorsJob(operator, jobId);
    const hash = await operator.start(jobId);
    process.stdout.write(`Job ${jobId} started: it is running, report its use with \`necto operator complete ${jobId} --used SECONDS\`.\n  transaction ${hash}\n`);
    return 0;
  }
  if (sub === 'complete') {
    const { values, positionals } = parseFlags(rest, { used: { type: 'string' } }, true);
    const jobId = jobIdArg(positionals, 'complete', 'necto operator complete <job> --used SECONDS');
    const used = values.used;
    if (used === undefined) throw new UsageError('complete needs --used SECONDS: the seconds the job ran (at most its booked hours)');
    if (!/^\d+$/.test(used) || Number(used) > 0xffffffff) throw new UsageError(`--used must be a whole number of seconds (got "${used}")`);
    const operator = await connectOperator(config.env);
    await mustBeOperatorsJob(operator, jobId);
    const settled = await operator.complete(jobId, Number(used));
    process.stdout.write(
      `Job ${jobId} completed after ${settled.usedSeconds} s: ${usdc(settled.providerEarnings)} earned by ${settled.payout}` +
        `${settled.protocolFee ? ` (fee ${usdc(settled.protocolFee)})` : ''}, ${usdc(settled.buyerRefundDue)} back to the buyer.\n  transaction ${settled.txHash}\n`,
    );
    return 0;
  }
  throw new UsageError(`unknown operator command "${sub}" (jobs, start, complete)`);
}

async function jobs(values: { network: string | undefined; json: boolean }, config: ScanConfig): Promise<number> {
  const operator = await connectOperator(config.env);
  const [all, offers, gateways, now] = await Promise.all([operator.jobs(), operator.offers(), operator.gateways(), operator.chainTime()]);
  if (values.network && !gateways.some((g) => g.sourceTag === values.network)) {
    throw new UsageError(`--network: ${operator.address} operates no "${values.network}" gateway (it operates: ${gateways.map((g) => g.sourceTag).join(', ') || 'none'})`);
  }
  const tasks = operatorQueue(all, offers, gateways, now).filter((t) => !values.network || t.network === values.network);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(tasks.map((t) => ({ ...t, jobId: String(t.jobId), until: isoTime(t.until) })), null, 2)}\n`);
    return 0;
  }
  if (!tasks.length) {
    process.stdout.write(`No job waits for ${operator.address} on ${gateways.length} gateway${gateways.length === 1 ? '' : 's'} (${gateways.map((g) => g.sourceTag).join(', ')}).\n`);
    return 0;
  }
  for (const t of tasks) {
    const max = t.maxUsedSeconds !== undefined ? ` (--used at most ${t.maxUsedSeconds} now)` : '';
    process.stdout.write(`job ${t.jobId}  ${t.network.padEnd(9)} offer ${t.offerId}  ${t.gpus}  ${ACTION_WORDS[t.action]} ${isoTime(t.until)}${max}\n`);
  }
  return 0;
}

/** A job that is not on this operator's gateways is refused before anything is simulated. */
async function mustBeOperatorsJob(operator: Operator, jobId: bigint): Promise<void> {
  const [job, offers, gateways] = await Promise.all([operator.job(jobId), operator.offers(), operator.gateways()]);
  const offer = offers.find((o) => o.offerId === job.offerId);
  if (!offer) throw new ChainError(`job ${jobId} is ${job.status}: it is not routed to any offer`);
  if (!gateways.some((g) => g.providerId === offer.providerId)) {
    throw new ChainError(`job ${jobId} runs on offer ${offer.offerId}, which is not on a gateway ${operator.address} operates`);
  }
}
