// GPUs this keeper has reserved in transactions the chain has not mined yet. A burst of routes is
// sent back to back, so the next decision must see the GPUs the previous ones took, or two jobs
// would be sent to the same last free GPUs and the second route would revert.
import type { OnchainOffer } from './offers.ts';

export class PendingReservations {
  #gpusByOffer = new Map<number, number>();

  /** Counts `gpus` as in use on `offerId` until `mined` settles (mined or failed). */
  hold(offerId: number, gpus: number, mined: Promise<unknown>): void {
    this.#gpusByOffer.set(offerId, (this.#gpusByOffer.get(offerId) ?? 0) + gpus);
    const release = () => {
      const left = (this.#gpusByOffer.get(offerId) ?? 0) - gpus;
      if (left > 0) this.#gpusByOffer.set(offerId, left);
      else this.#gpusByOffer.delete(offerId);
    };
    mined.then(release, release);
  }

  /** The offers as they will be once every pending transaction is mined. */
  apply(offers: readonly OnchainOffer[]): OnchainOffer[] {
    if (this.#gpusByOffer.size === 0) return [...offers];
    return offers.map((offer) => {
      const held = this.#gpusByOffer.get(offer.offerId);
      return held ? { ...offer, gpusInUse: Math.min(offer.gpuCount, offer.gpusInUse + held) } : offer;
    });
  }
}
