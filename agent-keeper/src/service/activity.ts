// What the keeper is doing, as a stream of plain sentences with structured data beside them:
// "Scanning Akash... 6 offers", "Chose Lambda gpu_8x_h100_sxm5 at $2.99/GPU-h", "Posted route
// 0x... in block 123". The HTTP API serves it as Server-Sent Events (GET /activity and
// /jobs/:id/activity); the CLI prints it. A bounded history lets a late subscriber catch up.

export type ActivityKind =
  | 'service' // the keeper started, connected, lost or regained the chain
  | 'job' // a job was noticed (requested) or is being worked on
  | 'source' // one source answered (or failed) during a scan
  | 'scan' // a scan finished, or a cached one was reused
  | 'decision' // the engine chose an offer, or found none
  | 'store' // the decision record was stored (root)
  | 'tx' // a transaction was posted and mined
  | 'routed' // terminal for a routing: the job is routed
  | 'unroutable' // terminal for a routing: no eligible offer; the job was marked unroutable
  | 'rerouted' // a routed job moved to another offer (failover or a cheaper offer)
  | 'skipped' // nothing to do: the job was already routed, cancelled or taken by another keeper
  | 'fulfilment' // who runs a routed job: an external network's gateway operator, and when
  | 'error'; // something failed; the message says what happens next

export type ActivityEvent = {
  /** Increases by one per event within one keeper process: the SSE event id. */
  seq: number;
  /** Unix milliseconds. */
  at: number;
  /** Decimal job id, when the event concerns one job. */
  jobId?: string;
  kind: ActivityKind;
  message: string;
  data?: Record<string, unknown>;
};

export type ActivityInput = Omit<ActivityEvent, 'seq' | 'at'>;
type Listener = (event: ActivityEvent) => void;

const HISTORY = 2000;

export class ActivityLog {
  #seq = 0;
  #history: ActivityEvent[] = [];
  #listeners = new Set<Listener>();
  readonly #clock: () => number;

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  emit(input: ActivityInput): ActivityEvent {
    const event: ActivityEvent = { seq: ++this.#seq, at: this.#clock(), ...input };
    this.#history.push(event);
    if (this.#history.length > HISTORY) this.#history.splice(0, this.#history.length - HISTORY);
    for (const listener of this.#listeners) listener(event);
    return event;
  }

  /** Past events (oldest first), optionally only those of one job and only after a seq. */
  history(filter: { jobId?: string; afterSeq?: number } = {}): ActivityEvent[] {
    return this.#history.filter(
      (e) => (filter.jobId === undefined || e.jobId === filter.jobId) && e.seq > (filter.afterSeq ?? 0),
    );
  }

  /** Calls `listener` for every new event; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** The kinds after which a job waits for nothing more from this routing. */
export const ROUTING_TERMINAL: ReadonlySet<ActivityKind> = new Set(['routed', 'unroutable', 'skipped', 'rerouted']);
