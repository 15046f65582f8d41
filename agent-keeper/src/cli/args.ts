// `necto quote` flags: each bad value is a one-line UsageError naming the flag and what it accepts.
import { parseArgs } from 'node:util';
import { GPU_MODEL_IDS, resolveGpuModel } from '../gpu-models.ts';
import { MICRO } from '../normalize.ts';
import { AREAS, PRICING_MODELS } from '../quote.ts';
import type { Area, PricingModel } from '../quote.ts';
import { isArea } from '../regions.ts';

export class UsageError extends Error {}

export type QuoteArgs = {
  gpuModel: string;
  gpuCount: number;
  hours: number;
  minVramGb?: number;
  maxMicroUsdPerGpuHour?: number;
  countries: string[];
  areas: Area[];
  excludedPricingModels: PricingModel[];
  allowedProviders?: string[];
  all: boolean;
  json: boolean;
};

export const QUOTE_USAGE = `Usage: necto quote --gpu <model> [--count N] [--hours N] [--max-price USD] [--region R,...]
                   [--exclude fixed,spot,auction,token] [--min-vram GB] [--providers P,...] [--all] [--json]

  --gpu        GPU model, any common name: H100, "NVIDIA H100 80GB HBM3", A100-80G, RTX4090 (required)
  --count      GPUs for the job (default 1)
  --hours      hours the job runs (default 1)
  --max-price  highest acceptable price in USD per GPU-hour, e.g. 3.00
  --region     areas (${AREAS.join(', ')}) and/or ISO country codes (DE, US, ...), comma-separated
  --exclude    pricing models to refuse: ${PRICING_MODELS.join(', ')}
  --min-vram   minimum GPU memory in GB (default: the model's)
  --providers  only these providers (e.g. akash,runpod,necto:9): a team whitelist
  --all        also list the excluded quotes with their reasons
  --json       print the decision as JSON`;

export function parseQuoteArgs(argv: string[]): QuoteArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        gpu: { type: 'string' },
        count: { type: 'string' },
        hours: { type: 'string' },
        'max-price': { type: 'string' },
        region: { type: 'string' },
        exclude: { type: 'string' },
        'min-vram': { type: 'string' },
        providers: { type: 'string' },
        all: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional.*$/, ''));
  }
  const { values } = parsed;
  if (!values.gpu) throw new UsageError('--gpu is required (e.g. --gpu H100)');
  const gpuModel = resolveGpuModel(values.gpu);
  if (!gpuModel) {
    throw new UsageError(`--gpu: unknown GPU model "${values.gpu}" (known: ${GPU_MODEL_IDS.join(', ')})`);
  }
  const regions = list(values.region).map((r) => r.toUpperCase());
  const badRegion = regions.find((r) => !isArea(r) && !/^[A-Z]{2}$/.test(r));
  if (badRegion) {
    throw new UsageError(`--region: "${badRegion}" is neither an area (${AREAS.join(', ')}) nor an ISO country code`);
  }
  const excluded = list(values.exclude).map((p) => p.toLowerCase());
  const badModel = excluded.find((p) => !(PRICING_MODELS as readonly string[]).includes(p));
  if (badModel) throw new UsageError(`--exclude: "${badModel}" is not a pricing model (${PRICING_MODELS.join(', ')})`);
  const maxPrice = values['max-price'];
  return {
    gpuModel,
    gpuCount: wholeNumber('--count', values.count, 1),
    hours: wholeNumber('--hours', values.hours, 1),
    ...(values['min-vram'] !== undefined && { minVramGb: wholeNumber('--min-vram', values['min-vram'], 0) }),
    ...(maxPrice !== undefined && { maxMicroUsdPerGpuHour: dollars('--max-price', maxPrice) }),
    countries: regions.filter((r) => !isArea(r)),
    areas: regions.filter(isArea),
    excludedPricingModels: excluded as PricingModel[],
    ...(values.providers !== undefined && { allowedProviders: list(values.providers) }),
    all: values.all ?? false,
    json: values.json ?? false,
  };
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((v) => v.trim()).filter(Boolean);
}

function wholeNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < 1 || !Number.isSafeInteger(number)) {
    throw new UsageError(`${flag} must be a whole number of at least 1 (got "${value}")`);
  }
  return number;
}

function dollars(flag: string, value: string): number {
  const number = Number(value.replace(/^\$/, ''));
  if (!/^\$?\d+(\.\d+)?$/.test(value.trim()) || !(number > 0)) {
    throw new UsageError(`${flag} must be a price in USD per GPU-hour, e.g. 3.00 (got "${value}")`);
  }
  return Math.round(number * MICRO);
}
