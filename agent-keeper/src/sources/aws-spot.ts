// AWS EC2 Spot: DescribeSpotPriceHistory through the official SDK client, one client per region
// (NECTO_AWS_REGIONS). With StartTime = now EC2 answers, per instance type and AZ, the last price
// change before now: the price in effect. Rows are history, in no guaranteed order, so the latest
// Timestamp per (instance type, AZ) wins. SpotPrice is a string, USD per instance-hour; the GPU
// count comes from the instance table (aws-instance-types.ts). A spot price is not capacity.
import { DescribeSpotPriceHistoryCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { _InstanceType } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { memoryOf } from '../gpu-models.ts';
import { readAmount, usdPerUnitHour } from '../normalize.ts';
import type { Quote, Rejection } from '../quote.ts';
import { regionOfCloudRegion } from '../regions.ts';
import { GPU_INSTANCE_TYPES, gpuOfInstanceType } from './aws-instance-types.ts';
import { parseResponse } from './http.ts';
import { SourceError } from './source.ts';
import type { Source, SourceContext, SourceResult } from './source.ts';

export const DEFAULT_AWS_REGIONS: readonly string[] = ['us-east-1', 'us-west-2', 'eu-central-1'];
/** Stands for the SDK's own per-region endpoint; any other base URL is an endpoint override. */
const LIVE_BASE_URL = 'https://ec2.{region}.amazonaws.com';
const PRODUCT = 'Linux/UNIX';
/** Pages per region before we call it a pagination loop (1000 rows a page, ~60 types x ~6 AZs). */
const MAX_PAGES = 20;
/** Snapshot mode talks to the local snapshot server, which checks no signature: never send real keys there. */
const SNAPSHOT_CREDENTIALS = { accessKeyId: 'NECTOSNAPSHOTKEY', secretAccessKey: 'necto-snapshot-mode' };

const SpotPriceHistoryPage = z.object({
  SpotPriceHistory: z
    .array(
      // Per-row fields stay optional: a row missing one is rejected alone, not the whole page.
      z.object({
        AvailabilityZone: z.string().optional(),
        InstanceType: z.string().optional(),
        ProductDescription: z.string().optional(),
        SpotPrice: z.unknown().optional(),
        Timestamp: z.date().optional(),
      }),
    )
    .optional(),
  NextToken: z.string().optional(),
});
type PageRow = NonNullable<z.infer<typeof SpotPriceHistoryPage>['SpotPriceHistory']>[number];
type SpotRow = PageRow & { AvailabilityZone: string; InstanceType: string; Timestamp: Date };

type AwsSpotOptions = {
  /** Where NECTO_AWS_REGIONS and the AWS credentials are read; process.env by default. */
  env?: Record<string, string | undefined>;
};

/** The regions to scan: NECTO_AWS_REGIONS (comma list) or the defaults. */
export function awsRegions(env: Record<string, string | undefined> = process.env): string[] {
  const value = env.NECTO_AWS_REGIONS;
  if (value === undefined || value.trim() === '') return [...DEFAULT_AWS_REGIONS];
  const regions = [
    ...new Set(
      value
        .split(',')
        .map((r) => r.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const bad = regions.find((r) => !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r));
  if (bad !== undefined || regions.length === 0) {
    throw new SourceError(
      `NECTO_AWS_REGIONS: "${bad ?? value}" is not an AWS region list (expected e.g. us-east-1,eu-central-1)`,
    );
  }
  return regions;
}

export function createAwsSpotSource(options: AwsSpotOptions = {}): Source {
  const env = options.env ?? process.env;
  return {
    id: 'aws-spot',
    label: 'AWS EC2 Spot',
    capacity: 'unreported',
    liveBaseUrl: LIVE_BASE_URL,
    urlEnv: 'NECTO_AWS_URL',
    keyEnv: ['AWS_ACCESS_KEY_ID'],
    async fetchQuotes(context: SourceContext): Promise<SourceResult> {
      const regions = awsRegions(env);
      const credentials = credentialsFor(context, env);
      const endpoint = context.baseUrl === LIVE_BASE_URL ? undefined : context.baseUrl;
      const pages = await Promise.allSettled(
        regions.map((region) => fetchRegion(region, endpoint, credentials, context)),
      );
      const quotes: Quote[] = [];
      const rejected: Rejection[] = [];
      const failures: string[] = [];
      pages.forEach((page, index) => {
        const region = regions[index] as string;
        if (page.status === 'rejected') {
          const reason = page.reason instanceof Error ? page.reason.message : String(page.reason);
          failures.push(reason);
          rejected.push({ source: 'aws-spot', offerId: region, reason });
          return;
        }
        const sourceUrl = endpoint ?? `https://ec2.${region}.amazonaws.com/`;
        const complete: SpotRow[] = [];
        for (const row of page.value) {
          // With an endpoint override every region's client reaches one server: keep this region's AZs.
          if (row.AvailabilityZone && !inRegion(region, row.AvailabilityZone)) continue;
          if (row.InstanceType && row.AvailabilityZone && row.Timestamp && Number.isFinite(row.Timestamp.getTime())) {
            complete.push(row as SpotRow);
          } else {
            const offerId = `${row.InstanceType ?? '?'}@${row.AvailabilityZone ?? '?'}`;
            rejected.push({
              source: 'aws-spot',
              offerId,
              reason: 'spot price row without instance type, AZ or timestamp',
            });
          }
        }
        for (const row of latestPerZone(complete)) {
          const result = quoteOf(row, sourceUrl, context.now);
          if ('reason' in result) rejected.push(result);
          else quotes.push(result);
        }
      });
      // Every region failed: the source failed, with the first region's reason.
      if (failures.length === regions.length) throw new SourceError(failures[0]);
      return { quotes, rejected };
    },
  };
}

export const awsSpot: Source = createAwsSpotSource();

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

function credentialsFor(context: SourceContext, env: Record<string, string | undefined>): Credentials {
  if (context.mode === 'snapshot') return SNAPSHOT_CREDENTIALS;
  const accessKeyId = context.apiKey ?? env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId) throw new SourceError('AWS_ACCESS_KEY_ID is not set');
  if (!secretAccessKey) throw new SourceError('AWS_SECRET_ACCESS_KEY is not set (needed with AWS_ACCESS_KEY_ID)');
  const sessionToken = env.AWS_SESSION_TOKEN || undefined;
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

/** All rows of one region, following NextToken. */
async function fetchRegion(
  region: string,
  endpoint: string | undefined,
  credentials: Credentials,
  context: SourceContext,
): Promise<PageRow[]> {
  // One attempt: the scanner's timeout is the whole budget, and a retry would spend it waiting.
  const client = new EC2Client({ region, endpoint, credentials, maxAttempts: 1 });
  const shown = endpoint ? `${endpoint} (${region})` : `EC2 ${region}`;
  const rows: PageRow[] = [];
  const seenTokens = new Set<string>();
  let nextToken: string | undefined;
  try {
    for (let page = 0; ; page++) {
      if (page === MAX_PAGES) throw new SourceError(`more than ${MAX_PAGES} pages of spot prices from ${shown}`);
      let output: unknown;
      try {
        output = await client.send(
          new DescribeSpotPriceHistoryCommand({
            InstanceTypes: GPU_INSTANCE_TYPES as _InstanceType[],
            ProductDescriptions: [PRODUCT],
            StartTime: new Date(context.now * 1000),
            MaxResults: 1000,
            NextToken: nextToken,
          }),
          { abortSignal: context.signal },
        );
      } catch (error) {
        throw awsError(error, shown, context.signal);
      }
      const parsed = parseResponse(SpotPriceHistoryPage, output, `AWS DescribeSpotPriceHistory (${region})`);
      rows.push(...(parsed.SpotPriceHistory ?? []));
      nextToken = parsed.NextToken || undefined;
      if (nextToken === undefined) return rows;
      if (seenTokens.has(nextToken)) throw new SourceError(`pagination loop from ${shown}: NextToken repeats`);
      seenTokens.add(nextToken);
    }
  } finally {
    client.destroy();
  }
}

/** The SDK's errors, as the one-line reasons every source gives. */
function awsError(error: unknown, shown: string, signal: AbortSignal): SourceError {
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const message = (e.message ?? String(error)).split('\n')[0]?.trim() ?? '';
  if (signal.aborted || e.name === 'AbortError') return new SourceError(`no answer from ${shown} in time`);
  if (/XML parse error|Deserialization error/i.test(e.message ?? '')) {
    return new SourceError(`malformed XML from ${shown}: ${message}`);
  }
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 300)
    return new SourceError(`HTTP ${status} from ${shown}: ${e.name}: ${message}`);
  return new SourceError(`cannot reach ${shown}: ${e.code ?? message}`);
}

/**
 * The row in effect per (instance type, AZ): the latest Timestamp (equal timestamps: the higher
 * price, so the choice does not depend on row order).
 */
function latestPerZone(rows: SpotRow[]): SpotRow[] {
  const latest = new Map<string, SpotRow>();
  for (const row of rows) {
    if (row.ProductDescription !== undefined && !row.ProductDescription.startsWith(PRODUCT)) continue;
    const key = `${row.InstanceType}@${row.AvailabilityZone}`;
    const kept = latest.get(key);
    if (!kept || isLater(row, kept)) latest.set(key, row);
  }
  return [...latest.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

/** us-east-1a and the local zone us-east-1-bos-1a are in us-east-1 (awsRegions() validated `region`). */
function inRegion(region: string, availabilityZone: string): boolean {
  return new RegExp(`^${region}([a-z]$|-)`).test(availabilityZone);
}

function keyOf(row: SpotRow): string {
  return `${row.InstanceType}@${row.AvailabilityZone}`;
}

function isLater(row: SpotRow, kept: SpotRow): boolean {
  const a = row.Timestamp.getTime();
  const b = kept.Timestamp.getTime();
  if (a !== b) return a > b;
  return Number(row.SpotPrice) > Number(kept.SpotPrice);
}

/** `now` is the observation time: a query at StartTime = now answers the price in effect now (the
 *  row's Timestamp is only when that price was set, which the note keeps). */
function quoteOf(row: SpotRow, sourceUrl: string, now: number): Quote | Rejection {
  const offerId = keyOf(row);
  const vendorGpuName = row.InstanceType;
  const reject = (reason: string): Rejection => ({ source: 'aws-spot', offerId, vendorGpuName, reason });
  const instance = gpuOfInstanceType(row.InstanceType);
  if (!instance) return reject(`unknown instance type "${row.InstanceType}" (not in the GPU instance table)`);
  const usd = readAmount(row.SpotPrice, 'SpotPrice');
  if (!usd.ok) return reject(usd.reason);
  const price = usdPerUnitHour(usd.value, instance.gpus);
  if (!price.ok) return reject(price.reason);
  const since = row.Timestamp.toISOString().replace('.000Z', 'Z');
  const share =
    instance.shareMiB === undefined
      ? ''
      : `; a ${fraction(instance.gpus)} share of an L4 (${instance.shareMiB} MiB): price per whole-GPU equivalent`;
  return {
    source: 'aws-spot',
    offerId,
    provider: 'aws-spot',
    gpuModel: instance.gpuModel,
    vendorGpuName,
    unitGpus: instance.gpus,
    availableGpus: instance.gpus,
    vramGb:
      instance.shareMiB === undefined ? memoryOf(instance.gpuModel) : Math.round((instance.shareMiB / 1024) * 10) / 10,
    region: regionOfCloudRegion(row.AvailabilityZone),
    pricingModel: 'spot',
    raw: { value: String(row.SpotPrice), unit: 'USD/instance-hour', currency: 'USD' },
    effectiveMicroUsdPerGpuHour: price.microUsd,
    observedAt: now,
    sourceUrl,
    note: `spot price in effect since ${since} (${row.AvailabilityZone}); a price is not capacity, EC2 may have none${share}`,
  };
}

function fraction(gpus: number): string {
  const eighths = gpus * 8;
  if (Number.isInteger(eighths)) {
    if (eighths === 4) return '1/2';
    if (eighths === 2) return '1/4';
    if (eighths === 1) return '1/8';
  }
  return String(gpus);
}
