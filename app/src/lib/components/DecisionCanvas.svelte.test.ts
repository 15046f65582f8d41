import type { ActivityEvent } from 'agent-keeper/activity';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_ROOTS, fixtureRecord } from '../verify/fixtures/records.ts';
import DecisionCanvas from './DecisionCanvas.svelte';

// jsdom has no layout: give every element a width, and Svelte Flow the observers it expects.
let width = 1280;
const clientWidth = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientWidth');
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => width });
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  window.matchMedia ??= ((query: string) => ({ matches: false, media: query, addEventListener() {}, removeEventListener() {} })) as unknown as typeof window.matchMedia;
  // Svelte Flow measures with DOMMatrixReadOnly when the viewport transforms.
  globalThis.DOMMatrixReadOnly ??= class {
    m22 = 1;
    constructor() {}
  } as unknown as typeof DOMMatrixReadOnly;
});
afterAll(() => {
  if (clientWidth) Object.defineProperty(HTMLElement.prototype, 'clientWidth', clientWidth);
});

let seq = 0;
const event = (kind: ActivityEvent['kind'], message: string, data?: Record<string, unknown>): ActivityEvent => ({ seq: ++seq, at: 1_795_176_000_000 + seq, jobId: '7', kind, message, ...(data && { data }) });

/** The node buttons, once Svelte Flow (the lazy chunk) has drawn them. */
const flowNode = (name: RegExp) => waitFor(() => {
  const flow = document.querySelector('.svelte-flow');
  if (!flow) throw new Error('Svelte Flow has not loaded yet');
  return within(flow as HTMLElement).getByRole('button', { name });
}, { timeout: 10_000 });

describe('DecisionCanvas', () => {
  it('draws one node per stage and source with Svelte Flow, all done from a record', async () => {
    render(DecisionCanvas, { props: { events: [], record: fixtureRecord('routed'), status: 'Routed', root: FIXTURE_ROOTS.routed, size: 92_144 } });
    const akash = await flowNode(/^Akash: done, 7 quotes/);
    expect(akash.getAttribute('aria-pressed')).toBe('false');
    const flow = document.querySelector('.svelte-flow') as HTMLElement;
    const names = within(flow).getAllByRole('button').map((b) => b.getAttribute('aria-label')?.split(':')[0]);
    expect(names).toEqual(['Request', 'Akash', 'io.net', 'AWS EC2 Spot', 'Render Network', 'Nosana', 'RunPod', 'Lambda', 'Vast.ai', 'Shadeform', 'Necto sellers', 'Normalize', 'Constraints', 'Ranking', '0G record', 'Chain']);
    // Edges need measured handles, which jsdom cannot give: the Chromium check counts them.
  });

  it('opens a node\'s part of the record on click, and closes it', async () => {
    render(DecisionCanvas, { props: { events: [], record: fixtureRecord('routed'), status: 'Routed', root: FIXTURE_ROOTS.routed, size: 92_144 } });
    await fireEvent.click(await flowNode(/^RunPod: done, 40 quotes/));
    const detail = screen.getByRole('region', { name: 'RunPod' });
    expect(within(within(detail).getByRole('table', { name: 'Quotes from RunPod' })).getAllByRole('row')).toHaveLength(41);
    expect(within(detail).getByRole('table', { name: 'Offers from RunPod that are not quotes' })).toBeTruthy();
    expect(within(detail).getByText('✔ chosen')).toBeTruthy();
    expect((await flowNode(/^RunPod/)).getAttribute('aria-pressed')).toBe('true');

    await fireEvent.click(await flowNode(/^0G record/));
    const record = screen.getByRole('region', { name: '0G record' });
    expect(record.textContent).toContain(FIXTURE_ROOTS.routed);
    expect(record.textContent).toContain('92,144 bytes');

    await fireEvent.click(await flowNode(/^Constraints: done, 129 excluded/));
    expect(within(screen.getByRole('region', { name: 'Constraints' })).getByText('gpu-model')).toBeTruthy();

    await fireEvent.click(await flowNode(/^Chain: done/));
    expect(screen.getByRole('region', { name: 'Chain' }).textContent).toMatch(/offer 6 at \$1\.05\/GPU-h/);

    await fireEvent.click(within(screen.getByRole('region', { name: 'Chain' })).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('region', { name: 'Chain' })).toBeNull();
  });

  it('lights nodes from the activity events while the keeper routes', async () => {
    const events = [
      event('job', 'Routing job 7'),
      event('source', 'Scanning Akash... 7 offers', { id: 'akash', label: 'Akash', status: 'ok', quotes: 7, rejected: 0 }),
      event('source', 'Checking io.net... no answer within 3000 ms', { id: 'ionet', label: 'io.net', status: 'failed', quotes: 0, rejected: 0, reason: 'no answer within 3000 ms' }),
    ];
    const view = render(DecisionCanvas, { props: { events } });
    expect((await flowNode(/^Akash/)).getAttribute('aria-label')).toMatch(/^Akash: done, 7 quotes/);
    expect((await flowNode(/^io\.net/)).getAttribute('aria-label')).toMatch(/^io\.net: failed, no answer within 3000 ms/);
    expect((await flowNode(/^RunPod/)).getAttribute('aria-label')).toMatch(/^RunPod: working, asking…/);
    expect((await flowNode(/^Chain/)).getAttribute('aria-label')).toMatch(/^Chain: waiting/);

    await fireEvent.click(await flowNode(/^io\.net/));
    expect(screen.getByRole('region', { name: 'io.net' }).textContent).toContain('Checking io.net... no answer within 3000 ms');

    expect(screen.queryByText(/The keeper hit an error/)).toBeNull();
    await view.rerender({ events: [...events, event('error', 'Job 7: RPC unreachable; retrying')] });
    expect(screen.getByText(/The keeper hit an error \(Job 7: RPC unreachable; retrying\)/)).toBeTruthy();
    await view.rerender({ events: [...events, event('scan', '14 quotes', { quotes: 14 }), event('decision', 'Chose …', { quote: 'akash:x' }), event('store', 'Stored', { root: FIXTURE_ROOTS.routed })] });
    await waitFor(async () => expect((await flowNode(/^0G record/)).getAttribute('aria-label')).toMatch(/^0G record: done, 0x46ff…4857/));
    expect((await flowNode(/^Chain/)).getAttribute('aria-label')).toMatch(/^Chain: working/);
  });

  it('stacks the graph on a phone, two sources abreast, without zooming out', async () => {
    width = 366;
    try {
      render(DecisionCanvas, { props: { events: [], record: fixtureRecord('unroutable'), status: 'Unroutable' } });
      await flowNode(/^Ranking: failed, no eligible offer/);
      const flow = document.querySelector('.flow') as HTMLElement;
      const height = Number.parseInt(flow.style.height);
      expect(height).toBeGreaterThan(700);
      const xs = new Set([...document.querySelectorAll('.svelte-flow__node')].map((n) => (n as HTMLElement).style.transform));
      expect(xs.size).toBe(16);
    } finally {
      width = 1280;
    }
  });
});
