import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { ServiceError } from '../http.ts';
import type { OnchainJob } from '../market.ts';
import type { Services } from '../services.ts';
import { FIXTURE_ROOTS, fixtureBytes, fixtureJob } from '../verify/fixtures/records.ts';
import type { FixtureName } from '../verify/fixtures/records.ts';
import ServicesHost from '../verify/fixtures/ServicesHost.svelte';
import VerifyPanel from './VerifyPanel.svelte';

// The 0G SDK resolves for Node, not jsdom (its `ws` import): the real root is tested in node
// (verify/verify-job.test.ts) and in Chromium. Here, the fixtures' known roots, and any other
// bytes hash to something else.
vi.mock('agent-keeper/decision-root', async (importOriginal) => {
  const original = await importOriginal<typeof import('agent-keeper/decision-root')>();
  const { FIXTURE_ROOTS, fixtureBytes } = await import('../verify/fixtures/records.ts');
  const known = new Map((['routed', 'unroutable'] as const).map((name) => [new TextDecoder().decode(fixtureBytes(name)), FIXTURE_ROOTS[name]]));
  return {
    ...original,
    decisionRoot: async (bytes: Uint8Array) => {
      const unrootable = original.whyUnrootable(bytes);
      if (unrootable) throw new original.DecisionRootError(unrootable);
      return known.get(new TextDecoder().decode(bytes)) ?? `0x${'ab'.repeat(32)}`;
    },
  };
});

type Fakes = { bytes?: (root: string) => Promise<Uint8Array>; job?: (id: bigint) => Promise<OnchainJob> };

function panel(name: FixtureName, props: Record<string, unknown>, fakes: Fakes = {}) {
  const services = {
    keeper: { decisionBytes: fakes.bytes ?? (async () => fixtureBytes(name)) },
    market: { readJob: fakes.job ?? (async () => fixtureJob(name)) },
  } as unknown as Partial<Services>;
  return render(ServicesHost, { props: { services, component: VerifyPanel, props: { root: FIXTURE_ROOTS[name], ...props } } });
}

const verdict = () => screen.findByTestId('verify-verdict', {}, { timeout: 10_000 });

describe('VerifyPanel', () => {
  it('verifies on the button, showing each check and the verdict, then the trace', async () => {
    const onresult = vi.fn();
    panel('routed', { jobId: 7n, onresult });
    expect(screen.queryByTestId('verify-verdict')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Verify decision' }));
    expect((await verdict()).textContent).toMatch(/✔ Verified.*6 checks passed/);
    const checks = within(screen.getByRole('list', { name: 'Checks' })).getAllByRole('listitem');
    expect(checks.map((li) => [li.querySelector('strong')?.textContent, li.querySelector('.pill')?.textContent])).toEqual([
      ['0G root', 'passed'],
      ['Canonical record', 'passed'],
      ['Root on-chain', 'passed'],
      ['Route on-chain', 'passed'],
      ['Replay', 'passed'],
      ['Job', 'passed'],
    ]);
    expect(checks[0]?.textContent).toContain(`the record's bytes hash to ${FIXTURE_ROOTS.routed}`);
    expect(within(screen.getByRole('list', { name: 'Progress' })).getAllByText('done')).toHaveLength(4);
    expect(onresult).toHaveBeenCalledOnce();
    expect(onresult.mock.calls[0]?.[0]).toMatchObject({ ok: true, root: FIXTURE_ROOTS.routed });
    expect(screen.getByRole('region', { name: 'Decision record' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Verify again' })).toBeTruthy();
  });

  it('runs by itself when auto, and names the failing check of a tampered record', async () => {
    const text = new TextDecoder().decode(fixtureBytes('routed'));
    const tampered = new TextEncoder().encode(text.replace('"hours":2', '"hours":3'));
    panel('routed', { jobId: 7n, auto: true }, { bytes: async () => tampered });
    const shown = await verdict();
    expect(shown.textContent).toContain('✘ Not verified');
    expect(shown.textContent).toMatch(/Failed: 0G root/);
    const root = screen.getByText('0G root').closest('li')!;
    expect(root.textContent).toMatch(/✘.*failed.*it is not the committed record/);
  });

  it('shows progress while it works', async () => {
    let release: ((bytes: Uint8Array) => void) | undefined;
    panel('routed', { auto: true }, { bytes: () => new Promise((resolve) => (release = resolve)) });
    expect(await screen.findByText('Fetching the record…', { selector: '.notice *, .notice' })).toBeTruthy();
    await waitFor(() => expect(release).toBeDefined());
    expect(screen.getByRole('button', { name: 'Verify decision' })).toHaveProperty('disabled', true);
    release?.(fixtureBytes('routed'));
    expect((await verdict()).textContent).toContain('✔ Verified');
  });

  it('says in one line when the keeper cannot be reached or has no such record', async () => {
    panel('routed', { auto: true }, { bytes: async () => Promise.reject(new ServiceError('the keeper is unreachable at http://127.0.0.1:8788')) });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent?.trim()).toBe('Could not verify: could not fetch the record: the keeper is unreachable at http://127.0.0.1:8788');
    expect(screen.queryByTestId('verify-verdict')).toBeNull();

    panel('routed', { auto: true }, { bytes: async () => Promise.reject(new ServiceError(`the keeper: no decision record ${FIXTURE_ROOTS.routed}`, 404)) });
    await waitFor(() => expect(screen.getAllByRole('alert')).toHaveLength(2));
    expect(screen.getAllByRole('alert')[1]?.textContent).toContain('no decision record');
  });

  it('verifies a record that chose nothing against an unroutable job', async () => {
    panel('unroutable', { jobId: 8n, auto: true });
    expect((await verdict()).textContent).toContain('✔ Verified');
    expect(screen.getByText('no eligible offer, and the job is marked unroutable on-chain')).toBeTruthy();
  });
});
