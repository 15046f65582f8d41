import type { ActivityEvent } from 'agent-keeper/activity';
import { describe, expect, it } from 'vitest';
import { FIXTURE_ROOTS, fixtureRecord } from './fixtures/records.ts';
import { KNOWN_SOURCES, NODE_HEIGHT, NODE_WIDTH, currentRun, eventsOfNode, layoutBounds, layoutPipeline, layoutWidth, pipelineOf } from './pipeline.ts';
import type { Pipeline } from './pipeline.ts';

let seq = 0;
const event = (kind: ActivityEvent['kind'], message: string, data?: Record<string, unknown>): ActivityEvent => ({
  seq: ++seq,
  at: 1_795_176_000_000 + seq,
  jobId: '7',
  kind,
  message,
  ...(data && { data }),
});
const source = (id: string, status: 'ok' | 'failed' | 'skipped', quotes = 0, reason?: string) =>
  event('source', `${id} ${status}`, { id, label: id, url: `snapshot://${id}`, status, quotes, rejected: 0, ...(reason && { reason }) });

/** A routing as the keeper narrates it (agent-keeper service/toolkit.ts and service/keeper.ts). */
function routing(): ActivityEvent[] {
  return [
    event('job', 'Job 7 requested in block 12', { blockNumber: '12' }),
    event('job', 'Routing job 7'),
    ...KNOWN_SOURCES.map((s) => (s.id === 'ionet' ? source(s.id, 'failed', 0, 'no answer within 3000 ms') : source(s.id, 'ok', 7))),
    event('scan', '63 quotes from 9 of 10 sources (snapshot)', { quotes: 63, scannedAt: 1_795_176_000, scanAgeSeconds: 0, mode: 'snapshot' }),
    event('decision', 'Chose runpod … at $1.05/GPU-h', { quote: 'runpod:NVIDIA H100 PCIe:community:spot', usdPerGpuHour: 1.05 }),
    event('store', `Stored the decision record ${FIXTURE_ROOTS.routed} (local)`, { root: FIXTURE_ROOTS.routed }),
    event('tx', 'Sent route 0xabc', { call: 'route', hash: '0xabc' }),
    event('tx', 'Posted route 0xabc in block 13', { txHash: '0xabc', blockNumber: '13', root: FIXTURE_ROOTS.routed }),
    event('routed', 'Routed job 7 to offer 6 at $1.05/GPU-h', { outcome: 'routed', root: FIXTURE_ROOTS.routed }),
  ];
}

const states = (pipeline: Pipeline) => Object.fromEntries(pipeline.nodes.map((n) => [n.id, n.state]));
const node = (pipeline: Pipeline, id: string) => pipeline.nodes.find((n) => n.id === id);
/** The pipeline after the first `n` events of a routing. */
const after = (n: number) => pipelineOf({ events: routing().slice(0, n) });

describe('pipelineOf, from activity events', () => {
  it('is all idle, one node per known source, before anything happened', () => {
    const pipeline = pipelineOf({ events: [] });
    expect(pipeline.nodes.map((n) => n.id)).toEqual([
      'request',
      ...KNOWN_SOURCES.map((s) => `source:${s.id}`),
      'normalize',
      'constraints',
      'ranking',
      'record',
      'chain',
    ]);
    expect(new Set(pipeline.nodes.map((n) => n.state))).toEqual(new Set(['idle']));
    expect(node(pipeline, 'source:aws-spot')?.label).toBe('AWS EC2 Spot');
    expect(pipeline.edges).toHaveLength(2 * KNOWN_SOURCES.length + 4);
    expect(pipeline.edges).toContainEqual({ id: 'source:akash->normalize', source: 'source:akash', target: 'normalize' });
    expect(pipeline.edges).toContainEqual({ id: 'record->chain', source: 'record', target: 'chain' });
  });

  it('keeps a routed run done when the keeper then says who runs the job on a gateway', () => {
    const routed = pipelineOf({ events: [...routing(), event('fulfilment', 'Job 7 runs on runpod through its gateway: awaiting operator', { fulfilment: 'operator', network: 'runpod' })] });
    expect(new Set(Object.values(states(routed)).filter((s) => s !== 'done' && s !== 'failed'))).toEqual(new Set());
    expect(eventsOfNode(routing().concat(event('fulfilment', 'awaiting operator')), 'chain').at(-1)?.kind).toBe('fulfilment');
  });

  it('asks every source once the routing starts, and lights each as it answers', () => {
    const started = after(2);
    expect(node(started, 'request')?.state).toBe('done');
    expect(node(started, 'source:akash')).toMatchObject({ state: 'active', detail: 'asking…' });
    expect(node(started, 'normalize')?.state).toBe('idle');

    const twoAnswered = after(4);
    expect(node(twoAnswered, 'source:akash')).toMatchObject({ state: 'done', detail: '7 quotes' });
    expect(node(twoAnswered, 'source:ionet')).toMatchObject({ state: 'failed', detail: 'no answer within 3000 ms' });
    expect(node(twoAnswered, 'source:aws-spot')?.state).toBe('active');
    expect(node(twoAnswered, 'normalize')?.state).toBe('active');
  });

  it('moves through normalize, constraints and ranking, the record and the chain', () => {
    const scanned = after(13);
    expect(node(scanned, 'normalize')).toMatchObject({ state: 'done', detail: '63 quotes' });
    expect(states(scanned)).toMatchObject({ constraints: 'active', ranking: 'active', record: 'idle', chain: 'idle' });

    const decided = after(14);
    expect(states(decided)).toMatchObject({ constraints: 'done', ranking: 'done', record: 'active' });
    expect(node(decided, 'ranking')?.detail).toBe('runpod:NVIDIA H100 PCIe:community:spot');

    const stored = after(15);
    expect(node(stored, 'record')).toMatchObject({ state: 'done', detail: '0x46ff…4857' });
    expect(node(stored, 'chain')?.state).toBe('active');

    expect(node(after(16), 'chain')).toMatchObject({ state: 'active', detail: 'sent route' });
    expect(node(after(17), 'chain')).toMatchObject({ state: 'done', detail: 'mined in block 13' });
    expect(node(after(18), 'chain')).toMatchObject({ state: 'done', detail: 'routed' });
  });

  it('fails the ranking when no offer is eligible, and ends with the job marked unroutable', () => {
    const events = [
      ...routing().slice(0, 13),
      event('decision', 'No eligible offer among 143 quotes', {}),
      event('store', 'Stored …', { root: FIXTURE_ROOTS.unroutable }),
      event('unroutable', 'Job 7 marked unroutable', { outcome: 'unroutable' }),
    ];
    const pipeline = pipelineOf({ events });
    expect(node(pipeline, 'ranking')).toMatchObject({ state: 'failed', detail: 'no eligible offer' });
    expect(node(pipeline, 'chain')).toMatchObject({ state: 'done', detail: 'marked unroutable' });
  });

  it('fails the stage at work on an error, and starts afresh on the retry', () => {
    const failed = pipelineOf({ events: [...routing().slice(0, 15), event('error', 'route for job 7 failed: nonce too low; retrying')] });
    expect(node(failed, 'chain')).toMatchObject({ state: 'failed', detail: 'route for job 7 failed: nonce too low; retrying' });
    expect(states(failed)).toMatchObject({ record: 'done', ranking: 'done' });

    const brokenScan = pipelineOf({ events: [...routing().slice(0, 3), event('error', 'Job 7: RPC unreachable; retrying')] });
    expect(node(brokenScan, 'normalize')).toMatchObject({ state: 'failed', detail: 'Job 7: RPC unreachable; retrying' });
    expect(node(brokenScan, 'source:akash')?.state).toBe('done');
    expect(node(brokenScan, 'source:ionet')?.state).toBe('idle');

    const retry = pipelineOf({ events: [...routing().slice(0, 15), event('error', 'failed; retrying'), event('job', 'Routing job 7')] });
    expect(currentRun(routing()).length).toBe(17);
    expect(node(retry, 'chain')?.state).toBe('idle');
    expect(node(retry, 'source:akash')?.state).toBe('active');
  });

  it('leaves a skipped source unlit, saying why', () => {
    const pipeline = pipelineOf({ events: [event('job', 'Routing job 7'), source('shadeform', 'skipped', 0, 'SHADEFORM_API_KEY not set')] });
    expect(node(pipeline, 'source:shadeform')).toMatchObject({ state: 'idle', detail: 'skipped: SHADEFORM_API_KEY not set' });
  });

  it('adds a source the events name that it did not know', () => {
    const pipeline = pipelineOf({ events: [event('job', 'Routing job 7'), source('tensordock', 'ok', 3)] });
    expect(node(pipeline, 'source:tensordock')).toMatchObject({ state: 'done', label: 'tensordock', detail: '3 quotes' });
  });
});

describe('pipelineOf, from a decision record', () => {
  it('makes every node done from the record, whatever the events say', () => {
    const record = fixtureRecord('routed');
    const pipeline = pipelineOf({ events: routing().slice(0, 3), record, status: 'Routed', root: FIXTURE_ROOTS.routed });
    expect(new Set(pipeline.nodes.map((n) => n.state))).toEqual(new Set(['done']));
    expect(node(pipeline, 'request')?.detail).toBe('1× H100-80G, 2 h');
    expect(node(pipeline, 'source:runpod')?.detail).toBe('40 quotes');
    expect(node(pipeline, 'normalize')?.detail).toBe('143 quotes');
    expect(node(pipeline, 'constraints')?.detail).toBe('129 excluded');
    expect(node(pipeline, 'ranking')?.detail).toBe('14 eligible');
    expect(node(pipeline, 'record')?.detail).toBe('0x46ff…4857');
    expect(node(pipeline, 'chain')?.detail).toBe('offer 6 · Routed');
  });

  it('shows a record that chose nothing as a failed ranking and a job marked unroutable', () => {
    const pipeline = pipelineOf({ events: [], record: fixtureRecord('unroutable'), status: 'Unroutable' });
    expect(node(pipeline, 'ranking')).toMatchObject({ state: 'failed', detail: 'no eligible offer' });
    expect(node(pipeline, 'chain')).toMatchObject({ state: 'done', detail: 'marked unroutable · Unroutable' });
    expect(node(pipeline, 'record')?.detail).toBe('stored');
  });

  it('keeps the chain active while the job still waits for its route', () => {
    const pipeline = pipelineOf({ events: [event('tx', 'Sent route 0xabc', { call: 'route', hash: '0xabc' })], record: fixtureRecord('routed'), status: 'Requested' });
    expect(node(pipeline, 'chain')).toMatchObject({ state: 'active', detail: 'sent route' });
  });
});

describe('layoutPipeline', () => {
  const { nodes } = pipelineOf({ events: [] });
  const overlaps = (positions: Map<string, { x: number; y: number }>) => {
    const boxes = [...positions.values()];
    return boxes.some((a, i) => boxes.some((b, j) => i < j && Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT));
  };

  it('places every node, none overlapping, left to right', () => {
    const positions = layoutPipeline(nodes, 'horizontal');
    expect(positions.size).toBe(nodes.length);
    expect(overlaps(positions)).toBe(false);
    expect(positions.get('chain')!.x).toBeGreaterThan(positions.get('record')!.x);
  });

  it('stacks top to bottom at most two nodes wide on a narrow screen', () => {
    const positions = layoutPipeline(nodes, 'vertical');
    expect(overlaps(positions)).toBe(false);
    const xs = [...positions.values()].map((p) => p.x);
    expect(Math.max(...xs) + NODE_WIDTH).toBeLessThanOrEqual(2 * NODE_WIDTH + 40);
    expect(positions.get('chain')!.y).toBeGreaterThan(positions.get('source:necto')!.y);
    // 390 px wide, less the page's padding: no zooming out needed.
    expect(layoutBounds(positions).width).toBeLessThanOrEqual(366 - 16);
  });
});

describe('eventsOfNode', () => {
  it('picks the events of the latest attempt that concern one node', () => {
    const events = routing();
    expect(eventsOfNode(events, 'source:ionet').map((e) => e.message)).toEqual(['ionet failed']);
    expect(eventsOfNode(events, 'record').map((e) => e.kind)).toEqual(['store']);
    expect(eventsOfNode(events, 'chain').map((e) => e.kind)).toEqual(['tx', 'tx', 'routed']);
    expect(eventsOfNode(events, 'request').map((e) => e.message)).toEqual(['Routing job 7']);
  });
});

describe('layoutPipeline on a medium screen', () => {
  it('puts five sources abreast in two rows', () => {
    const { nodes } = pipelineOf({ events: [] });
    const positions = layoutPipeline(nodes, 'vertical', 5);
    const sourceRows = new Set(nodes.filter((n) => n.sourceId).map((n) => positions.get(n.id)!.y));
    expect(sourceRows.size).toBe(2);
    expect(layoutBounds(positions).width).toBe(layoutWidth(5));
  });
});
