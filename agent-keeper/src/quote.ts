// The one quote type every source produces and the routing engine consumes.
// Money is integer micro-USD per GPU-hour (1.25 $/GPU-h = 1_250_000); time is unix seconds.

/** How the buyer would pay. `token` prices are token amounts converted at a recorded rate. */
export type PricingModel = 'fixed' | 'spot' | 'auction' | 'token';
export const PRICING_MODELS: readonly PricingModel[] = ['fixed', 'spot', 'auction', 'token'];

/** Coarse regions of the world, as on-chain (`Area` in the contracts, minus None). */
export type Area = 'NA' | 'SA' | 'EU' | 'APAC' | 'MEA';
export const AREAS: readonly Area[] = ['NA', 'SA', 'EU', 'APAC', 'MEA'];

/** Where an offer runs. Either part may be unknown (an aggregate market, a gateway). */
export type Region = { country?: string; area?: Area };

/** The price exactly as the source gave it, before any conversion. */
export type RawPrice = {
  /** The source's value, as a string so nothing is lost (e.g. "3053.280000000000000000"). */
  value: string;
  /** What one unit of `value` buys, e.g. "USD/GPU-hour", "cents/instance-hour", "uakt/block". */
  unit: string;
  /** "USD" or the token's symbol. */
  currency: string;
};

/** The token rate a token-priced quote was converted at. */
export type TokenRate = {
  /** CoinGecko id, e.g. "akash-network". */
  tokenId: string;
  usd: number;
  /** When CoinGecko last updated the rate (unix seconds). */
  updatedAt: number;
};

export type Quote = {
  /** Source id, e.g. "akash", "runpod", "necto". */
  source: string;
  /** Stable within the source (the source's own id where it has one). */
  offerId: string;
  /** Who is paid, as a team whitelist names it: the source id for external networks (their
   *  gateway), "necto:<providerId>" for sellers listed on Necto. */
  provider: string;
  /** Canonical GPU model id, e.g. "H100-80G". */
  gpuModel: string;
  /** The vendor's name for the GPU, as given. */
  vendorGpuName: string;
  /** GPUs in one rentable unit the price refers to: 1 for per-GPU offers, 8 for an 8-GPU instance.
   *  Fractional for shares of a GPU (0.25). */
  unitGpus: number;
  /** The most GPUs one job can get from this offer now (0 = sold out). */
  availableGpus: number;
  /** Memory per GPU, GB. */
  vramGb: number;
  region: Region;
  pricingModel: PricingModel;
  raw: RawPrice;
  /** The converted price: integer micro-USD per GPU-hour, renter-side, fees included. */
  effectiveMicroUsdPerGpuHour: number;
  /** Present on token-priced quotes (and any quote converted from a token). */
  tokenRate?: TokenRate;
  /** 0..1, where the source reports reliability or uptime. */
  uptime?: number;
  /** 0..5, where the source rates providers. */
  rating?: number;
  /** Estimated time to a running job, seconds. */
  latencySec?: number;
  /** When the source observed this price (unix seconds). */
  observedAt: number;
  /** The URL the price came from. */
  sourceUrl: string;
  /** Explains a conversion choice the reader should know (e.g. the Nosana fee rule). */
  note?: string;
  /** Set by the keeper when routing a job: the on-chain offer that would carry this quote (the
   *  seller's own offer, or the gateway offer of an external network), or why none can. */
  onchain?: OnchainCarrier;
  /** Set by the keeper on every Necto seller's quote: the seller's on-chain history, and the
   *  reliability the engine derives from it (engine/reliability.ts), which ranks the quote at
   *  price / reliability. The price charged is still the quote's price. External networks have
   *  none: the keeper operates their gateways and fails over. */
  trackRecord?: TrackRecord;
};

/** A Necto seller's on-chain history as the keeper counted it: every routing of a job to one of
 *  its offers, and how it ended. */
export type TrackFigures = {
  /** Routings to its offers: routes, and reroutes to them. */
  routed: number;
  /** Jobs it started (the contract accepts a start only before the start deadline). */
  startedOnTime: number;
  completed: number;
  /** Routings that ended without a start once the start deadline had passed (expired, refunded,
   *  cancelled or rerouted away after it), or are still unstarted past it. */
  missed: number;
  /** Started jobs not completed by their completion deadline. */
  expired: number;
  /** Routings waiting for a start, their start deadline still ahead. */
  openRoutings: number;
  /** Started jobs, their completion deadline still ahead. */
  running: number;
};

export type TrackRecord = TrackFigures & {
  /** Derived from the figures by the engine (reliabilityOf); recorded so a reader sees it. */
  reliability: number;
};

export type OnchainCarrier = { offerId: number } | { unavailable: string };

/** A quote that was considered and left out, and why. */
export type Exclusion = { quote: Quote; reason: string };

/** The stable identity of a quote: the last ranking tie-breaker. */
export function quoteKey(quote: Pick<Quote, 'source' | 'offerId'>): string {
  return `${quote.source}:${quote.offerId}`;
}

/** An offer a source listed that could not become a quote (bad price, unknown GPU, ...). */
export type Rejection = { source: string; offerId?: string; vendorGpuName?: string; reason: string };
