import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { fixtureRecord } from '../verify/fixtures/records.ts';
import DecisionTrace from './DecisionTrace.svelte';

/** Opens a collapsed section by its summary, as a click on it does in a browser. */
async function open(summaryText: RegExp) {
  const summary = screen.getByText(summaryText, { selector: 'summary *' }).closest('summary')!;
  const details = summary.parentElement as HTMLDetailsElement;
  details.open = true;
  await fireEvent(details, new Event('toggle'));
  return details;
}

const bodyRows = (table: HTMLElement) => within(table).getAllByRole('row').length - 1;

describe('DecisionTrace', () => {
  it('shows the request, the choice and the ranking of a routed record', () => {
    render(DecisionTrace, { record: fixtureRecord('routed') });
    expect(screen.getByText('1 × H100-80G, at least 80 GB each')).toBeTruthy();
    expect(screen.getByText('$3.00/GPU-h')).toBeTruthy();
    expect(screen.getByText('required (routing an on-chain job)')).toBeTruthy();
    const chosen = screen.getByText(/carried by on-chain offer 6/);
    expect(chosen.textContent).toMatch(/runpod.*offer NVIDIA H100 PCIe:community:spot from runpod at \$1\.05\/GPU-h/);
    const ranking = screen.getByRole('table', { name: 'Eligible quotes, best first' });
    expect(bodyRows(ranking)).toBe(14);
    expect(within(ranking).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Rank', 'Quote', 'Provider', 'Region', '$/GPU-h', 'Reliability']);
  });

  it('counts every section in its summary and renders long ones only once opened', async () => {
    render(DecisionTrace, { record: fixtureRecord('routed') });
    expect(screen.getByText('143 from 10 sources')).toBeTruthy();
    expect(screen.getByText('129 quotes, 3 constraints')).toBeTruthy();
    expect(screen.getByText('10 of 10 answered')).toBeTruthy();
    expect(screen.queryByRole('table', { name: 'Quotes considered' })).toBeNull();

    await open(/Quotes considered/);
    const quotes = screen.getByRole('table', { name: 'Quotes considered' });
    expect(bodyRows(quotes)).toBe(143);
    expect(within(quotes).getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Source', 'Offer', 'GPU', 'Raw price', '$/GPU-h', 'Region', 'Observed', 'Outcome',
    ]);
    const chosenRow = within(quotes).getByText('✔ chosen').closest('tr')!;
    expect(chosenRow.textContent).toMatch(/runpod.*1\.05.*USD\/GPU-hour.*\$1\.05.*spot/);

    await fireEvent.change(screen.getByLabelText('Source'), { target: { value: 'runpod' } });
    expect(bodyRows(screen.getByRole('table', { name: 'Quotes considered' }))).toBe(40);
  });

  it('groups the exclusions by constraint, most common first, with each reason', async () => {
    const record = fixtureRecord('routed');
    render(DecisionTrace, { record });
    const section = await open(/^Exclusions$/);
    const groups = [...section.querySelectorAll('details.group summary')].map((s) => s.textContent?.replace(/\s+/g, ' ').trim());
    expect(groups[0]).toMatch(/^gpu-model: \d+ quotes — must be the GPU model the job asked for$/);
    const total = groups.reduce((n, g) => n + Number(/: (\d+) quotes?/.exec(g ?? '')?.[1]), 0);
    expect(total).toBe(record.excluded.length);
    const first = record.excluded[0]!;
    expect(within(section).getByText(first.quote, { selector: 'code' }).parentElement?.textContent).toContain(first.reason);
  });

  it('lists sources with their status in words, rejected offers and token rates', async () => {
    const record = fixtureRecord('routed');
    render(DecisionTrace, { record });
    const sources = screen.getByRole('table', { name: 'Sources scanned' });
    expect(bodyRows(sources)).toBe(10);
    expect(within(sources).getAllByText('✔ answered')).toHaveLength(10);
    await open(/Offers that are not quotes/);
    expect(bodyRows(screen.getByRole('table', { name: /could not become quotes/ }))).toBe(record.rejected.length);
    const rates = screen.getByRole('table', { name: /Token rates/ });
    expect(within(rates).getByText('render-token')).toBeTruthy();
  });

  it('says why nothing was chosen', () => {
    const record = fixtureRecord('unroutable');
    render(DecisionTrace, { record });
    expect(screen.getByText('✘ nothing chosen')).toBeTruthy();
    expect(screen.getByText(record.noEligibleOffer!, { exact: false })).toBeTruthy();
    expect(screen.getByText('No quote passed every constraint.')).toBeTruthy();
    expect(screen.getByText('EU')).toBeTruthy();
  });
});
