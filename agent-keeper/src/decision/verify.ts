// Verifies a decision record without trusting whoever stored it: the bytes must hash to the root,
// be a canonical necto.decision/v1 record, match what the chain committed, and replay through the
// engine to the same choice and ranking. No Node-only dependency: the app runs this in the browser
// (it injects the 0G root function, whose SDK needs polyfills there).
import { decide } from '../engine/index.ts';
import type { Quote } from '../quote.ts';
import { quoteKey } from '../quote.ts';
import { canonicalJson } from './canonical.ts';
import { DecisionRecordSchema, ENGINE_VERSION } from './record.ts';
import type { DecisionRecord } from './record.ts';

export type Check = { name: string; ok: boolean; detail: string };

/** The job as the chain holds it (see chain/market.ts readJob). */
export type ChainJobView = {
  status: string;
  offerId: number;
  pricePerGpuHour: number;
  decisionRoot: string;
  mode: 'Tracked' | 'Untracked';
};

export type VerifyInput = {
  /** The root being verified (from the chain, or given by the user). */
  root: string;
  bytes: Uint8Array;
  computeRoot: (bytes: Uint8Array) => Promise<string>;
  /** The job the record claims to decide, read from the chain; absent for a record without a job. */
  chainJob?: ChainJobView;
};

export type VerifyReport = { ok: boolean; root: string; checks: Check[]; record?: DecisionRecord };

export async function verifyDecision({ root, bytes, computeRoot, chainJob }: VerifyInput): Promise<VerifyReport> {
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    return ok;
  };
  const done = (record?: DecisionRecord): VerifyReport => ({
    ok: checks.every((c) => c.ok),
    root,
    checks,
    ...(record && { record }),
  });

  const actual = (await computeRoot(bytes)).toLowerCase();
  check('root', actual === root.toLowerCase(), actual === root.toLowerCase()
    ? `the record's bytes hash to ${root}`
    : `the record's bytes hash to ${actual}, not ${root}: it is not the committed record`);

  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    check('format', false, `not UTF-8 JSON: ${(error as Error).message}`);
    return done();
  }
  const schema = DecisionRecordSchema.safeParse(parsed);
  if (!schema.success) {
    const issue = schema.error.issues[0];
    check('format', false, `not a necto.decision/v1 record: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
    return done();
  }
  const record = parsed as DecisionRecord;
  const canonical = canonicalJson(record) === new TextDecoder().decode(bytes);
  check('format', canonical, canonical
    ? `a canonical ${record.schema} record (${bytes.length} bytes, engine ${record.engineVersion})`
    : 'the JSON is not in canonical form (sorted keys, no whitespace)');

  if (record.job?.mode === 'Untracked') {
    check('privacy', record.job.buyer === undefined && record.job.teamId === undefined,
      record.job.buyer === undefined && record.job.teamId === undefined
        ? 'Untracked: no buyer and no team in the record'
        : 'Untracked record names a buyer or a team');
  }

  if (chainJob) checkChain(record, root, chainJob, check);
  else if (record.job) check('chain', false, `the record decides job ${record.job.jobId} but the chain was not read`);

  checkReplay(record, check);
  return done(record);
}

function checkChain(
  record: DecisionRecord,
  root: string,
  job: ChainJobView,
  check: (name: string, ok: boolean, detail: string) => boolean,
): void {
  const committed = job.decisionRoot.toLowerCase() === root.toLowerCase();
  check('chain root', committed, committed
    ? `job ${record.job?.jobId ?? '?'} commits this root on-chain`
    : `the chain commits ${job.decisionRoot} for job ${record.job?.jobId ?? '?'}, not ${root}`);
  const chosen = record.chosen;
  if (!chosen) {
    const unroutable = job.status === 'Unroutable' || (job.status === 'Refunded' && job.offerId === 0);
    check('chain choice', unroutable, unroutable
      ? `no eligible offer, and the job is marked unroutable on-chain`
      : `the record chose nothing but the job is ${job.status} on-chain (offer ${job.offerId})`);
    return;
  }
  const recorded = `offer ${chosen.onchainOfferId ?? 'none'} at ${chosen.pricePerGpuHour}`;
  if (job.offerId === 0) {
    check('chain choice', false, `the record chose ${recorded}, but the job is ${job.status} on-chain and was never routed`);
    return;
  }
  const same = chosen.onchainOfferId === job.offerId && chosen.pricePerGpuHour === job.pricePerGpuHour;
  const now = job.status === 'Routed' ? '' : ` (the job is ${job.status} now)`;
  check('chain choice', same, same
    ? `the chain routed to offer ${job.offerId} at ${job.pricePerGpuHour} micro-USD/GPU-h, as recorded${now}`
    : `the chain routed to offer ${job.offerId} at ${job.pricePerGpuHour}, the record chose ${recorded}`);
}

function checkReplay(record: DecisionRecord, check: (name: string, ok: boolean, detail: string) => boolean): void {
  if (record.engineVersion !== ENGINE_VERSION) {
    check('replay', false, `recorded by ${record.engineVersion}; this verifier replays ${ENGINE_VERSION}`);
    return;
  }
  let replay;
  try {
    replay = decide(record.request, record.quotes as Quote[], record.decidedAt);
  } catch (error) {
    check('replay', false, `the recorded request does not replay: ${(error as Error).message}`);
    return;
  }
  const chosenKey = replay.chosen ? quoteKey(replay.chosen) : null;
  const sameChoice = chosenKey === (record.chosen?.quote ?? null) &&
    (replay.chosen?.effectiveMicroUsdPerGpuHour ?? null) === (record.chosen?.pricePerGpuHour ?? null);
  const ranking = replay.ranking.map(quoteKey);
  const sameRanking = ranking.length === record.ranking.length && ranking.every((key, i) => key === record.ranking[i]);
  const excluded = replay.excluded.map((e) => `${quoteKey(e.quote)} ${e.constraint} ${e.reason}`);
  const recordedExcluded = record.excluded.map((e) => `${e.quote} ${e.constraint} ${e.reason}`);
  const sameExclusions = excluded.length === recordedExcluded.length && excluded.every((e, i) => e === recordedExcluded[i]);
  const ok = sameChoice && sameRanking && sameExclusions;
  const what = !sameChoice
    ? `replay chooses ${chosenKey ?? 'nothing'}, the record ${record.chosen?.quote ?? 'nothing'}`
    : !sameRanking
      ? 'replay ranks the eligible quotes differently'
      : !sameExclusions
        ? 'replay excludes different quotes or for different reasons'
        : `replaying ${record.quotes.length} quotes gives the same choice, ranking (${ranking.length}) and exclusions (${excluded.length})`;
  check('replay', ok, what);
}
