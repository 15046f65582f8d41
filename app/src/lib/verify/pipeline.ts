// The keeper's pipeline for one job as a graph: request → each source → normalize → constraints →
// ranking → 0G record → chain, each node idle, active, done or failed. While the keeper routes, the
// states follow its activity events; once the decision record is known, the record decides them.
// Pure: DecisionCanvas only draws what this returns.
import type { ActivityEvent } from 'agent-keeper/activity';
import type { DecisionRecord } from 'agent-keeper/record';

export type NodeState = 'idle' | 'active' | 'done' | 'failed';
export type StageId = 'request' | 'normalize' | 'constraints' | 'ranking' | 'record' | 'chain';
export type PipelineNodeId = StageId | `source:${string}`;

export type PipelineNode = {
  id: PipelineNodeId;
  label: string;
  state: NodeState;
  /** One short line under the label: "7 quotes", "no answer within 3000 ms", "0x46ff…4857". */
  detail: string;
  /** Source nodes only. */
  sourceId?: string;
};

export type PipelineEdge = { id: string; source: PipelineNodeId; target: PipelineNodeId };
export type Pipeline = { nodes: PipelineNode[]; edges: PipelineEdge[] };

export type PipelineInput = {
  events: readonly ActivityEvent[];
  record?: DecisionRecord;
  /** The job's status on-chain (JobStatus): Requested, Routed, Unroutable, ... */
  status?: string;
  /** The record's root, when known beyond the events. */
  root?: string;
};

/** agent-keeper's sources (src/sources/index.ts), in its display order: the nodes shown before
 *  any source has answered. */
export const KNOWN_SOURCES: readonly { id: string; label: string }[] = [
  { id: 'akash', label: 'Akash' },
  { id: 'ionet', label: 'io.net' },
  { id: 'aws-spot', label: 'AWS EC2 Spot' },
  { id: 'render', label: 'Render Network' },
  { id: 'nosana', label: 'Nosana' },
  { id: 'runpod', label: 'RunPod' },
  { id: 'lambda', label: 'Lambda' },
  { id: 'vast', label: 'Vast.ai' },
  { id: 'shadeform', label: 'Shadeform' },
  { id: 'necto', label: 'Necto sellers' },
];

export const STAGE_LABELS: Record<StageId, string> = {
  request: 'Request',
  normalize: 'Normalize',
  constraints: 'Constraints',
  ranking: 'Ranking',
  record: '0G record',
  chain: 'Chain',
};

const AFTER_SOURCES: readonly StageId[] = ['normalize', 'constraints', 'ranking', 'record', 'chain'];
/** On-chain states in which no route or markUnroutable has been mined yet. */
const NOT_POSTED = new Set(['None', 'Requested']);

export const sourceNodeId = (sourceId: string): PipelineNodeId => `source:${sourceId}`;

export function pipelineOf(input: PipelineInput): Pipeline {
  const sources = sourcesOf(input);
  const nodes = input.record ? fromRecord(input.record, sources, input) : fromEvents(currentRun(input.events), sources, input);
  return { nodes, edges: edgesOf(sources.map((s) => s.id)) };
}

type SourceRef = { id: string; label: string };

/** The record's sources, else those the events name, else every known source. */
function sourcesOf({ events, record }: PipelineInput): SourceRef[] {
  if (record?.sources.length) return record.sources.map(({ id, label }) => ({ id, label }));
  const listed = new Map(KNOWN_SOURCES.map((s) => [s.id, s]));
  for (const event of events) {
    const data = sourceData(event);
    if (data && !listed.has(data.id)) listed.set(data.id, { id: data.id, label: data.label ?? data.id });
  }
  return [...listed.values()];
}

function edgesOf(sourceIds: string[]): PipelineEdge[] {
  const edge = (source: PipelineNodeId, target: PipelineNodeId): PipelineEdge => ({ id: `${source}->${target}`, source, target });
  const edges = sourceIds.flatMap((id) => [edge('request', sourceNodeId(id)), edge(sourceNodeId(id), 'normalize')]);
  for (let i = 0; i + 1 < AFTER_SOURCES.length; i++) edges.push(edge(AFTER_SOURCES[i] as StageId, AFTER_SOURCES[i + 1] as StageId));
  return edges;
}

function stage(id: StageId, state: NodeState, detail = ''): PipelineNode {
  return { id, label: STAGE_LABELS[id], state, detail };
}

const quotes = (n: number) => `${n} ${n === 1 ? 'quote' : 'quotes'}`;

// ── From the record: every node is done (or says why it is not) ──────────────────────────────

function fromRecord(record: DecisionRecord, sources: SourceRef[], { status, root, events }: PipelineInput): PipelineNode[] {
  const request = record.request;
  const posted = status === undefined || !NOT_POSTED.has(status);
  const sent = [...events].reverse().find((e) => e.kind === 'tx' && typeof e.data?.hash === 'string');
  const storedRoot = root ?? storedRootIn(events);
  return [
    stage('request', 'done', `${request.gpuCount}× ${request.gpuModel}, ${request.hours} h`),
    ...record.sources.map((s) => sourceNode(s.id, labelOf(sources, s.id), s.status, s.quotes, s.reason)),
    stage('normalize', 'done', quotes(record.quotes.length)),
    stage('constraints', 'done', `${record.excluded.length} excluded`),
    record.chosen ? stage('ranking', 'done', `${record.ranking.length} eligible`) : stage('ranking', 'failed', 'no eligible offer'),
    stage('record', 'done', storedRoot ? shortRoot(storedRoot) : 'stored'),
    posted
      ? stage('chain', 'done', chainLine(record, status))
      : stage('chain', 'active', sent ? `sent ${String(sent.data?.call ?? 'transaction')}` : `job ${status}`),
  ];
}

function chainLine(record: DecisionRecord, status: string | undefined): string {
  const now = status ? ` · ${status}` : '';
  if (!record.chosen) return `marked unroutable${now}`;
  return record.chosen.onchainOfferId === undefined ? `not routed${now}` : `offer ${record.chosen.onchainOfferId}${now}`;
}

// ── From the events: what the keeper has done so far in its latest attempt ──────────────────

/** The latest routing attempt: from the last `job` event (a retry or a reroute starts again). */
export function currentRun(events: readonly ActivityEvent[]): readonly ActivityEvent[] {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]?.kind === 'job') return events.slice(i);
  return events;
}

function fromEvents(run: readonly ActivityEvent[], sources: SourceRef[], { status, root }: PipelineInput): PipelineNode[] {
  const started = run.length > 0 || (status !== undefined && status !== 'None');
  const byKind = (kind: ActivityEvent['kind']) => run.find((e) => e.kind === kind);
  const scan = byKind('scan');
  const decision = byKind('decision');
  const stored = byKind('store');
  const tx = [...run].reverse().find((e) => e.kind === 'tx');
  const settled = run.find((e) => e.kind === 'routed' || e.kind === 'unroutable' || e.kind === 'rerouted');
  const failure = run.find((e) => e.kind === 'error');
  const skipped = run.find((e) => e.kind === 'skipped');
  const answered = new Map<string, SourceEventData>();
  for (const event of run) {
    const data = sourceData(event);
    if (data) answered.set(data.id, data);
  }
  const scanning = started && !scan && !failure && !skipped;

  const sourceNodes = sources.map(({ id, label }) => {
    const data = answered.get(id);
    if (data) return sourceNode(id, label, data.status, data.quotes ?? 0, data.reason);
    return { id: sourceNodeId(id), sourceId: id, label, state: scanning ? 'active' : 'idle', detail: scanning ? 'asking…' : '' } satisfies PipelineNode;
  });

  // Each stage is active from the moment the one before it finished until its own event.
  const nodes: PipelineNode[] = [
    stage('request', started ? 'done' : 'idle', started ? `job ${run[0]?.jobId ?? ''}`.trim() : ''),
    ...sourceNodes,
    scan ? stage('normalize', 'done', quotes(Number(scan.data?.quotes ?? 0))) : stage('normalize', answered.size > 0 ? 'active' : 'idle'),
    decision ? stage('constraints', 'done') : stage('constraints', scan ? 'active' : 'idle'),
    decision
      ? typeof decision.data?.quote === 'string'
        ? stage('ranking', 'done', String(decision.data.quote))
        : stage('ranking', 'failed', 'no eligible offer')
      : stage('ranking', scan ? 'active' : 'idle'),
    stored ? stage('record', 'done', shortRoot(String(stored.data?.root ?? root ?? ''))) : stage('record', decision ? 'active' : 'idle'),
    chainFromEvents(stored, tx, settled),
  ];

  // An error stops the attempt where it was: the stage at work failed, later ones never started.
  // An error fails the stage at work, or the first not reached (a scan that broke off fails
  // normalize, not a source that simply had not answered).
  if (failure) {
    const working = nodes.find((n) => n.state === 'active' && !n.sourceId) ?? nodes.find((n) => n.state === 'idle' && !n.sourceId && n.id !== 'request');
    if (working) Object.assign(working, { state: 'failed', detail: failure.message });
    for (const node of nodes) if (node.state === 'active') Object.assign(node, { state: 'idle', detail: '' });
  } else if (skipped) {
    for (const node of nodes) if (node.state === 'active') Object.assign(node, { state: 'idle', detail: '' });
    const chain = nodes.at(-1);
    if (chain && chain.state !== 'done') Object.assign(chain, { detail: skipped.message });
  }
  return nodes;
}

function chainFromEvents(stored: ActivityEvent | undefined, tx: ActivityEvent | undefined, settled: ActivityEvent | undefined): PipelineNode {
  if (settled) return stage('chain', 'done', settled.kind === 'unroutable' ? 'marked unroutable' : settled.kind);
  // The keeper's feed says "Sent" when a transaction leaves and "Posted … in block" once mined.
  if (tx?.data?.blockNumber !== undefined) return stage('chain', 'done', `mined in block ${String(tx.data.blockNumber)}`);
  if (tx) return stage('chain', 'active', `sent ${String(tx.data?.call ?? 'transaction')}`);
  return stage('chain', stored ? 'active' : 'idle');
}

// ── Shared ───────────────────────────────────────────────────────────────────────────────────

type SourceEventData = { id: string; label?: string; status: string; quotes?: number; reason?: string };

/** A source event's data (agent-keeper's SourceStatus), checked loosely: the feed is JSON. */
function sourceData(event: ActivityEvent): SourceEventData | undefined {
  const data = event.data;
  if (event.kind !== 'source' || typeof data?.id !== 'string' || typeof data.status !== 'string') return undefined;
  return {
    id: data.id,
    status: data.status,
    ...(typeof data.label === 'string' && { label: data.label }),
    ...(typeof data.quotes === 'number' && { quotes: data.quotes }),
    ...(typeof data.reason === 'string' && { reason: data.reason }),
  };
}

function sourceNode(id: string, label: string, status: string, count: number, reason?: string): PipelineNode {
  const node = { id: sourceNodeId(id), sourceId: id, label };
  if (status === 'ok') return { ...node, state: 'done', detail: quotes(count) };
  // A skipped source (no API key) took no part: it stays unlit, saying why.
  if (status === 'skipped') return { ...node, state: 'idle', detail: `skipped: ${reason ?? 'not configured'}` };
  return { ...node, state: 'failed', detail: reason ?? status };
}

function labelOf(sources: SourceRef[], id: string): string {
  return sources.find((s) => s.id === id)?.label ?? id;
}

function storedRootIn(events: readonly ActivityEvent[]): string | undefined {
  const stored = [...events].reverse().find((e) => e.kind === 'store' && typeof e.data?.root === 'string');
  return stored?.data?.root as string | undefined;
}

function shortRoot(root: string): string {
  return root.length > 14 ? `${root.slice(0, 6)}…${root.slice(-4)}` : root;
}

// ── Layout ───────────────────────────────────────────────────────────────────────────────────

export type Orientation = 'horizontal' | 'vertical';
export const NODE_WIDTH = 160;
export const NODE_HEIGHT = 56;
const GAP_X = 48;
const GAP_Y = 12;

/** Gaps between nodes, and the narrowest a layout can be with `perRow` sources abreast. */
export const layoutWidth = (perRow: number) => perRow * NODE_WIDTH + (perRow - 1) * (GAP_X / 2);

/**
 * Positions for the nodes. Horizontal: left to right, the sources in one column between the
 * request and normalize. Vertical: top to bottom, the sources `perRow` abreast (2 fit a phone),
 * so the graph fits its width without zooming out far enough to be unreadable.
 */
export function layoutPipeline(
  nodes: readonly PipelineNode[],
  orientation: Orientation,
  perRow = 2,
): Map<PipelineNodeId, { x: number; y: number }> {
  const positions = new Map<PipelineNodeId, { x: number; y: number }>();
  const sources = nodes.filter((n) => n.sourceId);
  const stages = nodes.filter((n) => !n.sourceId && n.id !== 'request');
  if (orientation === 'horizontal') {
    const columnHeight = sources.length * (NODE_HEIGHT + GAP_Y) - GAP_Y;
    const middle = Math.max(0, columnHeight / 2 - NODE_HEIGHT / 2);
    const column = (i: number) => i * (NODE_WIDTH + GAP_X);
    positions.set('request', { x: column(0), y: middle });
    sources.forEach((n, i) => positions.set(n.id, { x: column(1), y: i * (NODE_HEIGHT + GAP_Y) }));
    stages.forEach((n, i) => positions.set(n.id, { x: column(i + 2), y: middle }));
    return positions;
  }
  const abreast = Math.max(1, Math.min(perRow, sources.length));
  const centre = layoutWidth(abreast) / 2 - NODE_WIDTH / 2;
  const row = (i: number) => i * (NODE_HEIGHT + GAP_Y * 1.5);
  positions.set('request', { x: centre, y: 0 });
  sources.forEach((n, i) => positions.set(n.id, { x: (i % abreast) * (NODE_WIDTH + GAP_X / 2), y: row(1 + Math.floor(i / abreast)) }));
  const after = 1 + Math.ceil(sources.length / abreast);
  stages.forEach((n, i) => positions.set(n.id, { x: centre, y: row(after + i) }));
  return positions;
}

/** The size of the laid-out graph, for a container that shows it whole. */
export function layoutBounds(positions: ReadonlyMap<string, { x: number; y: number }>): { width: number; height: number } {
  let width = 0;
  let height = 0;
  for (const { x, y } of positions.values()) {
    width = Math.max(width, x + NODE_WIDTH);
    height = Math.max(height, y + NODE_HEIGHT);
  }
  return { width, height };
}

// ── What each node's activity was ─────────────────────────────────────────────────────────────

const KINDS_OF_STAGE: Record<StageId, readonly ActivityEvent['kind'][]> = {
  request: ['job'],
  normalize: ['scan'],
  constraints: ['decision'],
  ranking: ['decision'],
  record: ['store'],
  chain: ['tx', 'routed', 'unroutable', 'rerouted', 'skipped', 'error', 'fulfilment'],
};

/** The events of the latest attempt that concern one node: a source's answer, the scan, ... */
export function eventsOfNode(events: readonly ActivityEvent[], id: PipelineNodeId): ActivityEvent[] {
  const run = currentRun(events);
  if (id.startsWith('source:')) {
    const sourceId = id.slice('source:'.length);
    return run.filter((e) => sourceData(e)?.id === sourceId);
  }
  const kinds = KINDS_OF_STAGE[id as StageId] ?? [];
  return run.filter((e) => kinds.includes(e.kind));
}
