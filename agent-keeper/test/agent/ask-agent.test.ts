// The asker end to end, offline: a scripted model drives the real LlmAgent tool loop over a
// toolkit of test functions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogLevel, setLogLevel } from '@google/adk';
import type { Event } from '@google/adk';
import { createAsker } from '../../src/agent/ask-agent.ts';
import { NO_MODEL_MESSAGE } from '../../src/agent/config.ts';
import { formatUsd } from '../../src/agent/money.ts';
import { ASK_AGENT_INSTRUCTION } from '../../src/agent/prompts.ts';
import { READ_TOOL_NAMES } from '../../src/agent/tools.ts';
import type { KeeperToolkit } from '../../src/agent/toolkit.ts';
import { failingToolkit, recordedToolkit } from './fixtures.ts';
import { ScriptedModel, callTool, lastToolResult, say } from './scripted-model.ts';
import type { ScriptStep } from './scripted-model.ts';

const QUESTION = 'cheapest 8x H100 in the EU under $3/h for 6 hours, no spot';
const EU_CALL = callTool('compare_providers', {
  gpuModel: 'H100',
  gpuCount: 8,
  hours: 6,
  maxUsdPerGpuHour: 3,
  regions: ['EU'],
  excludedPricingModels: ['spot'],
});

type Line = { quote: string; usdPerGpuHour: number };

/** The final answer a model writes from the compare_providers result it was sent. */
function answerFromComparison(request: Parameters<Extract<ScriptStep, Function>>[0]) {
  const result = lastToolResult(request) as { chosen: Line; ranking: Line[]; chosenTotalUsd: number; exclusionSummary: string[]; scanAgeSeconds: number; providers: string };
  const runnerUp = result.ranking[1] as Line;
  return say(
    `The engine chose ${result.chosen.quote} at ${formatUsd(result.chosen.usdPerGpuHour)}/GPU-h ` +
      `($${result.chosenTotalUsd} for the job). Runner-up: ${runnerUp.quote} at ${formatUsd(runnerUp.usdPerGpuHour)}/GPU-h. ` +
      `Excluded: ${result.exclusionSummary.join(', ')}. ${result.providers} prices, ${result.scanAgeSeconds} s old.`,
  );
}

function askerWith(steps: ScriptStep[], toolkit: KeeperToolkit = recordedToolkit(), env: Record<string, string> = {}) {
  const model = new ScriptedModel(steps);
  return { model, asker: createAsker({ toolkit, env, model }) };
}

test('a question becomes a compare_providers spec, and the answer cites the engine\'s price', async () => {
  const toolkit = recordedToolkit();
  const { model, asker } = askerWith([EU_CALL, answerFromComparison], toolkit);
  assert.equal(asker.configured, true);
  const reply = await asker.ask(QUESTION);

  assert.deepEqual(toolkit.calls, [
    {
      method: 'compareProviders',
      args: [{ gpuModel: 'H100', gpuCount: 8, hours: 6, maxMicroUsdPerGpuHour: 3_000_000, regions: ['EU'], excludedPricingModels: ['spot'] }, 5],
    },
  ]);
  assert.equal(reply.error, undefined);
  assert.match(reply.answer, /runpod:h100-secure at \$2\.69\/GPU-h \(\$129\.12 for the job\)/);
  assert.match(reply.answer, /Runner-up: lambda:gpu_8x_h100_sxm5@eu-central-1 at \$2\.99\/GPU-h/);
  assert.equal(reply.untracedFigures, undefined);
  assert.equal(reply.decision?.chosen?.quote, 'runpod:h100-secure');
  assert.equal(reply.decision?.chosen?.usdPerGpuHour, 2.69);
  assert.equal('status' in (reply.decision ?? {}), false);
  assert.deepEqual(reply.toolCalls.map((c) => [c.name, (c.result as { status: string }).status]), [['compare_providers', 'ok']]);
  assert.equal(reply.toolCalls[0]?.args.gpuCount, 8);
  assert.equal(model.requests.length, 2);
});

test('the model is offered the read tools only, with the keeper\'s instruction', async () => {
  const { model, asker } = askerWith([say('Which GPU model, how many, and for how long?')]);
  const reply = await asker.ask('I need some GPUs');
  assert.equal(reply.answer, 'Which GPU model, how many, and for how long?');
  const request = model.requests[0];
  const declared = (request?.config?.tools ?? []).flatMap((tool) =>
    'functionDeclarations' in tool ? (tool.functionDeclarations ?? []).map((d) => d.name) : [],
  );
  assert.deepEqual(declared.sort(), [...READ_TOOL_NAMES].sort());
  assert.match(String(request?.config?.systemInstruction), /never invent,\s+alter/);
  // ADK would read "{name}" in the instruction as a session-state placeholder.
  assert.doesNotMatch(ASK_AGENT_INSTRUCTION, /[{}]/);
});

test('a dollar figure no tool returned replaces the answer with the engine\'s decision', async () => {
  const { asker } = askerWith([EU_CALL, say('Go with runpod at $2.50/GPU-h, a steal under your $3 limit.')]);
  const reply = await asker.ask(QUESTION);
  assert.deepEqual(reply.untracedFigures, ['$2.50']);
  assert.match(reply.answer, /^Engine decision for 8x H100 for 6 h \(snapshot prices/);
  assert.match(reply.answer, /chosen runpod:h100-secure .* at \$2\.69\/GPU-h \(\$129\.12 in total\)/);
  assert.match(reply.answer, /replaced: it stated \$2\.50, which no tool returned/);
  assert.equal(reply.decision?.chosen?.usdPerGpuHour, 2.69);
});

test('without a comparison, an untraced figure is flagged and the answer kept', async () => {
  const { asker } = askerWith([
    callTool('job_status', { jobId: '7' }),
    say('Job 7 runs on offer #3 at $2.69/GPU-h; the ceiling is $3. Rerouting would save $0.40.'),
  ]);
  const reply = await asker.ask('how is job 7 doing?');
  assert.deepEqual(reply.untracedFigures, ['$0.40']);
  assert.match(reply.answer, /^Job 7 runs on offer #3 at \$2\.69\/GPU-h/);
  assert.match(reply.answer, /Caution: \$0\.40 appears in no tool result/);
});

test('bad tool arguments reach the model as an error result, and the answer says so', async () => {
  const toolkit = recordedToolkit();
  const { model, asker } = askerWith(
    [
      callTool('compare_providers', { gpuModel: 'H100', gpuCount: -1, hours: 'six' }),
      (request) => say(`The keeper rejected the request: ${String(lastToolResult(request).reason)}`),
    ],
    toolkit,
  );
  const reply = await asker.ask('-1 H100s for six hours');
  const sent = lastToolResult(model.requests[1] as never);
  assert.equal(sent.status, 'error');
  assert.match(String(sent.reason), /^invalid arguments: gpuCount: .*>=1; hours: .*expected number, received string/);
  assert.match(reply.answer, /^The keeper rejected the request: invalid arguments: gpuCount/);
  assert.equal(reply.error, undefined);
  assert.equal(reply.decision, undefined);
  assert.deepEqual(toolkit.calls, []);
});

test('a tool the agent does not have ends the question with a clear error', async () => {
  const toolkit = recordedToolkit();
  const { model, asker } = askerWith([callTool('book_cheapest_gpu', { gpuModel: 'H100' }), say('Booked!')], toolkit);
  const reply = await asker.ask('book me the cheapest H100');
  assert.equal(reply.error, 'the model asked for a tool that does not exist: book_cheapest_gpu');
  assert.equal(reply.answer, reply.error);
  assert.equal(model.requests.length, 1);
});

test('an action tool is not there for the model to call: route_job is refused and nothing is routed', async () => {
  const toolkit = recordedToolkit();
  const { asker } = askerWith([callTool('route_job', { jobId: '7' }), say('Routed job 7.')], toolkit);
  const reply = await asker.ask('route job 7');
  assert.equal(reply.error, 'the model asked for a tool that does not exist: route_job');
  assert.deepEqual(toolkit.calls, []);
});

test('without an API key: not configured, the one-line message, and no model or toolkit call', async () => {
  const toolkit = recordedToolkit();
  const asker = createAsker({ toolkit, env: { NECTO_GEMINI_MODEL: 'gemini-2.5-pro' } });
  assert.equal(asker.configured, false);
  assert.equal(asker.reason, NO_MODEL_MESSAGE);
  assert.equal(NO_MODEL_MESSAGE, 'no language model configured: set GEMINI_API_KEY or GOOGLE_API_KEY');
  const reply = await asker.ask(QUESTION);
  assert.deepEqual(reply, { answer: NO_MODEL_MESSAGE, error: NO_MODEL_MESSAGE, toolCalls: [] });
  assert.deepEqual(toolkit.calls, []);
});

test('with a key in the environment the asker is configured (no call is made until a question)', () => {
  assert.equal(createAsker({ toolkit: recordedToolkit(), env: { GEMINI_API_KEY: 'test-key' } }).configured, true);
});

test('a model that cannot be reached gives a one-line error, not a throw', async () => {
  const { asker } = askerWith([new TypeError('fetch failed')]);
  const reply = await asker.ask(QUESTION);
  assert.equal(reply.error, 'cannot reach the language model: fetch failed');
  assert.deepEqual(reply.toolCalls, []);
});

test('an API error from the model is reported with its code', async () => {
  const quota = new Error(JSON.stringify({ error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).' } }));
  const { asker } = askerWith([quota]);
  const reply = await asker.ask(QUESTION);
  assert.equal(reply.error, 'language model error (429): Resource has been exhausted (e.g. check quota).');
});

test('a model error after a tool call keeps the comparison for the caller', async () => {
  const { asker } = askerWith([EU_CALL, new TypeError('fetch failed')]);
  const reply = await asker.ask(QUESTION);
  assert.equal(reply.error, 'cannot reach the language model: fetch failed');
  assert.equal(reply.decision?.chosen?.quote, 'runpod:h100-secure');
});

test('a model that never answers times out (NECTO_AGENT_TIMEOUT_MS)', async () => {
  const { asker } = askerWith(['hang'], recordedToolkit(), { NECTO_AGENT_TIMEOUT_MS: '50' });
  const started = Date.now();
  const reply = await asker.ask(QUESTION);
  assert.equal(reply.error, 'no answer from the language model within 0.05 s');
  assert.ok(Date.now() - started < 2000);
});

test('an empty model response is "no answer", and an empty question is not sent', async () => {
  const { model, asker } = askerWith([{ content: { role: 'model', parts: [] } }]);
  assert.equal((await asker.ask('   ')).error, 'no question asked');
  assert.equal(model.requests.length, 0);
  assert.equal((await asker.ask(QUESTION)).error, 'the language model gave no answer');
});

test('a failing toolkit reaches the model as an error result it can report', async () => {
  const { asker } = askerWith(
    [EU_CALL, (request) => say(`I could not compare providers: ${String(lastToolResult(request).reason)}.`)],
    failingToolkit(),
  );
  const reply = await asker.ask(QUESTION);
  assert.equal(reply.answer, 'I could not compare providers: connection refused: http://127.0.0.1:8545.');
  assert.equal(reply.decision, undefined);
  assert.deepEqual(reply.toolCalls[0]?.result, { status: 'error', reason: 'connection refused: http://127.0.0.1:8545' });
});

test('onEvent sees each event, and a throwing observer does not end the run', async () => {
  const events: Event[] = [];
  const { asker } = askerWith([EU_CALL, answerFromComparison]);
  const reply = await asker.ask(QUESTION, {
    onEvent: (event) => {
      events.push(event);
      throw new Error('display failed');
    },
  });
  assert.equal(reply.error, undefined);
  const kinds = events.map((e) =>
    e.content?.parts?.[0]?.functionCall ? 'call' : e.content?.parts?.[0]?.functionResponse ? 'response' : 'text',
  );
  assert.deepEqual(kinds, ['call', 'response', 'text']);
});

test('one asker answers several questions, each in a fresh session', async () => {
  const { model, asker } = askerWith([say('First answer.'), say('Second answer.')]);
  assert.equal((await asker.ask('first?')).answer, 'First answer.');
  assert.equal((await asker.ask('second?')).answer, 'Second answer.');
  const userTexts = model.requests[1]?.contents.flatMap((c) => (c.parts ?? []).map((p) => p.text)).filter(Boolean);
  assert.deepEqual(userTexts, ['second?']);
});

test('Gemini with a key but no network: a one-line error, no hang and no stack trace', async () => {
  // A closed local port stands in for a network that is down; nothing leaves the machine.
  process.env.GOOGLE_GEMINI_BASE_URL = 'http://127.0.0.1:9';
  setLogLevel(LogLevel.ERROR);
  try {
    const asker = createAsker({ toolkit: recordedToolkit(), env: { GEMINI_API_KEY: 'test-key', NECTO_AGENT_TIMEOUT_MS: '20000' } });
    const reply = await asker.ask(QUESTION);
    assert.equal(reply.error, 'cannot reach the language model: fetch failed');
    assert.deepEqual(reply.toolCalls, []);
  } finally {
    delete process.env.GOOGLE_GEMINI_BASE_URL;
    setLogLevel(LogLevel.INFO);
  }
});
