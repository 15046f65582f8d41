// Each Necto seller's track record, counted from the market's events: every routing of a job to
// one of its offers and how it ended. The contract's own deadlines decide what a routing that
// ended without a start was: past its start deadline (routed at + review window + start window)
// it was a missed start, whatever ended it (expire, refund, cancel, or a reroute away); before it,
// a cancel or reroute says nothing about the seller. A started job not completed by its
// completion deadline (started at + hours + completion grace) expired. Routings still waiting
// past a deadline count as missed or expired at once: nobody needs to call expire for the record
// to show it. Gateway providers (a non-empty source tag: external networks the keeper operates)
// are not scored. The engine turns the figures into a reliability and the probation and
// suspension rules (engine/reliability.ts).
//
// Two layers: foldMarketEvents / figuresAt count decoded events with no I/O, and
// TrackRecordReader reads the logs, a block range at a time, and remembers where it stopped.
import type { Address, Hex, PublicClient } from 'viem';
import { nectoMarketAbi } from '@necto/contracts';
import type { TrackFigures } from '../quote.ts';
import { rpcErrorMessage } from './offers.ts';

export { withTrackRecords } from '../engine/reliability.ts';

export type ProviderFigures = TrackFigures;

/** The market's immutable timing terms, seconds. */
export type MarketTerms = { startWindow: number; completionGrace: number };

/** A market event as the fold needs it; `at` is the block's unix time. */
export type MarketEvent =
  | { kind: 'provider'; providerId: number; gateway: boolean }
  | { kind: 'offer'; offerId: number; providerId: number }
  | { kind: 'requested'; jobId: bigint; reviewSeconds: number; hours: number }
  | { kind: 'unroutable'; jobId: bigint }
  | { kind: 'routed'; jobId: bigint; offerId: number; at: number }
  | { kind: 'rerouted'; jobId: bigint; toOfferId: number; at: number }
  | { kind: 'started'; jobId: bigint; at: number }
  | { kind: 'completed'; jobId: bigint }
  | { kind: 'cancelled'; jobId: bigint; at: number }
  | { kind: 'expired'; jobId: bigint }
  | { kind: 'refunded'; jobId: bigint };

type SettledFigures = Pick<TrackFigures, 'routed' | 'startedOnTime' | 'completed' | 'missed' | 'expired'>;

/** A job that has not ended yet. `deadline` is its start deadline while routed, its completion
 *  deadline once started. `seller` is the scored provider it is routed to or started by. */
type OpenJob = {
  reviewSeconds: number;
  hours: number;
  stage: 'requested' | 'routed' | 'started';
  deadline: number;
  seller?: number;
};

/** What the fold keeps between increments: open jobs only, and settled counts per seller. */
export type TrackLedger = {
  readonly terms: MarketTerms;
  /** Provider id -> whether it is a gateway. */
  readonly providers: Map<number, boolean>;
  /** Offer id -> provider id. */
  readonly offers: Map<number, number>;
  readonly jobs: Map<bigint, OpenJob>;
  readonly sellers: Map<number, SettledFigures>;
};

export function emptyLedger(terms: MarketTerms): TrackLedger {
  return { terms, providers: new Map(), offers: new Map(), jobs: new Map(), sellers: new Map() };
}

/**
 * Adds `events` (in chain order) to `ledger` and returns it. No I/O: the same events always give
 * the same ledger, whether folded at once or in pieces. Events about jobs or offers the ledger
 * never saw are ignored.
 */
export function foldMarketEvents(ledger: TrackLedger, events: readonly MarketEvent[]): TrackLedger {
  const { terms, providers, offers, jobs, sellers } = ledger;
  const count = (seller: number | undefined, figure: keyof SettledFigures) => {
    const figures = seller === undefined ? undefined : sellers.get(seller);
    if (figures) figures[figure]++;
  };
  const routeTo = (job: OpenJob, offerId: number, at: number) => {
    const providerId = offers.get(offerId);
    const seller = providerId !== undefined && providers.get(providerId) === false ? providerId : undefined;
    job.stage = 'routed';
    job.deadline = at + job.reviewSeconds + terms.startWindow;
    if (seller === undefined) delete job.seller;
    else job.seller = seller;
    count(seller, 'routed');
  };
  /** A job that ends now, before completing: a missed start or an expired run, or nothing. */
  const endUnfinished = (jobId: bigint, job: OpenJob, at: number) => {
    if (job.stage === 'routed' && at > job.deadline) count(job.seller, 'missed');
    if (job.stage === 'started' && at > job.deadline) count(job.seller, 'expired');
    jobs.delete(jobId);
  };

  for (const event of events) {
    switch (event.kind) {
      case 'provider':
        providers.set(event.providerId, event.gateway);
        if (!event.gateway && !sellers.has(event.providerId)) {
          sellers.set(event.providerId, { routed: 0, startedOnTime: 0, completed: 0, missed: 0, expired: 0 });
        }
        continue;
      case 'offer':
        offers.set(event.offerId, event.providerId);
        continue;
      case 'requested':
        jobs.set(event.jobId, { reviewSeconds: event.reviewSeconds, hours: event.hours, stage: 'requested', deadline: Infinity });
        continue;
    }
    const job = jobs.get(event.jobId);
    if (!job) continue;
    switch (event.kind) {
      case 'unroutable':
        jobs.delete(event.jobId);
        break;
      case 'routed':
        if (job.stage === 'requested') routeTo(job, event.offerId, event.at);
        break;
      case 'rerouted':
        // A job still 'requested' here was routed before the ledger's first block.
        if (job.stage === 'started') break;
        if (job.stage === 'routed' && event.at > job.deadline) count(job.seller, 'missed');
        routeTo(job, event.toOfferId, event.at);
        break;
      case 'started':
        if (job.stage !== 'routed') break;
        count(job.seller, 'startedOnTime');
        job.stage = 'started';
        job.deadline = event.at + job.hours * 3600 + terms.completionGrace;
        break;
      case 'completed':
        if (job.stage === 'started') count(job.seller, 'completed');
        jobs.delete(event.jobId);
        break;
      case 'cancelled':
        endUnfinished(event.jobId, job, event.at);
        break;
      case 'expired':
      case 'refunded':
        // The contract allows both only past the job's deadline.
        endUnfinished(event.jobId, job, Infinity);
        break;
    }
  }
  return ledger;
}

/**
 * Every scored seller's figures at `asOf` (unix seconds): its settled counts, and its open jobs
 * as open routings and running jobs, or as missed and expired once past their deadline.
 */
export function figuresAt(ledger: TrackLedger, asOf: number): Map<number, ProviderFigures> {
  const figures = new Map<number, ProviderFigures>();
  for (const [seller, settled] of ledger.sellers) figures.set(seller, { ...settled, openRoutings: 0, running: 0 });
  for (const job of ledger.jobs.values()) {
    const seller = job.seller === undefined ? undefined : figures.get(job.seller);
    if (!seller) continue;
    const overdue = asOf > job.deadline;
    if (job.stage === 'routed') seller[overdue ? 'missed' : 'openRoutings']++;
    else if (job.stage === 'started') seller[overdue ? 'expired' : 'running']++;
  }
  return figures;
}

/** The figures of a whole history at once. */
export function foldTrackRecords(events: readonly MarketEvent[], terms: MarketTerms, asOf: number): Map<number, ProviderFigures> {
  return figuresAt(foldMarketEvents(emptyLedger(terms), events), asOf);
}

const TRACKED_EVENTS = nectoMarketAbi.filter(
  (item) =>
    item.type === 'event' &&
    [
      'ProviderRegistered',
      'OfferAdded',
      'JobRequested',
      'JobMarkedUnroutable',
      'JobRouted',
      'JobRerouted',
      'JobStarted',
      'JobCompleted',
      'JobCancelled',
      'JobExpired',
      'JobRefunded',
    ].includes(item.name),
);

/** The events whose block time the fold needs. */
const TIMED_EVENTS = new Set(['JobRouted', 'JobRerouted', 'JobStarted', 'JobCancelled']);

type DecodedLog = {
  eventName: string;
  args: Record<string, unknown>;
  blockNumber: bigint;
  blockTimestamp?: bigint | null;
};

export type TrackRecordReaderOptions = {
  /** Blocks per getLogs request (default 10,000; many RPCs cap the range). */
  chunkBlocks?: bigint;
  /** Blocks below the head left unread, against reorganizations (default 0). */
  confirmations?: bigint;
};

/**
 * Reads the market's events from `fromBlock` (its deployment block gives the whole history; jobs
 * routed earlier are not counted) and keeps the ledger, so each refresh reads only the blocks
 * mined since the last one. Refreshes run one at a time, in call order.
 */
export class TrackRecordReader {
  readonly #client: PublicClient;
  readonly #market: Address;
  readonly #chunkBlocks: bigint;
  readonly #confirmations: bigint;
  #nextBlock: bigint;
  #ledger: TrackLedger | undefined;
  #figures: ReadonlyMap<number, ProviderFigures> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(client: PublicClient, market: Address, fromBlock: bigint, options: TrackRecordReaderOptions = {}) {
    this.#client = client;
    this.#market = market;
    this.#nextBlock = fromBlock;
    this.#chunkBlocks = options.chunkBlocks ?? 10_000n;
    this.#confirmations = options.confirmations ?? 0n;
    if (this.#chunkBlocks < 1n) throw new RangeError(`chunkBlocks must be at least 1 (got ${this.#chunkBlocks})`);
  }

  /** The figures of the last successful refresh, if any. */
  get figures(): ReadonlyMap<number, ProviderFigures> | undefined {
    return this.#figures;
  }

  /** Every scored seller's figures as of the last block read (its time judges the deadlines). */
  refresh(): Promise<ReadonlyMap<number, ProviderFigures>> {
    const run = this.#queue.then(() => this.#read());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #read(): Promise<ReadonlyMap<number, ProviderFigures>> {
    try {
      const ledger = (this.#ledger ??= emptyLedger(await this.#terms()));
      const head = await this.#client.getBlock({ blockTag: 'latest' });
      const lastBlock = head.number - this.#confirmations;
      for (let from = this.#nextBlock; from <= lastBlock; from += this.#chunkBlocks) {
        const to = from + this.#chunkBlocks - 1n < lastBlock ? from + this.#chunkBlocks - 1n : lastBlock;
        const logs = (await this.#client.getLogs({
          address: this.#market,
          events: TRACKED_EVENTS,
          fromBlock: from,
          toBlock: to,
          strict: true,
        })) as unknown as DecodedLog[];
        foldMarketEvents(ledger, await this.#events(ledger, logs));
        this.#nextBlock = to + 1n;
      }
      const lastRead = this.#nextBlock - 1n < lastBlock ? this.#nextBlock - 1n : lastBlock;
      const asOfBlock = lastRead > 0n ? lastRead : 0n;
      const asOf = asOfBlock === head.number ? head.timestamp : (await this.#client.getBlock({ blockNumber: asOfBlock })).timestamp;
      this.#figures = figuresAt(ledger, Number(asOf));
      return this.#figures;
    } catch (error) {
      throw new Error(`cannot read the track records of market ${this.#market}: ${rpcErrorMessage(error)}`, { cause: error });
    }
  }

  async #terms(): Promise<MarketTerms> {
    const [startWindow, completionGrace] = await Promise.all([
      this.#call<bigint>('startWindow'),
      this.#call<bigint>('completionGrace'),
    ]);
    return { startWindow: Number(startWindow), completionGrace: Number(completionGrace) };
  }

  #call<T>(functionName: string, args: unknown[] = []): Promise<T> {
    return this.#client.readContract({ address: this.#market, abi: nectoMarketAbi, functionName, args } as never) as Promise<T>;
  }

  /** The logs as fold events, preceded by what the fold must know of offers, providers and jobs
   *  that appeared before `fromBlock` (read from the contract). */
  async #events(ledger: TrackLedger, logs: readonly DecodedLog[]): Promise<MarketEvent[]> {
    const times = await this.#blockTimes(logs.filter((log) => TIMED_EVENTS.has(log.eventName)));
    const events = logs.map((log) => toEvent(log, times));
    return [...(await this.#earlierFacts(ledger, events)), ...events];
  }

  async #blockTimes(logs: readonly DecodedLog[]): Promise<Map<bigint, number>> {
    const times = new Map<bigint, number>();
    for (const log of logs) if (log.blockTimestamp != null) times.set(log.blockNumber, Number(log.blockTimestamp));
    const missing = [...new Set(logs.map((log) => log.blockNumber))].filter((block) => !times.has(block));
    await inBatches(missing, async (blockNumber) => {
      times.set(blockNumber, Number((await this.#client.getBlock({ blockNumber })).timestamp));
    });
    return times;
  }

  async #earlierFacts(ledger: TrackLedger, events: readonly MarketEvent[]): Promise<MarketEvent[]> {
    const knownJobs = new Set<bigint>(ledger.jobs.keys());
    const providerOf = new Map(ledger.offers);
    const knownProviders = new Set<number>(ledger.providers.keys());
    const unknownJobs = new Set<bigint>();
    const routedOffers = new Set<number>();
    for (const event of events) {
      if (event.kind === 'requested') knownJobs.add(event.jobId);
      if (event.kind === 'offer') providerOf.set(event.offerId, event.providerId);
      if (event.kind === 'provider') knownProviders.add(event.providerId);
      if (event.kind !== 'routed' && event.kind !== 'rerouted') continue;
      if (!knownJobs.has(event.jobId)) unknownJobs.add(event.jobId);
      routedOffers.add(event.kind === 'routed' ? event.offerId : event.toOfferId);
    }
    const offers = await inBatches([...routedOffers].filter((id) => !providerOf.has(id)), async (offerId) => {
      const { providerId } = await this.#call<{ providerId: number }>('getOffer', [offerId]);
      providerOf.set(offerId, providerId);
      return { kind: 'offer', offerId, providerId } satisfies MarketEvent;
    });
    const unknownProviders = new Set([...routedOffers].map((id) => providerOf.get(id) as number));
    for (const id of knownProviders) unknownProviders.delete(id);
    const providers = await inBatches([...unknownProviders], async (providerId) => {
      const { sourceTag } = await this.#call<{ sourceTag: Hex }>('getProvider', [providerId]);
      return { kind: 'provider', providerId, gateway: BigInt(sourceTag) !== 0n } satisfies MarketEvent;
    });
    const jobs = await inBatches([...unknownJobs], async (jobId) => {
      const job = await this.#call<{ reviewSeconds: number; hoursRequested: number }>('getJob', [jobId]);
      return { kind: 'requested', jobId, reviewSeconds: job.reviewSeconds, hours: job.hoursRequested } satisfies MarketEvent;
    });
    return [...providers, ...offers, ...jobs];
  }
}

function toEvent(log: DecodedLog, times: ReadonlyMap<bigint, number>): MarketEvent {
  const args = log.args;
  const jobId = args.jobId as bigint;
  const at = times.get(log.blockNumber) ?? Number.NaN;
  switch (log.eventName) {
    case 'ProviderRegistered':
      return { kind: 'provider', providerId: args.providerId as number, gateway: BigInt(args.sourceTag as Hex) !== 0n };
    case 'OfferAdded':
      return { kind: 'offer', offerId: args.offerId as number, providerId: args.providerId as number };
    case 'JobRequested': {
      const spec = args.spec as { hoursRequested: number };
      return { kind: 'requested', jobId, reviewSeconds: args.reviewSeconds as number, hours: spec.hoursRequested };
    }
    case 'JobMarkedUnroutable':
      return { kind: 'unroutable', jobId };
    case 'JobRouted':
      return { kind: 'routed', jobId, offerId: args.offerId as number, at };
    case 'JobRerouted':
      return { kind: 'rerouted', jobId, toOfferId: args.toOfferId as number, at };
    case 'JobStarted':
      return { kind: 'started', jobId, at };
    case 'JobCompleted':
      return { kind: 'completed', jobId };
    case 'JobCancelled':
      return { kind: 'cancelled', jobId, at };
    case 'JobExpired':
      return { kind: 'expired', jobId };
    case 'JobRefunded':
      return { kind: 'refunded', jobId };
  }
  throw new Error(`unexpected market event ${log.eventName}`);
}

const RPC_CONCURRENCY = 16;

/** `read` over every item, at most RPC_CONCURRENCY at a time, results in item order. */
async function inBatches<T, R>(items: readonly T[], read: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += RPC_CONCURRENCY) {
    results.push(...(await Promise.all(items.slice(start, start + RPC_CONCURRENCY).map(read))));
  }
  return results;
}
