// The decision record (necto.decision/v1): everything needed to check and replay one routing
// decision. Its canonical bytes are stored (local store or 0G) and their 0G root is the
// decisionRoot posted on-chain. Untracked jobs carry no buyer or team, anywhere in the record.
import { z } from 'zod';
import type { Decision, RoutingRequest } from '../engine/index.ts';
import { quoteKey } from '../quote.ts';
import type { Quote, Rejection, TokenRate } from '../quote.ts';
import type { ScanResult } from '../scan.ts';

export const DECISION_SCHEMA = 'necto.decision/v1';
/** Bumped whenever the engine could decide differently on the same inputs. 2: Necto sellers rank
 *  at price / reliability from their on-chain track record, and the track-record constraint. */
export const ENGINE_VERSION = 'necto-engine/2';

export type RecordedJob = {
  chainId: number;
  contract: string;
  /** Decimal string: job ids are uint256. */
  jobId: string;
  mode: 'Tracked' | 'Untracked';
  /** Tracked only. */
  buyer?: string;
  /** Tracked team jobs only. */
  teamId?: number;
  rerouteOptIn: boolean;
  /** The job's on-chain exclusions (Fixed, Dynamic, Token, Spot, Auction). */
  excludedPricing: string[];
};

export type RecordedChoice = {
  quote: string;
  source: string;
  offerId: string;
  provider: string;
  /** The on-chain offer routed to (absent when not routing a job). */
  onchainOfferId?: number;
  pricePerGpuHour: number;
};

export type DecisionRecord = {
  schema: typeof DECISION_SCHEMA;
  engineVersion: string;
  /** When the record was written (unix seconds). */
  createdAt: number;
  /** The engine's decision time: quote ages are measured from it (a snapshot's recording time). */
  decidedAt: number;
  providers: 'snapshot' | 'live';
  job?: RecordedJob;
  request: RoutingRequest;
  /** Every quote the engine considered, as normalized, with the raw price it came from. */
  quotes: Quote[];
  tokenRates: TokenRate[];
  sources: { id: string; label: string; url: string; status: string; reason?: string; quotes: number; rejected: number }[];
  /** Offers the sources listed that could not become quotes. */
  rejected: Rejection[];
  excluded: { quote: string; constraint: string; reason: string }[];
  /** Eligible quotes, best first. */
  ranking: string[];
  chosen: RecordedChoice | null;
  /** Why nothing was chosen: the constraints that excluded the quotes, most common first. */
  noEligibleOffer?: string;
  /** The root this decision replaces (reroute). */
  previousRoot?: string;
  /** Unix seconds (wall clock) the external sources were scanned at, and how old that scan was
   *  when this decision used it: one scan serves every job within its freshness. */
  scannedAt?: number;
  scanAgeSeconds?: number;
};

export type RecordInputs = {
  scan: ScanResult;
  decision: Decision;
  createdAt: number;
  job?: RecordedJob;
  previousRoot?: string;
  freshness?: { scannedAt: number; scanAgeSeconds: number };
};

export function buildRecord({ scan, decision, createdAt, job, previousRoot, freshness }: RecordInputs): DecisionRecord {
  const quotes = [...decision.ranking, ...decision.excluded.map((e) => e.quote)];
  const chosen = decision.chosen;
  return {
    schema: DECISION_SCHEMA,
    engineVersion: ENGINE_VERSION,
    createdAt,
    decidedAt: decision.now,
    providers: scan.mode,
    ...(job && { job: privateFields(job) }),
    request: decision.request,
    quotes,
    tokenRates: uniqueRates(quotes),
    sources: scan.sources.map(({ ms: _ms, ...status }) => status),
    rejected: scan.rejected,
    excluded: decision.excluded.map((e) => ({ quote: quoteKey(e.quote), constraint: e.constraint, reason: e.reason })),
    ranking: decision.ranking.map(quoteKey),
    chosen: chosen
      ? {
          quote: quoteKey(chosen),
          source: chosen.source,
          offerId: chosen.offerId,
          provider: chosen.provider,
          ...(chosen.onchain && 'offerId' in chosen.onchain && { onchainOfferId: chosen.onchain.offerId }),
          pricePerGpuHour: chosen.effectiveMicroUsdPerGpuHour,
        }
      : null,
    ...(!chosen && { noEligibleOffer: summarize(decision) }),
    ...(previousRoot && { previousRoot }),
    ...freshness,
  };
}

/** An Untracked job keeps no buyer and no team: the job key alone controls it. */
function privateFields(job: RecordedJob): RecordedJob {
  if (job.mode === 'Tracked') return job;
  const { buyer: _buyer, teamId: _teamId, ...rest } = job;
  return rest;
}

function uniqueRates(quotes: readonly Quote[]): TokenRate[] {
  const rates = new Map<string, TokenRate>();
  for (const quote of quotes) if (quote.tokenRate) rates.set(JSON.stringify(quote.tokenRate), quote.tokenRate);
  return [...rates.values()].sort((a, b) => a.tokenId.localeCompare(b.tokenId) || a.updatedAt - b.updatedAt);
}

function summarize(decision: Decision): string {
  if (decision.excluded.length === 0) return 'no source returned a quote';
  const counts = new Map<string, number>();
  for (const e of decision.excluded) counts.set(e.constraint, (counts.get(e.constraint) ?? 0) + 1);
  const parts = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return `no eligible offer: ${parts.map(([constraint, n]) => `${n} failed ${constraint}`).join(', ')}`;
}

/** The shape a verifier checks before trusting a record's fields. */
export const DecisionRecordSchema = z.object({
  schema: z.literal(DECISION_SCHEMA),
  engineVersion: z.string(),
  createdAt: z.number().int(),
  decidedAt: z.number().int(),
  providers: z.enum(['snapshot', 'live']),
  job: z
    .object({
      chainId: z.number().int(),
      contract: z.string(),
      jobId: z.string().regex(/^\d+$/),
      mode: z.enum(['Tracked', 'Untracked']),
      buyer: z.string().optional(),
      teamId: z.number().int().optional(),
      rerouteOptIn: z.boolean(),
      excludedPricing: z.array(z.string()),
    })
    .optional(),
  request: z.looseObject({ gpuModel: z.string(), gpuCount: z.number(), hours: z.number() }),
  quotes: z.array(
    z.looseObject({ source: z.string(), offerId: z.string(), effectiveMicroUsdPerGpuHour: z.number().int() }),
  ),
  tokenRates: z.array(z.object({ tokenId: z.string(), usd: z.number(), updatedAt: z.number() })),
  sources: z.array(z.looseObject({ id: z.string(), status: z.string() })),
  rejected: z.array(z.looseObject({ source: z.string(), reason: z.string() })),
  excluded: z.array(z.object({ quote: z.string(), constraint: z.string(), reason: z.string() })),
  ranking: z.array(z.string()),
  chosen: z
    .object({
      quote: z.string(),
      source: z.string(),
      offerId: z.string(),
      provider: z.string(),
      onchainOfferId: z.number().int().optional(),
      pricePerGpuHour: z.number().int(),
    })
    .nullable(),
  noEligibleOffer: z.string().optional(),
  previousRoot: z.string().optional(),
  scannedAt: z.number().int().optional(),
  scanAgeSeconds: z.number().int().nonnegative().optional(),
});
