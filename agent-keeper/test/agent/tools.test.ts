// The ADK tools over a toolkit: the spec conversion, the two tool sets, and results instead of
// throws for bad arguments, invalid specs and a failing toolkit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTION_TOOL_NAMES, READ_TOOL_NAMES, keeperTools, readTools } from '../../src/agent/tools.ts';
import type { ResultTool } from '../../src/agent/result-tool.ts';
import { EU_JOB, JOB_7, NOW, ROOT, failingToolkit, recordedToolkit } from './fixtures.ts';

function toolNamed(tools: ResultTool[], name: string): ResultTool {
  const tool = tools.find((t) => t.name === name);
  assert.ok(tool, `no tool ${name}`);
  return tool;
}

/** Calls a tool as the LlmAgent does; the tools never read the context. */
function call(tools: ResultTool[], name: string, args: Record<string, unknown>) {
  return toolNamed(tools, name).runAsync({ args, toolContext: undefined as never }) as Promise<Record<string, unknown>>;
}

const EU_SPEC = {
  gpuModel: 'H100',
  gpuCount: 8,
  hours: 6,
  maxUsdPerGpuHour: 3,
  regions: ['EU'],
  excludedPricingModels: ['spot'],
};

test('the read tools hold no action tool; the keeper set adds route_job and reroute_job', () => {
  const toolkit = recordedToolkit();
  const read = readTools(toolkit).map((t) => t.name);
  for (const action of ACTION_TOOL_NAMES) assert.equal(read.includes(action), false);
  assert.deepEqual(read, [...READ_TOOL_NAMES]);
  assert.deepEqual(keeperTools(toolkit).map((t) => t.name), [...READ_TOOL_NAMES, ...ACTION_TOOL_NAMES]);
});

test('compare_providers turns dollars into micro-USD and returns the engine\'s decision', async () => {
  const toolkit = recordedToolkit();
  const result = await call(readTools(toolkit), 'compare_providers', EU_SPEC);
  assert.deepEqual(toolkit.calls, [{ method: 'compareProviders', args: [EU_JOB, 5] }]);
  assert.equal(result.status, 'ok');
  assert.equal((result.chosen as { quote: string }).quote, 'runpod:h100-secure');
  assert.equal((result.chosen as { usdPerGpuHour: number }).usdPerGpuHour, 2.69);
  assert.equal(result.chosenTotalUsd, 129.12); // 8 GPUs x 6 h x $2.69
});

test('compare_providers rounds dollars to the micro-dollar and passes the limit and minimum VRAM', async () => {
  const toolkit = recordedToolkit();
  await call(readTools(toolkit), 'compare_providers', { gpuModel: 'A100', gpuCount: 1, hours: 2, maxUsdPerGpuHour: 2.3, minVramGb: 80, limit: 3 });
  assert.deepEqual(toolkit.calls[0]?.args, [{ gpuModel: 'A100', gpuCount: 1, hours: 2, maxMicroUsdPerGpuHour: 2_300_000, minVramGb: 80 }, 3]);
});

test('bad arguments are an error result the model can read, and the toolkit is not called', async () => {
  const toolkit = recordedToolkit();
  const tools = readTools(toolkit);
  const negative = await call(tools, 'compare_providers', { ...EU_SPEC, gpuCount: -1 });
  assert.equal(negative.status, 'error');
  assert.match(String(negative.reason), /^invalid arguments: gpuCount: .*>=1/);
  const text = await call(tools, 'compare_providers', { ...EU_SPEC, gpuCount: 'eight' });
  assert.match(String(text.reason), /gpuCount: .*expected number, received string/);
  const pricing = await call(tools, 'compare_providers', { ...EU_SPEC, excludedPricingModels: ['cheap'] });
  assert.match(String(pricing.reason), /excludedPricingModels\.0/);
  const missing = await call(tools, 'compare_providers', {});
  assert.match(String(missing.reason), /gpuModel: .*; gpuCount: .*; hours: /);
  assert.deepEqual(toolkit.calls, []);
});

test('a spec the engine rejects is an error result naming the problem', async () => {
  const toolkit = recordedToolkit();
  const result = await call(readTools(toolkit), 'compare_providers', { ...EU_SPEC, gpuModel: 'Voodoo 5', regions: ['Europe'] });
  assert.equal(result.status, 'error');
  assert.match(String(result.reason), /^invalid job spec: gpuModel: unknown GPU model "Voodoo 5".*; regions: "Europe" is neither/);
  assert.deepEqual(toolkit.calls, []);
});

test('job ids: decimal strings and integers become bigints; anything else is an error result', async () => {
  const toolkit = recordedToolkit();
  const tools = keeperTools(toolkit);
  assert.equal((await call(tools, 'job_status', { jobId: '7' })).status, 'ok');
  assert.equal((await call(tools, 'check_reroute', { jobId: 7 })).status, 'ok');
  const huge = '115792089237316195423570985008687907853269984665640564039457584007913129639935';
  assert.equal((await call(tools, 'route_job', { jobId: huge })).status, 'ok');
  assert.deepEqual(
    toolkit.calls.map((c) => c.args[0]),
    [7n, 7n, 2n ** 256n - 1n],
  );
  for (const jobId of ['seven', '-1', '1.5', '', `${huge}0`]) {
    const result = await call(tools, 'job_status', { jobId });
    assert.equal(result.status, 'error', `jobId ${jobId}`);
    assert.match(String(result.reason), /^jobId: /);
  }
  assert.equal((await call(tools, 'job_status', { jobId: 1.5 })).status, 'error');
  assert.equal(toolkit.calls.length, 3);
});

test('job_status, check_reroute, route_job and reroute_job return the toolkit\'s result', async () => {
  const tools = keeperTools(recordedToolkit());
  assert.deepEqual(await call(tools, 'job_status', { jobId: '7' }), { ...JOB_7, jobStatus: 'Routed', status: 'ok' });
  assert.equal((await call(tools, 'check_reroute', { jobId: '7' })).action, 'none');
  assert.equal((await call(tools, 'route_job', { jobId: '7' })).outcome, 'routed');
  assert.equal((await call(tools, 'reroute_job', { jobId: '7' })).outcome, 'skipped');
});

test('verify_decision takes exactly one of a job id and a root', async () => {
  const toolkit = recordedToolkit();
  const tools = readTools(toolkit);
  assert.equal((await call(tools, 'verify_decision', { root: ROOT.toUpperCase().replace('0X', '0x') })).status, 'ok');
  assert.equal((await call(tools, 'verify_decision', { jobId: '7' })).verified, true);
  assert.deepEqual(toolkit.calls.map((c) => c.args[0]), [{ root: ROOT }, { jobId: 7n }]);
  assert.deepEqual(await call(tools, 'verify_decision', {}), { status: 'error', reason: 'give exactly one of jobId and root' });
  assert.equal((await call(tools, 'verify_decision', { jobId: '7', root: ROOT })).status, 'error');
  assert.match(String((await call(tools, 'verify_decision', { root: '0x1234' })).reason), /^root: must be 0x and 64 hex digits/);
});

test('explain_decision reads the record by root or through the job, and explains it', async () => {
  const toolkit = recordedToolkit();
  const tools = readTools(toolkit, { now: () => NOW + 600 });
  const byRoot = await call(tools, 'explain_decision', { root: ROOT });
  assert.equal(byRoot.status, 'ok');
  assert.match(String(byRoot.explanation), /Chosen: runpod:h100-secure .* at \$2\.69\/GPU-h/);
  assert.match(String(byRoot.explanation), /record written 9 min 55 s ago/);
  const byJob = await call(tools, 'explain_decision', { jobId: 7 });
  assert.equal(byJob.explanation, byRoot.explanation);
  assert.deepEqual(toolkit.calls.map((c) => c.method), ['readDecision', 'jobStatus', 'readDecision']);
});

test('explain_decision of a job not routed yet is an error result', async () => {
  const toolkit = recordedToolkit({ jobStatus: async () => ({ ...JOB_7, status: 'Open', decisionRoot: undefined }) as never });
  const result = await call(readTools(toolkit), 'explain_decision', { jobId: '7' });
  assert.deepEqual(result, { status: 'error', reason: 'the job has no routing decision yet' });
});

test('no tool throws when the toolkit throws: each returns the error as its reason', async () => {
  const tools = keeperTools(failingToolkit());
  const argsOf: Record<string, Record<string, unknown>> = {
    compare_providers: EU_SPEC,
    verify_decision: { root: ROOT },
    explain_decision: { root: ROOT },
  };
  for (const tool of tools) {
    const result = await call(tools, tool.name, argsOf[tool.name] ?? { jobId: '7' });
    assert.deepEqual(result, { status: 'error', reason: 'connection refused: http://127.0.0.1:8545' }, tool.name);
  }
});

test('a toolkit throwing a non-Error, or a multi-line message, still gives a one-line reason', async () => {
  const toolkit = recordedToolkit({
    jobStatus: () => Promise.reject('store offline'),
    checkReroute: () => Promise.reject(new Error('first line\n    at stack frame')),
  });
  const tools = readTools(toolkit);
  assert.deepEqual(await call(tools, 'job_status', { jobId: '7' }), { status: 'error', reason: 'store offline' });
  assert.deepEqual(await call(tools, 'check_reroute', { jobId: '7' }), { status: 'error', reason: 'first line at stack frame' });
});

test('each tool declares its parameters to the model', () => {
  const declaration = toolNamed(readTools(recordedToolkit()), 'compare_providers')._getDeclaration();
  const properties = (declaration.parameters as { properties: Record<string, { type?: string; description?: string }> }).properties;
  assert.deepEqual(Object.keys(properties), ['gpuModel', 'gpuCount', 'hours', 'maxUsdPerGpuHour', 'regions', 'excludedPricingModels', 'minVramGb', 'limit']);
  assert.equal(properties.gpuCount?.type, 'INTEGER');
  assert.match(properties.maxUsdPerGpuHour?.description ?? '', /US dollars per GPU-hour/);
});
