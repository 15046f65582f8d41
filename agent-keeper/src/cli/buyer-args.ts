// Flags of the buyer's commands (request, jobs, cancel). Each bad value is a one-line UsageError
// naming the flag; amounts are parsed from their digits, never through a float.
import { ONCHAIN_AREAS } from '../chain/job-request.ts';
import type { JobTerms, OnchainArea } from '../chain/job-request.ts';
import { ONCHAIN_PRICING } from '../chain/offers.ts';
import { UNSET_WORKLOAD, parseWorkload } from '../chain/workload.ts';
import type { OnchainPricing } from '../chain/offers.ts';
import { GPU_MODEL_IDS, memoryOf, resolveGpuModel } from '../gpu-models.ts';
import { UsageError } from './args.ts';
import { jobIdArg, parseFlags as parse } from './flags.ts';

export const REQUEST_USAGE = `Usage: necto request --gpu <model> --count N --hours N --max-price USD [options]

  --gpu         GPU model, any common name: H100, A100-80G, "RTX 4090" (required)
  --count       GPUs (required)
  --hours       whole hours the job runs (required)
  --max-price   the most you pay in USD per GPU-hour, e.g. 3.00 (required); the deposit is
                max price x GPUs x hours, escrowed in USDC when the job is requested
  --untracked   no buyer identity on-chain: a fresh job key controls the job; it is written to a
                file (mode 0600) before anything is sent
  --key-file    where --untracked writes the job key (default ./necto-job-key-<address>.json)
  --team        a team id: the deposit comes from the team's treasury (Tracked only)
  --review      seconds after routing before the job may start, to check the decision and cancel
                for free (0 to 3600, default 0)
  --region      an area (${ONCHAIN_AREAS.filter(Boolean).join(', ')}) and/or one ISO country code (DE, US, ...), comma-separated
  --min-vram    minimum GPU memory in GB (default: the model's)
  --exclude     pricing models to refuse: ${ONCHAIN_PRICING.map((p) => p.toLowerCase()).join(', ')}
  --reroute     let the keeper move the routed job to a markedly cheaper offer or fail it over
  --workload    what the provider runs: oci://<image>, a data:application/json workload manifest
                (README: "The workload") or necto:unset (the default)
  --no-follow   print the job id and exit instead of following the keeper until the job is routed
  --wait        seconds to wait for the route (default 60)
  --json        print the outcome as JSON (progress goes to stderr)

Environment: NECTO_RPC_URL (http://127.0.0.1:8545), NECTO_BUYER_KEY (the seeded buyer on chain
31337), NECTO_MARKET_ADDRESS, KEEPER_URL (http://127.0.0.1:$KEEPER_API_PORT, 8788).`;

export const JOBS_USAGE = `Usage: necto jobs [--all] [--json]

  Lists your jobs: those you control (NECTO_BUYER_KEY, the seeded buyer on chain 31337) and the
  Untracked jobs whose key files (necto-job-key-*.json) are in the current directory.
  --all   every job on the market
  --json  print the jobs as JSON`;

export const CANCEL_USAGE = `Usage: necto cancel <job> [--key-file PATH] [--json]

  Cancels a job that has not started; the whole deposit is refunded (to your wallet, or to the
  team's treasury for a team job). An Untracked job is cancelled with its job key, found among the
  key files in the current directory or given with --key-file; the key signs, you send and receive
  the refund, so the key needs no ETH.`;

export const DEFAULT_WORKLOAD = UNSET_WORKLOAD;
const MAX_REVIEW_SECONDS = 3600;
const MAX_UINT16 = 65_535;
const MAX_UINT32 = 4_294_967_295;
/** The market stores max prices in 40 bits of micro-USD. */
const MAX_MICRO_USD = 2n ** 40n - 1n;

export type RequestArgs = {
  terms: Omit<JobTerms, 'jobKey'>;
  untracked: boolean;
  keyFile?: string;
  follow: boolean;
  waitSeconds: number;
  json: boolean;
};

/** null when the user asked for --help. */
export function parseRequestArgs(argv: string[]): RequestArgs | null {
  const { values } = parse(argv, {
    gpu: { type: 'string' },
    count: { type: 'string' },
    hours: { type: 'string' },
    'max-price': { type: 'string' },
    untracked: { type: 'boolean' },
    'key-file': { type: 'string' },
    team: { type: 'string' },
    review: { type: 'string' },
    region: { type: 'string' },
    'min-vram': { type: 'string' },
    exclude: { type: 'string' },
    reroute: { type: 'boolean' },
    workload: { type: 'string' },
    'no-follow': { type: 'boolean' },
    wait: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return null;
  for (const flag of ['gpu', 'count', 'hours', 'max-price'] as const) {
    if (values[flag] === undefined) throw new UsageError(`--${flag} is required (e.g. necto request --gpu H100 --count 8 --hours 6 --max-price 3.00)`);
  }
  const gpuName = values.gpu as string;
  const gpuModel = resolveGpuModel(gpuName);
  if (!gpuModel) throw new UsageError(`--gpu: unknown GPU model "${gpuName}" (known: ${GPU_MODEL_IDS.join(', ')})`);
  const untracked = values.untracked === true;
  const teamId = values.team === undefined ? 0 : whole('--team', values.team, 1, MAX_UINT32);
  if (untracked && teamId) throw new UsageError('--team cannot be combined with --untracked: team jobs are Tracked, drawn on the team treasury');
  if (values['key-file'] !== undefined && !untracked) throw new UsageError('--key-file goes with --untracked (a Tracked job is controlled by your own key)');
  const workloadURI = values.workload ?? DEFAULT_WORKLOAD;
  const workload = parseWorkload(workloadURI);
  if (!workload.ok) throw new UsageError(`--workload: ${workload.reason}`);
  return {
    terms: {
      gpuModel,
      gpuCount: whole('--count', values.count as string, 1, MAX_UINT16),
      hours: whole('--hours', values.hours as string, 1, MAX_UINT16),
      maxPricePerGpuHour: microUsd('--max-price', values['max-price'] as string),
      minVramGb: values['min-vram'] === undefined ? memoryOf(gpuModel) : whole('--min-vram', values['min-vram'], 0, MAX_UINT16),
      ...regionOf(values.region),
      excludedPricing: pricingModels(values.exclude),
      workloadURI,
      reviewSeconds: values.review === undefined ? 0 : whole('--review', values.review, 0, MAX_REVIEW_SECONDS),
      rerouteOptIn: values.reroute === true,
      teamId,
    },
    untracked,
    ...(values['key-file'] !== undefined && { keyFile: values['key-file'] }),
    follow: values['no-follow'] !== true,
    waitSeconds: values.wait === undefined ? 60 : whole('--wait', values.wait, 1, 86_400),
    json: values.json === true,
  };
}

export type JobsArgs = { all: boolean; json: boolean };

export function parseJobsArgs(argv: string[]): JobsArgs | null {
  const { values } = parse(argv, {
    all: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return null;
  return { all: values.all === true, json: values.json === true };
}

export type CancelArgs = { jobId: bigint; keyFile?: string; json: boolean };

export function parseCancelArgs(argv: string[]): CancelArgs | null {
  const { values, positionals } = parse(
    argv,
    { 'key-file': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values.help) return null;
  const jobId = jobIdArg(positionals, 'cancel', 'necto cancel <job> [--key-file PATH]');
  return { jobId, ...(values['key-file'] !== undefined && { keyFile: values['key-file'] }), json: values.json === true };
}

function whole(flag: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got "${value}")`);
  }
  return number;
}

/** "3", "3.00", "$2.999999" -> micro-USD, exactly; more than 6 decimals is refused, not rounded. */
export function microUsd(flag: string, value: string): bigint {
  const match = /^\$?(\d+)(?:\.(\d{1,6}))?$/.exec(value.trim());
  const micro = match ? BigInt(match[1] as string) * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0') || '0') : 0n;
  if (!match || micro === 0n || micro > MAX_MICRO_USD) {
    throw new UsageError(`${flag} must be a price in USD per GPU-hour above 0 with at most 6 decimals, e.g. 3.00 (got "${value}")`);
  }
  return micro;
}

/** The chain holds one country and one area per job. */
function regionOf(value: string | undefined): { country?: string; area?: OnchainArea } {
  const parts = list(value).map((r) => r.toUpperCase());
  const areas = parts.filter((p): p is OnchainArea => (ONCHAIN_AREAS as readonly (string | undefined)[]).includes(p));
  const countries = parts.filter((p) => !areas.includes(p as OnchainArea));
  const bad = countries.find((c) => !/^[A-Z]{2}$/.test(c));
  if (bad) throw new UsageError(`--region: "${bad}" is neither an area (${ONCHAIN_AREAS.filter(Boolean).join(', ')}) nor an ISO country code`);
  if (areas.length > 1 || countries.length > 1) {
    throw new UsageError(`--region: a job names at most one area and one country (got ${parts.join(', ')})`);
  }
  return { ...(countries[0] && { country: countries[0] }), ...(areas[0] && { area: areas[0] }) };
}

function pricingModels(value: string | undefined): OnchainPricing[] {
  const names = list(value).map((p) => p.toLowerCase());
  const models = names.map((name) => ONCHAIN_PRICING.find((p) => p.toLowerCase() === name));
  const badIndex = models.indexOf(undefined);
  if (badIndex >= 0) {
    throw new UsageError(`--exclude: "${names[badIndex]}" is not a pricing model (${ONCHAIN_PRICING.map((p) => p.toLowerCase()).join(', ')})`);
  }
  return [...new Set(models as OnchainPricing[])];
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((v) => v.trim()).filter(Boolean);
}
