// The language model configuration, and which modules the CLI can load without ADK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ASK_TIMEOUT_MS, DEFAULT_GEMINI_MODEL, modelConfigured, readAgentConfig } from '../../src/agent/config.ts';

test('no key: no model configured, the default Gemini model and timeout', () => {
  assert.deepEqual(readAgentConfig({}), { model: DEFAULT_GEMINI_MODEL, timeoutMs: DEFAULT_ASK_TIMEOUT_MS });
  assert.equal(DEFAULT_GEMINI_MODEL, 'gemini-2.5-flash');
  assert.equal(modelConfigured({}), false);
  assert.equal(modelConfigured({ GEMINI_API_KEY: '  ' }), false);
});

test('any of the three key variables configures a model; GOOGLE_GENAI_API_KEY wins, as in ADK', () => {
  for (const name of ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GENAI_API_KEY']) assert.equal(modelConfigured({ [name]: 'k' }), true, name);
  assert.equal(readAgentConfig({ GEMINI_API_KEY: 'gemini', GOOGLE_API_KEY: 'google', GOOGLE_GENAI_API_KEY: 'genai' }).apiKey, 'genai');
  assert.equal(readAgentConfig({ GEMINI_API_KEY: 'gemini', GOOGLE_API_KEY: '' }).apiKey, 'gemini');
});

test('NECTO_GEMINI_MODEL and NECTO_AGENT_TIMEOUT_MS; a bad timeout keeps the default', () => {
  assert.deepEqual(readAgentConfig({ NECTO_GEMINI_MODEL: 'gemini-2.5-pro', NECTO_AGENT_TIMEOUT_MS: '5000' }), {
    model: 'gemini-2.5-pro',
    timeoutMs: 5000,
  });
  for (const bad of ['0', '-1', 'soon', '1.5', '']) {
    assert.equal(readAgentConfig({ NECTO_AGENT_TIMEOUT_MS: bad }).timeoutMs, DEFAULT_ASK_TIMEOUT_MS, bad);
  }
});

const AGENT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/agent');

/** The modules a file loads at run time (type-only imports and dynamic imports left out). */
function runtimeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^import (?!type )[^;]*?from '([^']+)';/gms)].map((m) => m[1] as string);
}

function loadsAdk(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  return runtimeImports(file).some((spec) =>
    spec === '@google/adk' ? true : spec.startsWith('.') ? loadsAdk(resolve(dirname(file), spec), seen) : false,
  );
}

test('config, explain, traceability and ask-agent load no ADK (the CLI imports them cheaply); the tools do', () => {
  for (const name of ['config.ts', 'explain.ts', 'traceability.ts', 'tool-args.ts', 'ask-agent.ts']) {
    assert.equal(loadsAdk(resolve(AGENT_DIR, name)), false, name);
  }
  assert.equal(loadsAdk(resolve(AGENT_DIR, 'tools.ts')), true);
});
