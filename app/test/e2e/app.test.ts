// The app end to end: headless Debian Chromium against a full local stack (anvil, indexer, keeper,
// app server), with the dev wallet (anvil's accounts) and no extension. Screenshots of every page at
// both viewport sizes go to app/test/e2e/artifacts/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { nectoMarketAbi } from '@necto/contracts';
import { createWalletClient, http } from 'viem';
import type { Page } from 'playwright-core';
import { appConfigFromEnv } from '../../server/app-config.ts';
import { startAppServer } from '../../server/serve.ts';
import type { AppServer } from '../../server/serve.ts';
import { VIEWPORTS, openPage } from './browser.ts';
import { BUILD, ROUTED_MS, anvilChain, chainOf, connectDevWallet, jobCount as countJobs, open as openIn, shoot, startWorld, stopWorld } from './harness.ts';
import type { World } from './harness.ts';
import { injectWallet } from './injected-wallet.ts';
import { startTamperingKeeper } from './tamper-proxy.ts';

/** anvil account 2: the local market's guardian (script/Seed.s.sol). */
const GUARDIAN = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

let world: World;
let tamperedApp: AppServer | undefined;
let tamperingKeeper: Awaited<ReturnType<typeof startTamperingKeeper>> | undefined;
/** The Tracked job the buyer submits, still in its review window for the tampering test. */
let trackedJob: string | undefined;

before(async () => {
  world = await startWorld();
  tamperingKeeper = await startTamperingKeeper(world.keeperUrl);
  const { anvil, indexer } = world.stack.ports;
  const { contracts } = world.deployment;
  tamperedApp = await startAppServer(
    appConfigFromEnv({ NECTO_ANVIL_PORT: String(anvil), NECTO_INDEXER_PORT: String(indexer), KEEPER_URL: tamperingKeeper.url, NECTO_MARKET_ADDRESS: contracts.NectoMarket, NECTO_USDC_ADDRESS: contracts.USDC, NECTO_TEAM_ACCESS_ADDRESS: contracts.TeamAccess }),
    { port: 0 },
  );
  world.allowed.push(tamperedApp.url, tamperingKeeper.url);
});

after(async () => {
  await tamperedApp?.close();
  await tamperingKeeper?.close();
  await stopWorld(world);
});

const open = (path: string, viewport: keyof typeof VIEWPORTS = 'desktop', base?: string): Promise<Page> => openIn(world, path, viewport, base);
const chain = () => chainOf(world);
const jobCount = () => countJobs(world);

async function submitJob(page: Page): Promise<string> {
  await page.getByTestId('submit').click();
  await page.getByTestId('routed').waitFor({ timeout: ROUTED_MS });
  const href = await page.getByTestId('open-job').getAttribute('href');
  return href!.split('/').pop()!;
}

async function verdict(page: Page): Promise<string> {
  const locator = page.getByTestId('verify-verdict');
  await locator.waitFor({ timeout: ROUTED_MS });
  return (await locator.textContent())!.trim();
}

describe('the market', () => {
  test('lists every source quote, says it is a snapshot, filters into the URL', async () => {
    const page = await open('/');
    await page.getByTestId('quotes').waitFor();
    const scripts = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name)).filter((u) => u.pathname.endsWith('.js')).map((u) => u.pathname));
    const gzipped = scripts.reduce((sum, path) => sum + gzipSync(readFileSync(join(BUILD, path))).length, 0);
    assert.ok(gzipped < 200 * 1024, `the market page loads ${(gzipped / 1024).toFixed(1)} kB of gzipped JavaScript (budget 200 kB)`);
    await page.getByTestId('snapshot-banner').waitFor();
    const count = await page.getByTestId('quote-count').textContent();
    const [, shownAll, total] = /(\d+) of (\d+) quotes/.exec(count!)!;
    assert.equal(shownAll, total);
    assert.ok(Number(total) > 50, `expected the snapshot's quotes, got ${total}`);
    await page.getByLabel('GPU', { exact: true }).selectOption('H100-80G');
    await page.waitForURL(/gpu=H100-80G/);
    const filtered = /(\d+) of/.exec((await page.getByTestId('quote-count').textContent())!)![1];
    assert.ok(Number(filtered) > 0 && Number(filtered) < Number(total));
    const models = await page.locator('[data-testid=quotes] tbody tr td:nth-child(3)').allTextContents();
    assert.ok(models.every((m) => m.startsWith('H100-80G')), models.join(', '));
    await page.goto(`${world.appUrl}/`);
    await page.getByTestId('quotes').waitFor();
    await shoot(page, 'market-desktop');
    await page.close();
    const phone = await open('/', 'phone');
    await phone.getByTestId('quotes').waitFor();
    await shoot(phone, 'market-phone');
    await phone.close();
  });
});

describe('a browser wallet', () => {
  test('is found by EIP-6963; on the wrong network the app says so and switches it', async () => {
    const { page, outside } = await openPage(world.browser, VIEWPORTS.desktop, world.allowed);
    await injectWallet(page, { account: '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720', chainId: 1 });
    await page.goto(`${world.appUrl}/jobs/new`);
    await page.getByRole('button', { name: 'Connect wallet' }).click();
    await page.getByRole('button', { name: 'Test Wallet' }).click();
    const banner = page.getByRole('alert').filter({ hasText: 'Your wallet is on chain 1.' });
    await banner.waitFor();
    assert.match((await page.locator('#form-status').textContent())!, /Switch your wallet to/);
    await shoot(page, 'wrong-network-desktop');
    await banner.getByRole('button', { name: 'Switch network' }).click();
    await banner.waitFor({ state: 'detached' });
    await page.getByTestId('balance').filter({ hasText: 'USDC' }).waitFor();
    world.outsideRequests.push(...outside);
    await page.close();
  });
});

describe('a buyer', () => {
  test('invalid inputs show field errors and send nothing', async () => {
    const page = await open('/jobs/new');
    await connectDevWallet(page);
    const before = await jobCount();
    await page.getByLabel('GPUs').fill('-1');
    await page.getByLabel('Max $/GPU-hour').fill('abc');
    await page.getByLabel('Review window (minutes)').fill('90');
    await page.getByLabel('Country (ISO code)').fill('Z9');
    await page.getByTestId('submit').click();
    assert.match((await page.getByTestId('field-error-job-count').textContent())!, /at least 1 \(got -1\)/);
    assert.match((await page.getByTestId('field-error-job-maxPrice').textContent())!, /price above \$0/);
    assert.match((await page.getByTestId('field-error-job-reviewMinutes').textContent())!, /at most 60/);
    assert.match((await page.getByTestId('field-error-job-country').textContent())!, /ISO country code/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'job-count');
    await shoot(page, 'new-job-errors-desktop');
    assert.equal(await jobCount(), before, 'a job was requested from an invalid form');
    await page.close();
  });

  test('submits a Tracked job, sees it routed, and Verify Decision passes during the review window', async () => {
    const page = await open('/jobs/new');
    await connectDevWallet(page);
    await page.getByTestId('best-quote').waitFor();
    const previewed = (await page.getByTestId('best-quote').getAttribute('data-quote'))!;
    await shoot(page, 'new-job-desktop');
    const id = await submitJob(page);
    // The preview is what routing chooses: the same quote, on-chain carriers included.
    assert.ok((await page.getByTestId('routed').textContent())!.includes(previewed.replace(':', ' ')), `routed to the previewed ${previewed}`);
    trackedJob = id;
    await shoot(page, 'new-job-routed-desktop');
    await page.getByTestId('open-job').click();
    await page.getByTestId('review-countdown').waitFor();
    assert.match(await verdict(page), /✔ Verified/);
    // On an external network's gateway, the page says who runs the job and what comes next.
    const provider = (await page.getByTestId('job-provider').textContent())!;
    assert.match(provider, /\((seller|gateway) #\d+\) · offer \d+$/);
    if (/\(gateway #\d+\)/.test(provider)) {
      // Akash's gateway deploys through its Console by itself; every other network's operator is told what to run.
      const runBy = (await page.getByTestId('fulfilment').textContent())!;
      assert.match(runBy, /^\s*(in review|awaiting bids|leased|running)/);
      if (!/akash/.test(runBy)) assert.match(runBy, /in review.*gateway's operator.*necto operator start/s);
    }
    assert.equal(await page.getByTestId('job-status').textContent(), 'Routed');
    await shoot(page, 'job-tracked-desktop');
    await page.close();
    const phone = await open(`/jobs/${id}`, 'phone');
    assert.match(await verdict(phone), /✔ Verified/);
    await shoot(phone, 'job-tracked-phone');
    await phone.close();
  });

  test('submits an Untracked job with a downloaded key, verifies it, and cancels it with the key', async () => {
    const page = await open('/jobs/new');
    await connectDevWallet(page);
    await page.getByLabel(/Untracked/).check();
    await page.getByTestId('submit').click(); // creates the key; nothing is sent yet
    const before = await jobCount();
    const download = page.waitForEvent('download');
    await page.getByTestId('download-key').click();
    const file = await download;
    assert.match(file.suggestedFilename(), /^necto-job-key-0x[0-9a-fA-F]{40}\.json$/);
    const key = JSON.parse(readFileSync((await file.path())!, 'utf8'));
    assert.equal(await jobCount(), before, 'a job was requested before the key was saved');
    await page.getByTestId('key-saved').check();
    await shoot(page, 'new-job-untracked-key-desktop');
    const id = await submitJob(page);
    const job = await chain().readContract({ address: world.market, abi: nectoMarketAbi, functionName: 'getJob', args: [BigInt(id)] });
    assert.equal(job.controller.toLowerCase(), key.address.toLowerCase(), 'the key, not the wallet, controls the job');
    await page.getByTestId('open-job').click();
    assert.match(await verdict(page), /✔ Verified/);
    await page.getByTestId('cancel-job').click();
    await page.getByText('Cancel the job: confirmed').waitFor({ timeout: ROUTED_MS });
    await page.getByTestId('job-status').filter({ hasText: 'Cancelled' }).waitFor({ timeout: ROUTED_MS });
    await page.getByTestId('amount-refunded').filter({ hasNotText: /^0\.00/ }).waitFor({ timeout: ROUTED_MS });
    assert.equal(await page.getByTestId('amount-refunded').textContent(), await page.getByTestId('amount-escrowed').textContent());
    await shoot(page, 'job-untracked-cancelled-desktop');

    // The key lives in this browser's storage: My jobs finds the Untracked job by it.
    await page.goto(`${world.appUrl}/jobs`);
    await page.getByTestId('untracked-jobs').getByRole('link', { name: `Job ${id}` }).waitFor();
    await page.getByTestId('tracked-jobs').waitFor();
    await shoot(page, 'my-jobs-desktop');
    await page.setViewportSize(VIEWPORTS.phone);
    await shoot(page, 'my-jobs-phone');
    await page.goto(`${world.appUrl}/jobs/${id}`);
    await page.getByTestId('job-status').filter({ hasText: 'Cancelled' }).waitFor();
    await shoot(page, 'job-untracked-cancelled-phone');
    await page.close();
    const newPhone = await open('/jobs/new', 'phone');
    await newPhone.getByTestId('best-quote').waitFor();
    await shoot(newPhone, 'new-job-phone');
    await newPhone.close();
  });

  test('a request the contract refuses is decoded into words, and nothing is sent', async () => {
    const guardian = createWalletClient({ account: GUARDIAN, chain: anvilChain(world), transport: http(world.rpcUrl) });
    const page = await open('/jobs/new');
    await connectDevWallet(page);
    await page.getByTestId('best-quote').waitFor();
    const before = await jobCount();
    await chain().waitForTransactionReceipt({ hash: await guardian.writeContract({ address: world.market, abi: nectoMarketAbi, functionName: 'pause' }) });
    try {
      await page.getByTestId('submit').click();
      const error = page.getByTestId('tx-error');
      await error.waitFor({ timeout: ROUTED_MS });
      assert.match((await error.textContent())!, /the market is paused by its guardian/);
      await shoot(page, 'new-job-refused-desktop');
      assert.equal(await jobCount(), before);
    } finally {
      await chain().waitForTransactionReceipt({ hash: await guardian.writeContract({ address: world.market, abi: nectoMarketAbi, functionName: 'unpause' }) });
    }
    await page.close();
  });

  test('a tampered record fails verification in the review window, and one click cancels the job', async () => {
    assert.ok(trackedJob, 'the Tracked job test ran first');
    const page = await open(`/jobs/${trackedJob}`, 'desktop', tamperedApp!.url);
    await connectDevWallet(page);
    await page.getByTestId('review-countdown').waitFor();
    const text = await verdict(page); // verified without a click: the job is in its review window
    assert.match(text, /✘ Not verified/);
    assert.match(text, /Failed: .*0G root/, 'the failing check is named');
    assert.ok(tamperingKeeper!.tampered.length > 0, 'the tampering keeper served no record');
    await shoot(page, 'job-tampered-desktop');
    await page.getByTestId('cancel-after-failed-verify').click();
    await page.getByTestId('job-status').filter({ hasText: 'Cancelled' }).waitFor({ timeout: ROUTED_MS });
    await page.getByTestId('amount-refunded').filter({ hasNotText: /^0\.00/ }).waitFor({ timeout: ROUTED_MS });
    assert.equal(await page.getByTestId('amount-refunded').textContent(), await page.getByTestId('amount-escrowed').textContent());
    await page.close();
  });
});
