// The necto CLI as a user runs it: a child process, the snapshot server over real HTTP, and
// misbehaving providers (one hangs, one answers garbage, one answers HTTP 500).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';

const CLI = resolve(import.meta.dirname, '../src/cli/main.ts');

type Run = { code: number | null; stdout: string; stderr: string };

function necto(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, NECTO_PROVIDERS: 'snapshot', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let hanging: TestServer;
let garbage: TestServer;
let failing: TestServer;

before(async () => {
  hanging = await startServer(() => {}); // accepts the request and never answers
  garbage = await startServer((_request, response) => response.end('<html>not json'));
  failing = await startServer((_request, response) => {
    response.writeHead(500);
    response.end('{"error":"internal"}');
  });
});

after(async () => {
  await Promise.all([hanging.close(), garbage.close(), failing.close()]);
});

const H100_EU = ['quote', '--gpu', 'H100', '--count', '8', '--hours', '6', '--max-price', '3.00', '--region', 'EU', '--exclude', 'spot,token'];

test('quote picks the cheapest eligible offer across every snapshot source', async () => {
  const run = await necto([...H100_EU, '--json']);
  assert.equal(run.code, 0, run.stderr);
  const decision = JSON.parse(run.stdout);
  assert.equal(decision.mode, 'snapshot');
  assert.equal(decision.sources.length, 10);
  assert.deepEqual(decision.sources.filter((s: { status: string }) => s.status !== 'ok'), []);
  const { chosen, ranking } = decision;
  assert.ok(chosen, 'an offer is chosen');
  assert.deepEqual(chosen, ranking[0]);
  for (const quote of ranking) {
    assert.equal(quote.gpuModel, 'H100-80G');
    assert.equal(quote.area, 'EU');
    assert.ok(['fixed', 'auction'].includes(quote.pricingModel));
    assert.ok(quote.effectiveMicroUsdPerGpuHour <= 3_000_000);
    assert.ok(Number.isInteger(quote.effectiveMicroUsdPerGpuHour) && quote.effectiveMicroUsdPerGpuHour > 0);
  }
  const prices = ranking.map((q: { effectiveMicroUsdPerGpuHour: number }) => q.effectiveMicroUsdPerGpuHour);
  assert.deepEqual(prices, [...prices].sort((a, b) => a - b));
  for (const field of ['source', 'offerId', 'gpuModel', 'gpuCount', 'region', 'pricingModel', 'effectiveMicroUsdPerGpuHour']) {
    assert.ok(field in chosen, `chosen has ${field}`);
  }
  assert.ok(decision.excluded.length > 0);
  for (const excluded of decision.excluded) assert.ok(excluded.reason.length > 0);
  assert.match(run.stderr, /Scanning Akash\.\.\. \d+ offers/);
});

test('the same snapshot gives the same decision, byte for byte', async () => {
  const [first, second] = await Promise.all([necto([...H100_EU, '--json']), necto([...H100_EU, '--json'])]);
  const strip = (out: string) => {
    const { sources, ...decision } = JSON.parse(out);
    return { decision, sources: sources.map(({ ms, ...rest }: { ms: number }) => rest) };
  };
  assert.deepEqual(strip(first.stdout), strip(second.stdout));
});

test('a hanging, a garbage and a failing source are excluded with reasons; the rest still answer', async () => {
  const run = await necto([...H100_EU, '--json'], {
    NECTO_SOURCE_TIMEOUT_MS: '500',
    NECTO_LAMBDA_URL: hanging.url,
    NECTO_VAST_URL: garbage.url,
    NECTO_RUNPOD_URL: failing.url,
  });
  assert.equal(run.code, 0, run.stderr);
  const decision = JSON.parse(run.stdout);
  const status = (id: string) => decision.sources.find((s: { id: string }) => s.id === id);
  assert.equal(status('lambda').status, 'failed');
  assert.match(status('lambda').reason, /no answer/);
  assert.equal(status('vast').status, 'failed');
  assert.match(status('vast').reason, /malformed JSON/);
  assert.equal(status('runpod').status, 'failed');
  assert.match(status('runpod').reason, /HTTP 500/);
  assert.equal(decision.sources.filter((s: { status: string }) => s.status === 'ok').length, 7);
  assert.ok(decision.chosen);
  assert.equal(decision.ranking.some((q: { source: string }) => ['lambda', 'vast', 'runpod'].includes(q.source)), false);
  assert.match(run.stderr, /Scanning Lambda\.\.\. failed: no answer within 500 ms/);
});

test('the table marks the chosen row; --all adds excluded quotes with reasons', async () => {
  const plain = await necto(H100_EU);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /^\s*SOURCE\s+OFFER\s+GPU\s+COUNT\s+REGION\s+PRICING\s+RAW PRICE\s+\$\/GPU-H\s+AVAIL\s+AGE$/m);
  assert.match(plain.stdout, /^\*\s+\S+/m);
  assert.doesNotMatch(plain.stdout, /EXCLUDED BECAUSE/);
  const all = await necto([...H100_EU, '--all']);
  assert.match(all.stdout, /EXCLUDED BECAUSE/);
  assert.match(all.stdout, /pricing model spot excluded|above max|not in/);
});

test('bad arguments get one line naming the flag and exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['quote'], /--gpu is required/],
    [['quote', '--gpu', 'Z9000'], /--gpu: unknown GPU model "Z9000"/],
    [['quote', '--gpu', 'H100', '--count', 'two'], /--count must be a whole number/],
    [['quote', '--gpu', 'H100', '--max-price', 'cheap'], /--max-price must be a price in USD/],
    [['quote', '--gpu', 'H100', '--exclude', 'barter'], /--exclude: "barter" is not a pricing model \(fixed, spot, auction, token\)/],
    [['quote', '--gpu', 'H100', '--region', 'Mars'], /--region: "MARS" is neither an area/],
    [['quote', '--gpu', 'H100', '--colour', 'red'], /Unknown option '--colour'/],
    [['launch'], /unknown command "launch"/],
  ];
  for (const [args, message] of cases) {
    const run = await necto(args);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}`);
  }
  const badMode = await necto(['sources'], { NECTO_PROVIDERS: 'sometimes' });
  assert.equal(badMode.code, 2);
  assert.match(badMode.stderr, /NECTO_PROVIDERS must be "snapshot" or "live"/);
});

test('sources lists every source with its mode, URL and status', async () => {
  const run = await necto(['sources', '--json'], { NECTO_VAST_URL: failing.url });
  assert.equal(run.code, 0, run.stderr);
  const rows = JSON.parse(run.stdout);
  assert.deepEqual(
    rows.map((r: { id: string }) => r.id),
    ['akash', 'ionet', 'aws-spot', 'render', 'nosana', 'runpod', 'lambda', 'vast', 'shadeform', 'necto'],
  );
  const vast = rows.find((r: { id: string }) => r.id === 'vast');
  assert.equal(vast.mode, 'snapshot (NECTO_VAST_URL)');
  assert.equal(vast.status, 'failed');
  assert.ok(rows.filter((r: { status: string }) => r.status === 'ok').every((r: { quotes: number }) => r.quotes > 0));
});

test('live mode skips a source without its API key, with the reason', async () => {
  const run = await necto(['sources', '--json'], {
    NECTO_PROVIDERS: 'live',
    NECTO_SOURCE_TIMEOUT_MS: '300',
    RUNPOD_API_KEY: '',
    // Live endpoints are unreachable here: point every keyless source at the failing server.
    NECTO_AKASH_URL: failing.url,
    NECTO_IONET_URL: failing.url,
    NECTO_NOSANA_URL: failing.url,
    NECTO_RPC_URL: failing.url,
    NECTO_COINGECKO_URL: failing.url,
  });
  assert.equal(run.code, 0, run.stderr);
  const runpod = JSON.parse(run.stdout).find((r: { id: string }) => r.id === 'runpod');
  assert.equal(runpod.status, 'skipped');
  assert.match(runpod.reason, /RUNPOD_API_KEY not set/);
});

test('ask without a model says so in one line; keeper and ask have --help; a bad keeper setting names its variable', async () => {
  const noKey = { GEMINI_API_KEY: '', GOOGLE_API_KEY: '', GOOGLE_GENAI_API_KEY: '' };
  const ask = await necto(['ask', 'cheapest 8x H100 in the EU under $3/h for 6 hours'], noKey);
  assert.equal(ask.code, 1);
  assert.equal(ask.stderr, 'necto: no language model configured: set GEMINI_API_KEY or GOOGLE_API_KEY\n');
  const empty = await necto(['ask'], noKey);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /^necto: usage: necto ask/);
  for (const command of ['keeper', 'ask']) {
    const help = await necto([command, '--help']);
    assert.equal(help.code, 0, command);
    assert.match(help.stdout, new RegExp(`usage: necto ${command}`));
  }
  const badPort = await necto(['keeper'], { KEEPER_API_PORT: 'eighty' });
  assert.equal(badPort.code, 2);
  assert.equal(badPort.stderr, 'necto: KEEPER_API_PORT must be a TCP port number (0-65535), got "eighty"\n');
});
