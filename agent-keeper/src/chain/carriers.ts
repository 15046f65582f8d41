// Which on-chain offer would carry each quote of a job: the seller's own offer for Necto quotes,
// an offer of the network's gateway for external quotes. Mirrors the contract's route checks that
// the quote itself cannot show (the gateway's offers, the offer's window against the job's review
// window, start window and hours, Dynamic pricing excluded by the job, the USD ceiling of Token and
// gateway offers), so the engine never picks a quote `route` would reject.
import { formatPrice } from '../normalize.ts';
import type { OnchainCarrier, Quote } from '../quote.ts';
import { isoTime } from '../time.ts';
import type { OnchainJob, OnchainOffer, OnchainProvider } from './market.ts';

/** What the chain says at routing time, beside the job. */
export type RouteView = {
  offers: readonly OnchainOffer[];
  providers: readonly OnchainProvider[];
  /** Unix seconds the route transaction is expected to be mined at. */
  now: number;
  /** The market's start window, seconds. */
  startWindow: number;
};

export function withCarriers(quotes: readonly Quote[], job: OnchainJob, view: RouteView): Quote[] {
  const gatewayOf = new Map(view.providers.filter((p) => p.sourceTag).map((p) => [p.sourceTag as string, p.providerId]));
  return quotes.map((quote) => ({ ...quote, onchain: carrierOf(quote, job, view, gatewayOf) }));
}

function carrierOf(
  quote: Quote,
  job: OnchainJob,
  view: RouteView,
  gatewayOf: ReadonlyMap<string, number>,
): OnchainCarrier {
  if (quote.source === 'necto') {
    const offer = view.offers.find((o) => o.offerId === Number(quote.offerId) && !o.gateway);
    if (!offer) return { unavailable: `Necto offer ${quote.offerId} is not on-chain` };
    const problem = routeProblem(quote, offer, job, view);
    return problem ? { unavailable: `on-chain offer ${offer.offerId}: ${problem}` } : { offerId: offer.offerId };
  }
  const gateway = gatewayOf.get(quote.source);
  if (gateway === undefined) return { unavailable: `no gateway provider for ${quote.source} on-chain` };
  const candidates = view.offers.filter((o) => o.gateway && o.providerId === gateway);
  const fit = candidates.find((o) => routeProblem(quote, o, job, view) === undefined);
  if (fit) return { offerId: fit.offerId };
  const why = candidates.length
    ? candidates.map((o) => `offer ${o.offerId}: ${routeProblem(quote, o, job, view)}`).join('; ')
    : 'it lists no offer';
  return { unavailable: `gateway ${quote.source} (provider ${gateway}) has no on-chain offer for this job: ${why}` };
}

/** The first reason the contract's `route` would reject this offer for the job at the quote's price
 *  (the job's own maximum price aside: the engine checks it). */
function routeProblem(quote: Quote, offer: OnchainOffer, job: OnchainJob, view: RouteView): string | undefined {
  if (offer.state !== 'Available') return `offer is ${offer.state}`;
  if (offer.gpuModel !== job.gpuModel) return `offer is ${offer.gpuModel}, job needs ${job.gpuModel}`;
  const free = offer.gpuCount - offer.gpusInUse;
  if (free < job.gpuCount) return `${free} GPUs free, job needs ${job.gpuCount}`;
  if (offer.vramGb < job.minVramGb) return `VRAM ${offer.vramGb} GB < ${job.minVramGb} GB`;
  if ((job.country && offer.country !== job.country) || (job.area && offer.area !== job.area)) {
    return `offer region ${offer.country ?? '-'}/${offer.area ?? '-'} outside the job's ${job.country ?? job.area}`;
  }
  if (job.excludedPricing.includes(offer.pricing)) return `${offer.pricing} pricing excluded by the job`;
  return windowProblem(offer, job, view) ?? priceProblem(quote, offer);
}

/** Routed now, the job may still be running at review end + start window + its hours: the offer's
 *  window must hold all of it. */
function windowProblem(offer: OnchainOffer, job: OnchainJob, { now, startWindow }: RouteView): string | undefined {
  if (now < offer.availableFrom) return `offer is available from ${isoTime(offer.availableFrom)}`;
  const latestEnd = now + job.reviewSeconds + startWindow + job.hoursRequested * 3600;
  if (offer.availableUntil === 0 || latestEnd <= offer.availableUntil) return undefined;
  return (
    `offer is available until ${isoTime(offer.availableUntil)}, but the job may run until ${isoTime(latestEnd)} ` +
    `(review ${job.reviewSeconds} s + start window ${startWindow} s + ${job.hoursRequested} h from ${isoTime(now)})`
  );
}

/** A Necto seller's Fixed or Dynamic offer is routed at exactly its on-chain price, which the quote
 *  already is; a Token or gateway offer at most at its committed USD ceiling. */
function priceProblem(quote: Quote, offer: OnchainOffer): string | undefined {
  const exact = !offer.gateway && (offer.pricing === 'Fixed' || offer.pricing === 'Dynamic');
  const price = quote.effectiveMicroUsdPerGpuHour;
  if (exact || BigInt(price) <= offer.price) return undefined;
  return `quote ${formatPrice(price)}/GPU-h is above the offer's USD ceiling ${formatPrice(Number(offer.price))}/GPU-h`;
}
