import { decisionRoot } from 'agent-keeper/decision-root';
import { describe, expect, it } from 'vitest';
import { FIXTURE_ROOTS, fixtureBytes, fixtureJob } from './fixtures/records.ts';
import { VerifyJobError, verifyJobDecision } from './verify-job.ts';
import type { VerifyStage } from './verify-job.ts';
import type { OnchainJob } from '../market.ts';

const keeperServing = (bytes: Uint8Array) => ({ decisionBytes: async () => bytes });
const chainHolding = (job: OnchainJob) => async (jobId: bigint) => {
  if (jobId !== job.jobId) throw new Error(`job ${jobId} does not exist`);
  return job;
};

describe('verifyJobDecision', () => {
  it('verifies a routed job: root, format, the chain and the replay', async () => {
    const stages: VerifyStage[] = [];
    const report = await verifyJobDecision({
      root: FIXTURE_ROOTS.routed,
      keeper: keeperServing(fixtureBytes('routed')),
      readJob: chainHolding(fixtureJob('routed')),
      jobId: 7n,
      onStage: (stage) => stages.push(stage),
    });
    expect(stages).toEqual(['fetch', 'root', 'chain', 'replay']);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['root', true],
      ['format', true],
      ['chain root', true],
      ['chain choice', true],
      ['replay', true],
      ['job', true],
    ]);
    expect(report.ok).toBe(true);
    expect(report.record?.quotes).toHaveLength(143);
    expect(report.size).toBe(fixtureBytes('routed').length);
    expect(report.job?.status).toBe('Routed');
  });

  it('computes the same 0G root as agent-keeper in Node, for both records', async () => {
    for (const name of ['routed', 'unroutable'] as const) {
      const bytes = fixtureBytes(name);
      const report = await verifyJobDecision({ root: FIXTURE_ROOTS[name], keeper: keeperServing(bytes), readJob: chainHolding(fixtureJob(name)) });
      expect(report.computedRoot).toBe(await decisionRoot(bytes));
      expect(report.computedRoot).toBe(FIXTURE_ROOTS[name]);
    }
  });

  it('takes the job from the record when the page names none, and verifies an unroutable job', async () => {
    const report = await verifyJobDecision({
      root: FIXTURE_ROOTS.unroutable,
      keeper: keeperServing(fixtureBytes('unroutable')),
      readJob: chainHolding(fixtureJob('unroutable')),
    });
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.name === 'chain choice')?.detail).toBe('no eligible offer, and the job is marked unroutable on-chain');
    expect(report.checks.find((c) => c.name === 'privacy')?.ok).toBe(true);
  });

  it('fails the root check on altered bytes: one price changed by a cent', async () => {
    const text = new TextDecoder().decode(fixtureBytes('routed'));
    const tampered = text.replace('"effectiveMicroUsdPerGpuHour":1050000', '"effectiveMicroUsdPerGpuHour":1040000');
    expect(tampered).not.toBe(text);
    const report = await verifyJobDecision({
      root: FIXTURE_ROOTS.routed,
      keeper: keeperServing(new TextEncoder().encode(tampered)),
      readJob: chainHolding(fixtureJob('routed')),
      jobId: 7n,
    });
    expect(report.ok).toBe(false);
    const root = report.checks.find((c) => c.name === 'root');
    expect(root?.ok).toBe(false);
    expect(root?.detail).toMatch(/it is not the committed record/);
    expect(report.computedRoot).not.toBe(FIXTURE_ROOTS.routed);
  });

  it('fails the chain checks when the chain committed another root or routed elsewhere', async () => {
    const report = await verifyJobDecision({
      root: FIXTURE_ROOTS.routed,
      keeper: keeperServing(fixtureBytes('routed')),
      readJob: chainHolding(fixtureJob('routed', { decisionRoot: FIXTURE_ROOTS.unroutable, offerId: 3 })),
      jobId: 7n,
    });
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['chain root', 'chain choice']);
  });

  it('names the job a record decides when the page is about another', async () => {
    const report = await verifyJobDecision({
      root: FIXTURE_ROOTS.routed,
      keeper: keeperServing(fixtureBytes('routed')),
      readJob: async () => fixtureJob('routed', { jobId: 9n }),
      jobId: 9n,
    });
    expect(report.checks.at(-1)).toEqual({ name: 'job', ok: false, detail: 'the record decides job 7, not job 9' });
  });

  it('reports a chain it could not read as a failed chain check, with the reason', async () => {
    const report = await verifyJobDecision({
      root: FIXTURE_ROOTS.routed,
      keeper: keeperServing(fixtureBytes('routed')),
      readJob: async () => {
        throw new Error('the RPC at http://127.0.0.1:8545 is unreachable\n    at readJob (market.ts:1)');
      },
    });
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'chain')).toEqual({
      name: 'chain',
      ok: false,
      detail: 'could not read job 7 from the chain: the RPC at http://127.0.0.1:8545 is unreachable',
    });
    expect(report.checks.find((c) => c.name === 'replay')?.ok).toBe(true);
  });

  it('fails, without throwing, on bytes that have no 0G root', async () => {
    const report = await verifyJobDecision({ root: FIXTURE_ROOTS.routed, keeper: keeperServing(new Uint8Array()), readJob: chainHolding(fixtureJob('routed')) });
    expect(report).toMatchObject({ ok: false, size: 0, checks: [{ name: 'root', ok: false }] });
    expect(report.checks[0]?.detail).toMatch(/empty record has no 0G root/);
  });

  it('throws, rather than failing the record, when the 0G SDK cannot compute a root', async () => {
    const failing = verifyJobDecision({
      root: FIXTURE_ROOTS.routed,
      keeper: keeperServing(fixtureBytes('routed')),
      readJob: chainHolding(fixtureJob('routed')),
      computeRoot: async () => Promise.reject(new Error('cannot load the 0G SDK: Failed to fetch dynamically imported module')),
    });
    await expect(failing).rejects.toThrow('could not compute the 0G root here: cannot load the 0G SDK: Failed to fetch dynamically imported module');
  });

  it('throws one sentence when the record cannot be fetched', async () => {
    const failing = verifyJobDecision({
      root: FIXTURE_ROOTS.routed,
      keeper: { decisionBytes: async () => Promise.reject(new Error('the keeper is unreachable at http://127.0.0.1:8788')) },
      readJob: chainHolding(fixtureJob('routed')),
    });
    await expect(failing).rejects.toThrow(VerifyJobError);
    await expect(failing).rejects.toThrow('could not fetch the record: the keeper is unreachable at http://127.0.0.1:8788');
  });
});
