// The audit log end to end: every job of the local stack, filtered in the URL, exported to a CSV
// whose rows are the indexer's, verified from its row; Untracked jobs name no buyer.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { localUsdcAbi, nectoMarketAbi } from '@necto/contracts';
import { depositFor, jobRequest } from 'agent-keeper/job-request';
import type { JobTerms } from 'agent-keeper/job-request';
import { createWalletClient, http, parseEventLogs } from 'viem';
import type { Address } from 'viem';
import type { Page } from 'playwright-core';
import { ACCOUNTS, ROUTED_MS, anvilChain, chainOf, indexerQuery, open, shoot, startWorld, stopWorld } from './harness.ts';
import type { World } from './harness.ts';

let world: World;
/** The Tracked job without a team this suite requests and cancels. */
let cancelledJob: string;

type Row = { id: string; mode: string; buyer: string | null; teamId: number | null; status: string; deposit: string; paid: string; refunded: string; pricePerGpuHour: string | null; decisionRoot: string | null; requestedTx: string; gpuModel: string; gpuCount: number };
const FIELDS = 'id mode buyer teamId status deposit paid refunded pricePerGpuHour decisionRoot requestedTx gpuModel gpuCount';

async function indexedJobs(where: Record<string, unknown> = {}): Promise<Row[]> {
  const data = await indexerQuery<{ jobs: { items: Row[] } }>(world, `query ($where: jobFilter) { jobs(where: $where, orderBy: "requestedAt", orderDirection: "desc", limit: 100) { items { ${FIELDS} } } }`, { where });
  return data.jobs.items;
}

async function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ROUTED_MS * 2;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const buyerAddress = async (): Promise<Address> => (await chainOf(world).request({ method: 'eth_accounts' } as never) as Address[])[ACCOUNTS.buyer]!;

/** A Tracked job the seeded buyer requests (approving its deposit) and cancels, outside the app. */
async function requestAndCancel(): Promise<string> {
  const account = await buyerAddress();
  const wallet = createWalletClient({ account, chain: anvilChain(world), transport: http(world.rpcUrl) });
  const terms: JobTerms = { gpuModel: 'A100-80G', gpuCount: 1, minVramGb: 80, hours: 1, excludedPricing: [], workloadURI: 'docker.io/library/python:3.12', maxPricePerGpuHour: 2_000_000n, reviewSeconds: 600, rerouteOptIn: false, teamId: 0 };
  const chain = chainOf(world);
  await chain.waitForTransactionReceipt({ hash: await wallet.writeContract({ address: world.deployment.contracts.USDC, abi: localUsdcAbi, functionName: 'approve', args: [world.market, depositFor(terms)] }) });
  const receipt = await chain.waitForTransactionReceipt({ hash: await wallet.writeContract({ address: world.market, abi: nectoMarketAbi, functionName: 'requestJob', args: [jobRequest(terms)] }) });
  const [requested] = parseEventLogs({ abi: nectoMarketAbi, eventName: 'JobRequested', logs: receipt.logs });
  const jobId = requested!.args.jobId;
  await chain.waitForTransactionReceipt({ hash: await wallet.writeContract({ address: world.market, abi: nectoMarketAbi, functionName: 'cancel', args: [jobId] }) });
  return String(jobId);
}

/** Parses the CSV the page exports (RFC 4180, as written by the app). */
function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') record.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') record.push(field), records.push(record), (record = []), (field = ''), i++;
    else field += c;
  }
  const [header, ...rows] = records;
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

const sixDecimals = (base: string) => (Number(base) / 1e6).toFixed(6);

async function exportCsv(page: Page): Promise<Record<string, string>[]> {
  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const file = await download;
  assert.match(file.suggestedFilename(), /^necto-audit-.*\.csv$/);
  return parseCsv(readFileSync((await file.path())!, 'utf8'));
}

/** The CSV holds exactly the indexer's jobs for the filter, field by field, and no buyer of an Untracked job. */
function assertMatches(csv: Record<string, string>[], indexed: Row[]) {
  assert.deepEqual(csv.map((r) => r.job_id), indexed.map((j) => j.id), 'the same jobs, newest first');
  for (const [i, job] of indexed.entries()) {
    const row = csv[i]!;
    assert.equal(row.mode, job.mode);
    assert.equal(row.status, job.status);
    assert.equal(row.buyer, job.mode === 'Untracked' ? '' : job.buyer);
    assert.equal(row.gpu_model, job.gpuModel);
    assert.equal(row.gpus, String(job.gpuCount));
    assert.equal(row.deposit_usdc, sixDecimals(job.deposit));
    assert.equal(row.paid_usdc, sixDecimals(job.paid));
    assert.equal(row.refunded_usdc, sixDecimals(job.refunded));
    assert.equal(row.price_usd_per_gpu_hour, job.pricePerGpuHour === null ? '' : sixDecimals(job.pricePerGpuHour));
    assert.equal(row.decision_root, job.decisionRoot ?? '');
    assert.equal(row.request_tx, job.requestedTx);
  }
}

async function shownCount(page: Page, count: number) {
  await page.getByTestId('audit-count').filter({ hasText: new RegExp(`^Showing ${count} of ${count} jobs`) }).waitFor({ timeout: ROUTED_MS });
}

before(async () => {
  world = await startWorld();
  // The seed leaves two jobs for the keeper (a team job and an Untracked one): wait until both are decided.
  await until('the keeper to decide the seeded jobs', async () => {
    const jobs = await indexedJobs();
    return jobs.length >= 2 && jobs.every((j) => j.decisionRoot) ? jobs : undefined;
  });
  cancelledJob = await requestAndCancel();
  await until('the indexer to see the cancel', async () => ((await indexedJobs({ status: 'Cancelled' })).length ? true : undefined));
});

after(() => stopWorld(world));

describe('the audit log', () => {
  test('lists every job; Untracked jobs show no buyer anywhere', async () => {
    const all = await indexedJobs();
    assert.equal(all.length, 3);
    const page = await open(world, '/audit');
    await shownCount(page, 3);
    for (const job of all) {
      const row = page.locator(`tr[data-job="${job.id}"]`);
      assert.equal(await row.getByTestId('audit-status').textContent(), job.status);
      const buyer = (await row.getByTestId('audit-buyer').textContent())!.trim();
      if (job.mode === 'Untracked') assert.equal(buyer, 'none recorded');
      else assert.match(buyer, /^0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}$/);
    }
    const untracked = all.find((j) => j.mode === 'Untracked')!;
    const controller = (await indexerQuery<{ job: { controller: string } }>(world, `query ($id: BigInt!) { job(id: $id) { controller } }`, { id: untracked.id })).job.controller;
    assert.ok(!(await page.content()).toLowerCase().includes(controller.toLowerCase().slice(2, 10)), 'the Untracked job key appears nowhere');
    await shoot(page, 'audit-desktop');
    await page.close();
    const phone = await open(world, '/audit', 'phone');
    await shownCount(phone, 3);
    await shoot(phone, 'audit-phone');
    await phone.close();
  });

  test('filters by mode, team, provider and status into the URL, and exports exactly the indexer’s rows', async () => {
    const page = await open(world, '/audit');
    await shownCount(page, 3);
    assertMatches(await exportCsv(page), await indexedJobs());

    await page.getByLabel('Mode').selectOption('Untracked');
    await page.waitForURL(/mode=Untracked/);
    await shownCount(page, 1);
    assertMatches(await exportCsv(page), await indexedJobs({ mode: 'Untracked' }));

    await page.goto(`${world.appUrl}/audit`);
    const team = await indexedJobs({ teamId: 1 });
    assert.equal(team.length, 1, 'the seeded team job');
    await page.getByLabel('Team').selectOption('1');
    await page.waitForURL(/team=1/);
    await shownCount(page, 1);
    assertMatches(await exportCsv(page), team);

    const providerId = (await indexerQuery<{ job: { providerId: number } }>(world, `query ($id: BigInt!) { job(id: $id) { providerId } }`, { id: team[0]!.id })).job.providerId;
    await page.getByLabel('Provider').selectOption(String(providerId));
    await page.waitForURL(new RegExp(`provider=${providerId}`));
    const both = await indexedJobs({ teamId: 1, providerId });
    await shownCount(page, both.length);
    assertMatches(await exportCsv(page), both);

    await page.goto(`${world.appUrl}/audit?status=Cancelled`);
    await shownCount(page, 1);
    const cancelled = await exportCsv(page);
    assert.equal(cancelled[0]!.job_id, cancelledJob);
    assertMatches(cancelled, await indexedJobs({ status: 'Cancelled' }));
    await page.close();
  });

  test('date filters are whole UTC days; a bad range is shown next to the field', async () => {
    const [newest] = await indexerQuery<{ jobs: { items: { requestedAt: string }[] } }>(world, '{ jobs(orderBy: "requestedAt", orderDirection: "desc", limit: 1) { items { requestedAt } } }').then((d) => d.jobs.items);
    const dayStart = Math.floor(Number(newest!.requestedAt) / 86_400) * 86_400;
    const day = new Date(dayStart * 1000).toISOString().slice(0, 10);
    const nextDay = new Date((dayStart + 86_400) * 1000).toISOString().slice(0, 10);
    const page = await open(world, `/audit?from=${day}&to=${day}`);
    await shownCount(page, (await indexedJobs({ requestedAt_gte: String(dayStart), requestedAt_lt: String(dayStart + 86_400) })).length);
    await page.goto(`${world.appUrl}/audit?from=${nextDay}`);
    await page.getByText('No job matches these filters.').waitFor();
    await page.goto(`${world.appUrl}/audit?from=${nextDay}&to=${day}&mode=Both`);
    assert.equal(await page.getByTestId('field-error-a-to').textContent(), `the end date ${day} is before the start date ${nextDay}`);
    assert.equal(await page.getByTestId('field-error-a-mode').textContent(), 'mode is Tracked or Untracked (got "Both")');
    await shoot(page, 'audit-filter-errors-desktop');
    await page.close();
  });

  test('verifies a decision from its row', async () => {
    const [routed] = await indexedJobs({ teamId: 1 });
    const page = await open(world, '/audit');
    await shownCount(page, 3);
    await page.locator(`tr[data-job="${routed!.id}"]`).getByTestId('verify-row').click();
    const verdict = page.getByTestId('verify-verdict');
    await verdict.waitFor({ timeout: ROUTED_MS });
    assert.match((await verdict.textContent())!, /✔ Verified/);
    await shoot(page, 'audit-verify-desktop');
    await page.close();
  });
});
