// `npm run bench -w app`: the market page on a local stack started for the run, in headless
// Chromium. Measures the first contentful paint and the time until the quote table shows, the
// initial JavaScript the page loads (gzipped, as built), and how the table responds with 1,000
// quotes (a filter change and a re-sort, from the event to the next painted frame).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { startFullStack } from '../../script/test/stack.ts';
import { VIEWPORTS, launchBrowser, openPage } from '../test/e2e/browser.ts';

const BUILD = resolve(import.meta.dirname, '../build');
const RUNS = 5;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function syntheticBoard(rows: number) {
  const models = ['H100-80G', 'A100-80G', 'RTX4090-24G', 'L40S-48G', 'H200-141G'];
  const sources = ['akash', 'vast', 'runpod', 'lambda', 'aws-spot'];
  const now = Math.floor(Date.now() / 1000);
  return {
    providers: 'live',
    scannedAt: now,
    now,
    sources: sources.map((id) => ({ id, label: id, status: 'ok', quotes: rows / sources.length, rejected: 0 })),
    rows: Array.from({ length: rows }, (_, i) => {
      const micro = 200_000 + ((i * 7919) % 4_000_000);
      return {
        quote: `${sources[i % 5]}:offer-${i}`, source: sources[i % 5], sourceLabel: sources[i % 5], provider: sources[i % 5],
        gpuModel: models[i % 5], vendorGpuName: models[i % 5], pricingModel: ['fixed', 'spot', 'auction', 'token'][i % 4],
        microUsdPerGpuHour: micro, usdPerGpuHour: micro / 1e6, raw: { value: String(micro / 1e6), unit: 'USD/GPU-hour', currency: 'USD' },
        unitGpus: 1 + (i % 8), availableGpus: i % 3 ? i % 17 : null, availability: i % 3 ? 'known' : 'unknown', vramGb: 80,
        country: ['US', 'DE', 'JP'][i % 3], area: ['NA', 'EU', 'APAC'][i % 3], observedAt: now - (i % 600), ageSeconds: i % 600,
      };
    }),
  };
}

/** ms from dispatching `act` until the table shows the change (the count or the first row differs)
 *  and the next frame is painted. */
async function frameAfter(page: Page, act: string): Promise<number> {
  return page.evaluate(async (code) => {
    const view = () => `${document.querySelector('[data-testid=quote-count]')?.textContent?.split('·')[0]}|${document.querySelector('[data-testid=quotes] tbody tr')?.textContent}`;
    const before = view();
    const start = performance.now();
    new Function(code)();
    while (view() === before) {
      if (performance.now() - start > 5000) throw new Error('the table did not change');
      await new Promise((r) => setTimeout(r, 0));
    }
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - start;
  }, act);
}

const stack = await startFullStack();
await stack.ready;
const appUrl = stack.urls.app!;
const browser = await launchBrowser();
try {
  const paints: number[] = [];
  const tables: number[] = [];
  let scripts: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { page, context } = await openPage(browser, VIEWPORTS.desktop, [appUrl]);
    const loaded: string[] = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.origin === appUrl && url.pathname.endsWith('.js')) loaded.push(url.pathname);
    });
    const start = Date.now();
    await page.goto(appUrl);
    await page.getByTestId('quotes').waitFor();
    tables.push(Date.now() - start);
    paints.push(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN));
    scripts = loaded;
    await context.close();
  }
  const gzipped = scripts.reduce((sum, path) => sum + gzipSync(readFileSync(join(BUILD, path))).length, 0);

  const { page, context } = await openPage(browser, VIEWPORTS.desktop, [appUrl]);
  await page.route('**/market', (route) => route.fulfill({ json: syntheticBoard(1000), headers: { 'access-control-allow-origin': '*' } }));
  await page.goto(appUrl);
  await page.getByTestId('quotes').waitFor();
  const filters: number[] = [];
  const sorts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    filters.push(await frameAfter(page, `const s = document.getElementById('f-gpu'); s.value = s.value ? '' : 'H100-80G'; s.dispatchEvent(new Event('change', { bubbles: true }));`));
    await page.waitForTimeout(200);
    sorts.push(await frameAfter(page, `[...document.querySelectorAll('[data-testid=quotes] th button')].find((b) => b.textContent.startsWith('Age')).click();`));
    await page.waitForTimeout(200);
  }
  await context.close();

  const results = {
    firstContentfulPaintMs: Math.round(median(paints)),
    quoteTableVisibleMs: Math.round(median(tables)),
    initialJsGzipKb: Math.round(gzipped / 102.4) / 10,
    initialJsFiles: scripts.length,
    table1000FilterMs: Math.round(median(filters)),
    table1000SortMs: Math.round(median(sorts)),
  };
  console.log(`Market page, median of ${RUNS} loads on the local stack (targets: first paint < 1000 ms, initial JS < 200 kB gzipped):`);
  for (const [name, value] of Object.entries(results)) console.log(`  ${name.padEnd(24)} ${value}`);
} finally {
  await browser.close();
  await stack.cleanup();
}
