// Which on-chain offer would carry each quote of a job: the seller's own offer for Necto quotes,
// an offer of the network's gateway for external quotes. Mirrors the contract's route checks that
// the quote itself cannot show (the gateway's offers, the job's hours inside the offer's window,
// Dynamic pricing excluded by the job), so the engine never picks a quote `route` would reject.
import type { OnchainCarrier, Quote } from '../quote.ts';
import type { OnchainJob, OnchainOffer, OnchainProvider } from './market.ts';

export function withCarriers(
  quotes: readonly Quote[],
  job: OnchainJob,
  offers: readonly OnchainOffer[],
  providers: readonly OnchainProvider[],
  now: number,
): Quote[] {
  const gatewayOf = new Map(providers.filter((p) => p.sourceTag).map((p) => [p.sourceTag as string, p.providerId]));
  return quotes.map((quote) => ({ ...quote, onchain: carrierOf(quote, job, offers, gatewayOf, now) }));
}

function carrierOf(
  quote: Quote,
  job: OnchainJob,
  offers: readonly OnchainOffer[],
  gatewayOf: ReadonlyMap<string, number>,
  now: number,
): OnchainCarrier {
  if (quote.source === 'necto') {
    const offer = offers.find((o) => o.offerId === Number(quote.offerId) && !o.gateway);
    if (!offer) return { unavailable: `Necto offer ${quote.offerId} is not on-chain` };
    const problem = routeProblem(offer, job, now);
    return problem ? { unavailable: `on-chain offer ${offer.offerId}: ${problem}` } : { offerId: offer.offerId };
  }
  const gateway = gatewayOf.get(quote.source);
  if (gateway === undefined) return { unavailable: `no gateway provider for ${quote.source} on-chain` };
  const candidates = offers.filter((o) => o.gateway && o.providerId === gateway);
  const fit = candidates.find((o) => routeProblem(o, job, now) === undefined);
  if (fit) return { offerId: fit.offerId };
  const why = candidates.length ? routeProblem(candidates[0] as OnchainOffer, job, now) : 'it lists no offer';
  return { unavailable: `gateway ${quote.source} (provider ${gateway}) has no on-chain offer for this job: ${why}` };
}

/** The first reason the contract's `route` would reject this offer for the job (price aside). */
function routeProblem(offer: OnchainOffer, job: OnchainJob, now: number): string | undefined {
  if (offer.state !== 'Available') return `offer is ${offer.state}`;
  if (offer.gpuModel !== job.gpuModel) return `offer is ${offer.gpuModel}, job needs ${job.gpuModel}`;
  const free = offer.gpuCount - offer.gpusInUse;
  if (free < job.gpuCount) return `${free} GPUs free, job needs ${job.gpuCount}`;
  if (offer.vramGb < job.minVramGb) return `VRAM ${offer.vramGb} GB < ${job.minVramGb} GB`;
  if ((job.country && offer.country !== job.country) || (job.area && offer.area !== job.area)) {
    return `offer region ${offer.country ?? '-'}/${offer.area ?? '-'} outside the job's ${job.country ?? job.area}`;
  }
  if (job.excludedPricing.includes(offer.pricing)) return `${offer.pricing} pricing excluded by the job`;
  const end = now + job.hoursRequested * 3600;
  if (now < offer.availableFrom || (offer.availableUntil !== 0 && end > offer.availableUntil)) {
    return 'the job does not fit in the offer\'s availability window';
  }
  return undefined;
}
