// The deterministic keeper agent through a real ADK Runner: every tool call and result is an
// event; a check acts only on what it found; a failing toolkit never throws out of the agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '@google/adk';
import { KeeperAgent, createKeeperRunner, keeperAgentTools } from '../../src/agent/keeper-agent.ts';
import type { RerouteCheck, RoutingAction } from '../../src/agent/toolkit.ts';
import { ROOT, failingToolkit, recordedToolkit } from './fixtures.ts';

const routed = { outcome: 'routed', jobId: '7', root: ROOT, txHash: ROOT, blockNumber: '12', summary: 'Job 7 routed' } satisfies RoutingAction;
const expired: RoutingAction = { outcome: 'expired', jobId: '7', root: ROOT, txHash: ROOT, summary: 'Expired job 7' };

function runnerWith(checkAction: RerouteCheck['action']) {
  const expires: bigint[] = [];
  const toolkit = Object.assign(
    recordedToolkit({
      routeJob: async () => routed,
      checkReroute: async (jobId) => ({ jobId: jobId.toString(), action: checkAction, reason: 'because' }),
      reroute: async (): Promise<RoutingAction> => ({ ...routed, outcome: 'rerouted' }),
    }),
    {
      expireJob: async (jobId: bigint) => {
        expires.push(jobId);
        return expired;
      },
    },
  );
  return { run: createKeeperRunner(new KeeperAgent(keeperAgentTools(toolkit))), toolkit, expires };
}

const calls = (events: Event[]) => events.flatMap((e) => e.content?.parts ?? []).filter((p) => p.functionCall).map((p) => p.functionCall?.name);

test('a route order is one route_job call and its result, each an ADK event by the keeper agent', async () => {
  const { run, toolkit } = runnerWith('none');
  const events: Event[] = [];
  const steps = await run({ route: '7' }, (e) => events.push(e));
  assert.deepEqual(calls(events), ['route_job']);
  assert.ok(events.every((e) => e.author === 'necto_keeper'));
  const response = events.flatMap((e) => e.content?.parts ?? []).find((p) => p.functionResponse)?.functionResponse;
  assert.equal(response?.id, events[0]?.content?.parts?.[0]?.functionCall?.id, 'the result answers its call');
  assert.equal(steps[0]?.result?.status, 'ok');
  assert.equal((steps[0]?.result as { outcome?: string }).outcome, 'routed');
  assert.deepEqual(toolkit.calls.map((c) => [c.method, String(c.args[0])]), [['routeJob', '7']]);
});

test('a check acts only on what it found: failover and cheaper reroute, expire expires, none does nothing', async () => {
  for (const [action, expected] of [
    ['failover', ['check_reroute', 'reroute_job']],
    ['cheaper', ['check_reroute', 'reroute_job']],
    ['expire', ['check_reroute', 'expire_job']],
    ['none', ['check_reroute']],
  ] as const) {
    const { run, expires } = runnerWith(action);
    const events: Event[] = [];
    await run({ check: '7' }, (e) => events.push(e));
    assert.deepEqual(calls(events), expected, action);
    assert.deepEqual(expires, action === 'expire' ? [7n] : [], action);
  }
});

test('a toolkit that throws gives error results, never an exception; a bad order is said in words', async () => {
  const toolkit = Object.assign(failingToolkit('connection refused'), { expireJob: async () => expired });
  const run = createKeeperRunner(new KeeperAgent(keeperAgentTools(toolkit)));
  const steps = await run({ route: '7' });
  assert.equal(steps[0]?.result?.status, 'error');
  assert.match(String((steps[0]?.result as { reason?: string }).reason), /connection refused/);
  const checked = await run({ check: '7' });
  assert.deepEqual(checked.map((s) => s.name), ['check_reroute'], 'no action after a failed check');

  const events: Event[] = [];
  await run({ route: 'seven' } as never, (e) => events.push(e));
  const text = events.flatMap((e) => e.content?.parts ?? []).map((p) => JSON.stringify(p.functionResponse?.response ?? p.text)).join(' ');
  assert.match(text, /invalid arguments|not a job id|jobId/i);
});
