// The seller pages end to end: a fresh account (anvil #10) registers at /sell, lists an offer with
// each pricing model, sees them ranked in the market, toggles capacity and sees the keeper's
// routing follow it, runs a routed job from /sell/<id>, and withdraws exactly what it earned.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { localUsdcAbi, nectoMarketAbi } from '@necto/contracts';
import { jobRequest } from 'agent-keeper/job-request';
import { createWalletClient, http, parseEventLogs } from 'viem';
import type { Address } from 'viem';
import type { Page } from 'playwright-core';
import { usdPerGpuHour } from '../../src/lib/format.ts';
import { tokenUsdMicro } from '../../src/lib/seller-pricing.ts';
import { ACCOUNTS, ROUTED_MS, anvilChain, chainOf, connectDevWallet, open as openIn, shoot as shootPage, startWorld, stopWorld } from './harness.ts';
import type { World } from './harness.ts';

/** anvil accounts 9 (the seeded buyer) and 10 (fresh, ETH only). */
const BUYER: Address = '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720';
const SELLER: Address = '0xBcd4042DE499D14e55001CcbB24a551F3b954096';
/** Far below any H100-80G quote, so the keeper routes an H100-80G job here whenever it may. */
const CHEAP_H100 = '0.41';
const UI_MS = 20_000;

let world: World;
let providerId: number;
/** Offer ids by pricing model. */
const offers: Record<'Fixed' | 'Dynamic' | 'Token', number> = { Fixed: 0, Dynamic: 0, Token: 0 };

before(async () => {
  world = await startWorld();
});

after(async () => {
  await stopWorld(world);
});

/** Screenshots from the top, so the sticky header sits where it belongs. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await shootPage(page, name);
}

const open = (path: string, viewport: 'desktop' | 'phone' = 'desktop') => openIn(world, path, viewport);

async function asSeller(path: string, viewport: 'desktop' | 'phone' = 'desktop'): Promise<Page> {
  const page = await open(path, viewport);
  await connectDevWallet(page, ACCOUNTS.freshSeller);
  return page;
}

const read = <T>(functionName: string, args: readonly unknown[] = []) =>
  chainOf(world).readContract({ address: world.market, abi: nectoMarketAbi, functionName, args } as never) as Promise<T>;

async function rpc(method: string, params: unknown[] = []): Promise<void> {
  const response = await fetch(world.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const body = (await response.json()) as { error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
}

/** The seeded buyer requests an H100-80G job outside the app and waits for the keeper to route it. */
async function requestH100(gpuCount: number, reviewSeconds: number): Promise<{ jobId: bigint; offerId: number }> {
  const terms = { gpuModel: 'H100-80G', gpuCount, minVramGb: 80, hours: 2, excludedPricing: [], workloadURI: 'oci://ghcr.io/necto/e2e-train:1', maxPricePerGpuHour: 3_000_000n, reviewSeconds, rerouteOptIn: false, teamId: 0 };
  const wallet = createWalletClient({ account: BUYER, chain: anvilChain(world), transport: http(world.rpcUrl) });
  const chain = chainOf(world);
  const deposit = terms.maxPricePerGpuHour * BigInt(gpuCount) * BigInt(terms.hours);
  await chain.waitForTransactionReceipt({ hash: await wallet.writeContract({ address: world.deployment.contracts.USDC, abi: localUsdcAbi, functionName: 'approve', args: [world.market, deposit] }) });
  const hash = await wallet.writeContract({ address: world.market, abi: nectoMarketAbi, functionName: 'requestJob', args: [jobRequest(terms)] } as never);
  const [requested] = parseEventLogs({ abi: nectoMarketAbi, eventName: 'JobRequested', logs: (await chain.waitForTransactionReceipt({ hash })).logs });
  const jobId = requested!.args.jobId;
  const deadline = Date.now() + ROUTED_MS;
  for (;;) {
    const job = await read<{ status: number; offerId: number }>('getJob', [jobId]);
    // JobStatus: 1 Requested, 2 Routed.
    if (job.status !== 1) {
      assert.equal(job.status, 2, `job ${jobId} was routed`);
      return { jobId, offerId: Number(job.offerId) };
    }
    if (Date.now() > deadline) throw new Error(`job ${jobId} was not routed within ${ROUTED_MS} ms`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

async function until(what: string, check: () => Promise<boolean>, ms = UI_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

async function listOffer(page: Page, fill: () => Promise<void>): Promise<number> {
  await fill();
  await page.getByTestId('list-offer').click();
  const listed = page.getByTestId('offer-listed');
  await listed.waitFor({ timeout: UI_MS });
  const offerId = Number(/Offer (\d+)/.exec((await listed.textContent())!)![1]);
  await page.getByTestId(`offer-${offerId}`).waitFor({ timeout: UI_MS });
  return offerId;
}

describe('selling on Necto', () => {
  test('the landing page explains selling; registering checks every field, then opens the new provider', async () => {
    for (const viewport of ['desktop', 'phone'] as const) {
      const page = await open('/sell', viewport);
      await page.getByTestId('sell-connect').waitFor();
      await shoot(page, `sell-landing-${viewport}`);
      await page.close();
    }

    for (const viewport of ['phone', 'desktop'] as const) {
      const page = await asSeller('/sell', viewport);
      await page.getByTestId('no-providers').waitFor();
      assert.equal(await page.locator('#register-payout').inputValue(), SELLER, 'the payout defaults to the wallet');
      await page.locator('#register-payout').fill('0x1234');
      await page.locator('#register-name').fill('x'.repeat(65));
      await page.locator('#register-contact').fill('call me maybe');
      const blocks = await chainOf(world).getBlockNumber();
      await page.getByTestId('register').click();
      assert.match((await page.getByTestId('field-error-register-payout').textContent())!, /not an address/);
      assert.match((await page.getByTestId('field-error-register-name').textContent())!, /at most 64/);
      assert.match((await page.getByTestId('field-error-register-contact').textContent())!, /neither an email/);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'register-payout', 'focus moves to the first bad field');
      assert.equal(await chainOf(world).getBlockNumber(), blocks, 'nothing was sent');
      await shoot(page, `sell-register-${viewport}`);
      if (viewport === 'phone') {
        await page.close();
        continue;
      }
      await page.locator('#register-payout').fill(SELLER);
      await page.locator('#register-name').fill('Oslo Test GPUs');
      await page.locator('#register-contact').fill('ops@oslo-gpus.example');
      await page.getByTestId('register').click();
      await page.waitForURL(/\/sell\/\d+$/, { timeout: UI_MS });
      providerId = Number(page.url().split('/').pop());
      const provider = await read<{ owner: Address; payout: Address }>('getProvider', [providerId]);
      assert.equal(provider.owner, SELLER);
      assert.equal(provider.payout, SELLER);
      await page.getByTestId('provider-name').filter({ hasText: 'Oslo Test GPUs' }).waitFor({ timeout: UI_MS });
      await page.getByTestId('no-offers').waitFor({ timeout: UI_MS });
      await page.close();
    }
    const listing = await asSeller('/sell');
    await listing.getByRole('link', { name: `Manage provider ${providerId}` }).waitFor({ timeout: UI_MS });
    await listing.close();
  });

  test('lists a Fixed, a Dynamic (with its preview) and a Token offer (its USD value and ceiling), each ranked on the market', async () => {
    const page = await asSeller(`/sell/${providerId}`);
    await page.getByTestId('new-offer').waitFor();

    offers.Fixed = await listOffer(page, async () => {
      await page.locator('#offer-gpu').selectOption('H100-80G');
      assert.equal(await page.locator('#offer-vram').inputValue(), '80', 'VRAM defaults from the model');
      await page.locator('#offer-count').fill('4');
      await page.locator('#offer-country').fill('NO');
      await page.locator('#offer-area').selectOption('EU');
      await page.getByLabel('Fixed').check();
      await page.locator('#offer-price').fill(CHEAP_H100);
      await page.getByTestId('offer-rank').filter({ hasText: /cheapest of \d+ H100-80G offers/ }).waitFor({ timeout: UI_MS });
    });

    offers.Dynamic = await listOffer(page, async () => {
      await page.locator('#offer-gpu').selectOption('A100-80G');
      await page.locator('#offer-count').fill('4');
      await page.locator('#offer-country').fill('US');
      await page.locator('#offer-area').selectOption('NA');
      await page.getByLabel('Dynamic').check();
      await page.locator('#offer-floor').fill('1.00');
      await page.locator('#offer-slope').fill('40');
      const preview = page.getByTestId('offer-dynamic-preview');
      await preview.waitFor();
      for (const [percent, price] of [[0, '$1.00'], [25, '$1.10'], [50, '$1.20'], [75, '$1.30'], [100, '$1.40']] as const) {
        assert.equal((await preview.getByTestId(`preview-${percent}`).textContent())?.trim(), price);
      }
      await page.getByTestId('offer-rank').filter({ hasText: /A100-80G/ }).waitFor({ timeout: UI_MS });
      await shoot(page, 'sell-new-offer-dynamic-desktop');
    });

    const rate = (await (await fetch(`${world.keeperUrl}/token-rate?id=render-token`)).json()) as { usd: number };
    offers.Token = await listOffer(page, async () => {
      await page.locator('#offer-gpu').selectOption('L40S-48G');
      await page.locator('#offer-count').fill('2');
      await page.locator('#offer-country').fill('');
      await page.locator('#offer-area').selectOption('EU');
      await page.getByLabel('Token', { exact: true }).check();
      await page.locator('#offer-token').fill('render-token');
      await page.locator('#offer-tokenAmount').fill('0.5');
      await page.locator('#offer-ceiling').fill('1.00');
      const value = usdPerGpuHour(tokenUsdMicro(500_000n, rate.usd));
      await page.getByTestId('offer-token-usd').filter({ hasText: value }).waitFor({ timeout: UI_MS });
      assert.match((await page.getByTestId('offer-token-usd').textContent())!, new RegExp(`\\$${rate.usd}`));
      await page.getByTestId('offer-ceiling-warning').waitFor();
      await shoot(page, 'sell-new-offer-token-desktop');
      await page.locator('#offer-ceiling').fill('2.00');
      await page.getByTestId('offer-ceiling-warning').waitFor({ state: 'detached' });
    });

    const stored = await read<{ pricing: number; price: bigint; demandSlopeBps: number; tokenAmount: bigint }>('getOffer', [offers.Token]);
    assert.deepEqual([stored.pricing, stored.price, stored.tokenAmount], [2, 2_000_000n, 500_000n]);
    assert.equal((await read<{ demandSlopeBps: number }>('getOffer', [offers.Dynamic])).demandSlopeBps, 4000);

    // Each offer is on the market board as the keeper reads the chain now, at the rank the seller page says.
    for (const [model, gpu] of [['Fixed', 'H100-80G'], ['Dynamic', 'A100-80G'], ['Token', 'L40S-48G']] as const) {
      const offerId = offers[model];
      const rankCell = page.getByTestId(`offer-${offerId}-rank`);
      await rankCell.filter({ hasText: new RegExp(`of \\d+ ${gpu} offers`) }).waitFor({ timeout: UI_MS });
      const rank = (await rankCell.textContent())!;
      const [, position, total] = /(cheapest|\d+)(?:st|nd|rd|th)? of (\d+)/.exec(rank)!;
      const price = /^\$[\d.,]+/.exec((await page.getByTestId(`offer-${offerId}-price`).textContent())!.trim())![0];

      const market = await open(`/?gpu=${gpu}`);
      await market.getByTestId('quotes').waitFor({ timeout: UI_MS });
      const rows = market.getByTestId('quotes').locator('tbody tr');
      await market.getByTestId('quote-count').filter({ hasText: new RegExp(`^${total} of`) }).waitFor({ timeout: UI_MS });
      const sources = await rows.locator('td[data-label="Source"]').allTextContents();
      const prices = await rows.locator('td[data-label="$/GPU-h"]').allTextContents();
      const mine = sources.findIndex((s, i) => s.trim() === 'Necto sellers' && prices[i]!.trim() === price);
      assert.ok(mine >= 0, `${model} offer ${offerId} at ${price} is in the market table for ${gpu}`);
      const expected = position === 'cheapest' ? 1 : Number(position);
      assert.equal(prices.filter((p) => Number(p.replace('$', '')) < Number(price.replace('$', ''))).length + 1, expected, `${model} ranks ${rank}`);
      if (model === 'Fixed') assert.equal(mine, 0, 'the cheap H100 offer tops its market');
      await market.close();
    }
    await shoot(page, 'sell-provider-desktop');
    const phone = await asSeller(`/sell/${providerId}`, 'phone');
    await phone.getByTestId(`offer-${offers.Token}-rank`).filter({ hasText: /L40S-48G/ }).waitFor({ timeout: UI_MS });
    await shoot(phone, 'sell-provider-phone');
    await phone.getByLabel('Dynamic').check();
    await phone.getByTestId('offer-dynamic-preview').waitFor();
    await shoot(phone, 'sell-new-offer-dynamic-phone');
    await phone.getByLabel('Token', { exact: true }).check();
    await phone.locator('#offer-ceiling').fill('1.00');
    await phone.getByTestId('offer-ceiling-warning').waitFor({ timeout: UI_MS });
    await shoot(phone, 'sell-new-offer-token-phone');
    await phone.close();
    await page.close();
  });

  test('edits an offer’s pricing and window and the profile, each checked on-chain', async () => {
    const page = await asSeller(`/sell/${providerId}`);
    await page.getByTestId(`offer-${offers.Dynamic}-edit-pricing`).click();
    const edit = `edit-${offers.Dynamic}`;
    await page.locator(`#${edit}-slope`).fill('50');
    await page.getByTestId(`${edit}-dynamic-preview`).getByTestId('preview-100').filter({ hasText: '$1.50' }).waitFor();
    await page.getByTestId(`${edit}-save`).click();
    await until('the new slope', async () => (await read<{ demandSlopeBps: number }>('getOffer', [offers.Dynamic])).demandSlopeBps === 5000);
    await page.getByTestId(`offer-${offers.Dynamic}-pricing`).filter({ hasText: '+ 50% at full use' }).waitFor({ timeout: UI_MS });

    await page.getByTestId(`offer-${offers.Token}-edit-window`).click();
    const until7d = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 16);
    await page.locator(`#edit-${offers.Token}-until`).fill(until7d);
    await page.getByTestId(`edit-${offers.Token}-save`).click();
    await until('the new window', async () => (await read<{ availableUntil: number }>('getOffer', [offers.Token])).availableUntil === Date.parse(`${until7d}Z`) / 1000);

    await page.getByTestId('edit-profile').click();
    await page.locator('#profile-name').fill('');
    await page.getByTestId('save-profile').click();
    assert.match((await page.getByTestId('field-error-profile-name').textContent())!, /enter the name/);
    await page.locator('#profile-name').fill('Oslo Test GPUs II');
    await page.getByTestId('save-profile').click();
    await page.getByTestId('provider-name').filter({ hasText: 'Oslo Test GPUs II' }).waitFor({ timeout: UI_MS });
    await page.close();
  });

  let routedJob: bigint;

  test('routing follows capacity: Offline is passed over, Available is routed to', async () => {
    const page = await asSeller(`/sell/${providerId}`);
    const state = page.getByTestId(`offer-${offers.Fixed}-state`);
    await state.selectOption('Offline');
    await page.getByTestId(`offer-${offers.Fixed}-save-capacity`).click();
    await until('the offer Offline', async () => (await read<{ state: number }>('getOffer', [offers.Fixed])).state === 2);

    const elsewhere = await requestH100(2, 30);
    assert.notEqual(elsewhere.offerId, offers.Fixed, 'an Offline offer is never routed to');

    await state.selectOption('Available');
    await page.getByTestId(`offer-${offers.Fixed}-save-capacity`).click();
    await until('the offer Available', async () => (await read<{ state: number }>('getOffer', [offers.Fixed])).state === 0);
    const { jobId, offerId } = await requestH100(2, 30);
    assert.equal(offerId, offers.Fixed, 'the cheapest Available offer gets the job');
    routedJob = jobId;
    await page.close();
  });

  test('a refused capacity change is a field error and nothing is sent', async () => {
    const page = await asSeller(`/sell/${providerId}`);
    await page.getByTestId(`offer-${offers.Fixed}-gpus`).filter({ hasText: '2 in use' }).waitFor({ timeout: UI_MS });
    await page.locator(`#cap-${offers.Fixed}-count`).fill('1');
    const blocks = await chainOf(world).getBlockNumber();
    await page.getByTestId(`offer-${offers.Fixed}-save-capacity`).click();
    assert.equal(await page.getByTestId(`field-error-cap-${offers.Fixed}-count`).textContent(), '2 GPUs are in use by routed or running jobs: list at least 2');
    assert.equal(await page.evaluate(() => document.activeElement?.id), `cap-${offers.Fixed}-count`);
    assert.equal(await chainOf(world).getBlockNumber(), blocks, 'nothing was sent');
    assert.equal((await read<{ gpuCount: number }>('getOffer', [offers.Fixed])).gpuCount, 4);
    await page.close();
  });

  test('starts the routed job after its review window, completes it with the hours used, and withdraws exactly the earnings', async () => {
    const page = await asSeller(`/sell/${providerId}`);
    const card = page.getByTestId(`incoming-${routedJob}`);
    await card.waitFor({ timeout: UI_MS });
    assert.match((await card.getByTestId(`workload-uri-${routedJob}`).textContent())!, /oci:\/\/ghcr.io\/necto\/e2e-train:1/);
    assert.match((await card.textContent())!, /Imageghcr.io\/necto\/e2e-train:1.*Command\(the image’s default command\).*matches the workload/s);
    const start = page.getByTestId(`start-${routedJob}`);
    if (await page.getByTestId(`review-${routedJob}`).isVisible()) assert.equal(await start.isDisabled(), true, 'no start during the review window');
    await shoot(page, 'sell-incoming-jobs-desktop');
    const phoneJobs = await asSeller(`/sell/${providerId}`, 'phone');
    await phoneJobs.getByTestId(`incoming-${routedJob}`).waitFor({ timeout: UI_MS });
    await shoot(phoneJobs, 'sell-incoming-jobs-phone');
    await phoneJobs.close();
    await page.waitForFunction((id) => !(document.querySelector(`[data-testid="start-${id}"]`) as HTMLButtonElement | null)?.disabled, String(routedJob), { timeout: 60_000 });
    // anvil mines only on transactions, so its clock stands still between them and the start's
    // simulation would see the last block's time; a block now is what a live chain's next one is.
    await rpc('evm_mine');
    await start.click();
    await page.locator(`#used-${routedJob}, [data-testid="incoming-${routedJob}"] [data-testid="tx-error"]`).first().waitFor({ timeout: UI_MS });
    assert.equal(await card.getByTestId('tx-error').count(), 0, `the start was refused: ${await card.getByTestId('tx-error').textContent().catch(() => '')}`);
    assert.equal((await read<{ status: number }>('getJob', [routedJob])).status, 3, 'Started');

    // An hour and a bit passes on the chain.
    await rpc('evm_increaseTime', [3700]);
    await rpc('evm_mine');
    await page.locator(`#used-${routedJob}`).fill('2:30');
    await page.getByTestId(`complete-${routedJob}`).click();
    assert.match((await page.getByTestId(`field-error-used-${routedJob}`).textContent())!, /2 h booked/);
    await page.locator(`#used-${routedJob}`).fill('1:00');
    const before = await chainOf(world).getBlockNumber();
    await page.getByTestId(`complete-${routedJob}`).click();
    await page.getByTestId(`usage-${routedJob}`).filter({ hasText: 'Completed' }).waitFor({ timeout: UI_MS });

    const [completed] = await chainOf(world).getContractEvents({ address: world.market, abi: nectoMarketAbi, eventName: 'JobCompleted', args: { jobId: routedJob }, fromBlock: before });
    const [routed] = await chainOf(world).getContractEvents({ address: world.market, abi: nectoMarketAbi, eventName: 'JobRouted', args: { jobId: routedJob }, fromBlock: 0n });
    const { usedSeconds, providerEarnings, protocolFee } = completed!.args as { usedSeconds: number; providerEarnings: bigint; protocolFee: bigint };
    const { pricePerGpuHour, feeBps } = routed!.args as { pricePerGpuHour: bigint; feeBps: number };
    assert.equal(usedSeconds, 3600);
    assert.equal(pricePerGpuHour, 410_000n);
    const gross = (pricePerGpuHour * 2n * 3600n) / 3600n;
    assert.equal(protocolFee, (gross * BigInt(feeBps)) / 10_000n);
    assert.equal(providerEarnings, gross - protocolFee);
    assert.equal(await read<bigint>('earningsOf', [SELLER]), providerEarnings);

    const buyerName = (await page.getByTestId(`usage-buyer-${routedJob}`).textContent())!.trim();
    assert.match(buyerName, /^buyer-[0-9a-f]{6}$/);
    assert.ok(!(await page.content()).toLowerCase().includes(BUYER.toLowerCase()), 'no buyer address on the seller page');

    await page.getByTestId('withdrawable').filter({ hasText: /[1-9]/ }).waitFor({ timeout: UI_MS });
    assert.equal(await page.getByTestId('withdrawable').getAttribute('data-base-units'), providerEarnings.toString());
    await shoot(page, 'sell-earnings-desktop');
    const phone = await asSeller(`/sell/${providerId}`, 'phone');
    await phone.getByTestId('withdrawable').filter({ hasText: /[1-9]/ }).waitFor({ timeout: UI_MS });
    await shoot(phone, 'sell-earnings-phone');
    await phone.close();

    const usdc = world.deployment.contracts.USDC;
    const balance = () => chainOf(world).readContract({ address: usdc, abi: localUsdcAbi, functionName: 'balanceOf', args: [SELLER] });
    const held = await balance();
    await page.getByTestId('withdraw').click();
    await page.getByTestId('withdrawn').waitFor({ timeout: UI_MS });
    assert.equal((await balance()) - held, providerEarnings, 'the payout address received exactly the provider earnings');
    assert.equal(await read<bigint>('earningsOf', [SELLER]), 0n);
    await page.getByTestId('payout-history').filter({ hasText: 'Withdrawn' }).waitFor({ timeout: UI_MS });
    await page.close();
  });

  test('another wallet sees the provider read-only, and the payout rule', async () => {
    const page = await open(`/sell/${providerId}`);
    await connectDevWallet(page, ACCOUNTS.buyer);
    await page.getByTestId('not-owner').waitFor({ timeout: UI_MS });
    await page.getByTestId('not-payout').waitFor();
    assert.equal(await page.getByTestId('list-offer').count(), 0);
    assert.equal(await page.getByTestId(`offer-${offers.Fixed}-save-capacity`).count(), 0);
    await page.close();
  });
});
