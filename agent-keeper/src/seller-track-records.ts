// Attaches every Necto seller's on-chain track record to the quotes of a decision, read
// incrementally from the market's events. A refresh that fails falls back to the last figures
// read; with none at all the decision cannot be made fairly (every seller would look new and get a
// free routing), so the action fails and is retried.
import type { Market } from './chain/market.ts';
import { rpcErrorMessage } from './chain/offers.ts';
import { TrackRecordReader, withTrackRecords } from './chain/track-record.ts';
import type { Quote } from './quote.ts';

export function sellerTrackRecords(market: Pick<Market, 'client' | 'address' | 'deploymentBlock'>): (quotes: Quote[]) => Promise<Quote[]> {
  const reader = new TrackRecordReader(market.client, market.address, market.deploymentBlock);
  return async (quotes) => {
    let figures;
    try {
      figures = await reader.refresh();
    } catch (error) {
      figures = reader.figures;
      if (!figures) throw new Error(`cannot read the sellers' track records: ${rpcErrorMessage(error)}`);
    }
    return withTrackRecords(quotes, figures);
  };
}
