// Tracked mode's teams end to end, against a full local stack: the seeded team's Admin (#6) creates
// a new team, funds it, adds #7 as User and #8 as Viewer, turns the provider whitelist on with one
// entry and sets a spending cap; #7 submits a team job within the cap (routed only to the
// whitelisted provider) and is stopped by a field error above it; #8 sees everything and can change
// nothing, in the app or outside it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { nectoMarketAbi, teamAccessAbi } from '@necto/contracts';
import { explainRevert } from 'agent-keeper/revert';
import type { Address } from 'viem';
import type { Page } from 'playwright-core';
import { VIEWPORTS } from './browser.ts';
import { ACCOUNTS, ROUTED_MS, chainOf, connectDevWallet, indexerQuery, jobCount, open, shoot, startWorld, stopWorld, switchDevAccount } from './harness.ts';
import type { World } from './harness.ts';

/** anvil accounts 6, 7, 8 (the seeded team's Admin, User and Viewer). */
const ADMIN: Address = '0x976EA74026E726554dB657fA54763abd0C3a0aa9';
const USER: Address = '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955';
const VIEWER: Address = '0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f';
const TEAM_NAME = 'Render Farm Ops';
/** The seeded Necto seller the new team whitelists; without a whitelist a cheaper gateway wins. */
const SELLER = 'Frankfurt H100 Lab';

let world: World;
let teamId: number;
let whitelisted: number;
let teamJob: string;

before(async () => {
  world = await startWorld();
});

after(async () => {
  await stopWorld(world);
});

const teamAccess = () => world.deployment.contracts.TeamAccess;
const roleOf = (account: Address) => chainOf(world).readContract({ address: teamAccess(), abi: teamAccessAbi, functionName: 'roleOf', args: [teamId, account] });
const teamFunds = () => chainOf(world).readContract({ address: world.market, abi: nectoMarketAbi, functionName: 'teamFunds', args: [teamId] });
const text = async (page: Page, testid: string) => (await page.getByTestId(testid).textContent())!.trim();
const confirmed = (page: Page, what: string) => page.getByText(`${what}: confirmed`).waitFor({ timeout: ROUTED_MS });

/** Both viewports, from the top (the sticky header would otherwise sit mid-page). */
async function shootBoth(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await shoot(page, `${name}-desktop`);
  await page.setViewportSize(VIEWPORTS.phone);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shoot(page, `${name}-phone`);
  await page.setViewportSize(VIEWPORTS.desktop);
}

describe('a team admin', () => {
  test('sees what teams are, then their teams, and creates a new one', async () => {
    const page = await open(world, '/teams');
    await page.getByText('Connect a wallet').waitFor();
    assert.equal(await page.getByTestId('create-team').count(), 0, 'no create form without a wallet');
    await connectDevWallet(page, ACCOUNTS.teamAdmin);
    const mine = page.getByTestId('my-teams');
    await mine.getByRole('link', { name: 'Helix Bio ML' }).waitFor();
    assert.match((await mine.textContent())!, /Helix Bio ML.*Admin/s);
    await shootBoth(page, 'teams-landing');

    const before = await chainOf(world).readContract({ address: teamAccess(), abi: teamAccessAbi, functionName: 'teamCount' });
    await page.getByTestId('create-team').click();
    assert.equal(await text(page, 'field-error-team-name'), 'enter the team name');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'team-name');
    await page.getByLabel('Team name').fill(TEAM_NAME);
    await shootBoth(page, 'teams-create');
    await page.getByTestId('create-team').click();
    await page.waitForURL(/\/teams\/\d+$/, { timeout: ROUTED_MS });
    teamId = Number(page.url().split('/').pop());
    assert.equal(teamId, before + 1, 'the page opened the team the TeamCreated event named');
    assert.equal(await roleOf(ADMIN), 3, 'the creator is its Admin');
    await page.getByRole('heading', { level: 1, name: TEAM_NAME }).waitFor({ timeout: ROUTED_MS });
    await page.close();
  });

  test('funds the treasury, adds a User and a Viewer, turns the whitelist on with one provider and sets a cap', async () => {
    assert.ok(teamId, 'the team was created');
    const page = await open(world, `/teams/${teamId}`);
    await connectDevWallet(page, ACCOUNTS.teamAdmin);
    await page.getByTestId('team-role').filter({ hasText: 'Admin' }).waitFor();

    // Deposit: above the wallet's balance is a field error; then approve and deposit.
    await page.getByLabel('Amount (USDC)').first().fill('100000000');
    await page.getByTestId('deposit').click();
    assert.match(await text(page, 'field-error-deposit-amount'), /is more than this wallet's/);
    await page.getByLabel('Amount (USDC)').first().fill('500');
    await page.getByTestId('deposit').click();
    await confirmed(page, 'Deposit to the treasury');
    await page.getByTestId('funds-balance').filter({ hasText: '500.00 USDC' }).waitFor();
    await page.getByTestId('treasury-movements').getByText('Deposit').waitFor({ timeout: ROUTED_MS });
    assert.equal((await teamFunds())[0], 500_000_000n);

    // Members: a bad address, then #7 as User and #8 as Viewer; the last Admin cannot step down.
    const account = page.getByLabel('Address');
    const role = page.locator('#member-role');
    await account.fill('0x1234');
    await page.getByTestId('save-member').click();
    assert.match(await text(page, 'field-error-member-account'), /0x and 40 hex digits \(got "0x1234"\)/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'member-account');
    for (const [address, name] of [[USER, 'User'], [VIEWER, 'Viewer']] as const) {
      await account.fill(address);
      await role.selectOption(name);
      await page.getByTestId('save-member').click();
      await confirmed(page, 'Set the role');
      await page.locator(`[data-testid=member-row][data-account="${address.toLowerCase()}"]`).getByText(name).waitFor({ timeout: ROUTED_MS });
    }
    assert.equal(await roleOf(USER), 2);
    assert.equal(await roleOf(VIEWER), 1);
    await page.locator(`[data-testid=member-row][data-account="${ADMIN.toLowerCase()}"]`).getByRole('button', { name: /^Change/ }).click();
    await role.selectOption('Viewer');
    await page.getByTestId('save-member').click();
    assert.match(await text(page, 'field-error-member-role'), /is the team's last Admin: make another member Admin first/);
    assert.equal(await roleOf(ADMIN), 3, 'nothing was sent');

    // Whitelist: on, an unknown provider refused, then one Necto seller, not the cheapest H100.
    const { providers } = await indexerQuery<{ providers: { items: { id: number; metadataURI: string }[] } }>(world, `{ providers(where: { isGateway: false }) { items { id metadataURI } } }`);
    whitelisted = providers.items.find((p) => p.metadataURI.includes(SELLER))!.id;
    await page.getByTestId('toggle-whitelist').click();
    await confirmed(page, 'Turn the whitelist on');
    await page.getByTestId('whitelist-state').filter({ hasText: 'On' }).waitFor({ timeout: ROUTED_MS });
    await page.getByLabel('Add a provider (id)').fill('9999');
    await page.getByTestId('add-provider').click();
    assert.equal(await text(page, 'field-error-whitelist-provider'), 'provider 9999 is not registered on the market');
    await page.getByLabel('Add a provider (id)').fill(String(whitelisted));
    await page.getByText(SELLER).first().waitFor();
    await page.getByTestId('add-provider').click();
    await confirmed(page, 'Whitelist the provider');
    await page.getByTestId('whitelist-entries').locator(`[data-provider="${whitelisted}"]`).getByText(SELLER).first().waitFor({ timeout: ROUTED_MS });
    const [, whitelistOn] = await chainOf(world).readContract({ address: teamAccess(), abi: teamAccessAbi, functionName: 'teamState', args: [teamId] });
    assert.equal(whitelistOn, true);

    // Cap: a bad amount, then 50 USDC per 30 days.
    await page.getByLabel('New cap (USDC per 30 days)').fill('fifty');
    await page.getByTestId('save-cap').click();
    assert.match(await text(page, 'field-error-team-cap'), /enter an amount of USDC/);
    await page.getByLabel('New cap (USDC per 30 days)').fill('50');
    await page.getByTestId('save-cap').click();
    await confirmed(page, 'Set the spending cap');
    await page.getByTestId('cap-value').filter({ hasText: '50.00 USDC' }).waitFor();
    assert.equal((await teamFunds())[2], 50_000_000n);
    await page.getByTestId('funds-spendable').filter({ hasText: '50.00 USDC' }).waitFor();
    await shootBoth(page, 'team-admin');
    await page.close();
  });
});

describe('a team User', () => {
  async function teamForm(page: Page, count: string, hours: string) {
    await page.locator('#job-teamId').selectOption(String(teamId));
    await page.getByLabel('GPUs').fill(count);
    await page.getByLabel('Hours').fill(hours);
    await page.getByLabel('Max $/GPU-hour').fill('5.00');
    await page.locator('#job-teamId-hint').filter({ hasText: 'Can commit' }).waitFor();
  }

  test('submits a team job within the cap: drawn from the treasury, routed only to the whitelisted provider', async () => {
    const page = await open(world, '/jobs/new');
    await connectDevWallet(page, ACCOUNTS.teamAdmin);
    await switchDevAccount(page, ACCOUNTS.teamUser);
    await teamForm(page, '1', '2');
    assert.match((await page.locator('#job-teamId-hint').textContent())!, /Can commit 50\.00 USDC now: treasury 500\.00 USDC, cap left 50\.00 USDC of 50\.00 USDC per 30 days\./);
    await page.getByTestId('submit').click();
    await page.getByTestId('routed').waitFor({ timeout: ROUTED_MS });
    teamJob = (await page.getByTestId('open-job').getAttribute('href'))!.split('/').pop()!;
    const job = await chainOf(world).readContract({ address: world.market, abi: nectoMarketAbi, functionName: 'getJob', args: [BigInt(teamJob)] });
    assert.equal(job.teamId, teamId);
    assert.equal(job.controller.toLowerCase(), USER.toLowerCase(), 'the submitting member is the job buyer');
    const [balance, windowSpend] = await teamFunds();
    assert.equal(balance, 490_000_000n, 'the 10 USDC deposit came from the treasury');
    assert.equal(windowSpend, 10_000_000n);
    const { offer } = await indexerQuery<{ offer: { providerId: number } }>(world, `query ($id: Int!) { offer(id: $id) { providerId } }`, { id: Number(job.offerId) });
    assert.equal(offer.providerId, whitelisted, 'routed to the one whitelisted provider');
    const unrestricted = (await (await fetch(`${world.keeperUrl}/quotes?gpu=H100-80G&count=1&hours=2&maxPrice=5&review=300`)).json()) as { chosen: { provider: string } };
    assert.notEqual(unrestricted.chosen.provider, `necto:${whitelisted}`, 'without the whitelist another provider would have carried it');
    await page.close();
  });

  test('above the cap, the team field says so with the numbers and nothing is sent', async () => {
    const page = await open(world, '/jobs/new');
    await connectDevWallet(page, ACCOUNTS.teamUser);
    await teamForm(page, '8', '6');
    const before = await jobCount(world);
    await page.getByTestId('submit').click();
    assert.equal(
      await text(page, 'field-error-job-teamId'),
      'the deposit 240.00 USDC is above the 40.00 USDC this team can commit now: its spending cap of 50.00 USDC per 30 days has 40.00 USDC left (the treasury holds 490.00 USDC). Lower the GPUs, hours or max price',
    );
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'job-teamId');
    await page.getByTestId('best-quote').waitFor();
    await shootBoth(page, 'new-job-team-over-cap');
    assert.equal(await jobCount(world), before, 'a job was requested above the cap');
    await page.close();
  });
});

describe('a team Viewer', () => {
  test('sees everything with no controls, and the contract refuses its writes from outside the app', async () => {
    assert.ok(teamJob, 'the team job was submitted');
    const page = await open(world, `/teams/${teamId}`);
    await connectDevWallet(page, ACCOUNTS.teamViewer);
    await page.getByTestId('team-role').filter({ hasText: 'Viewer' }).waitFor();
    await page.getByTestId('team-jobs').locator(`[data-job="${teamJob}"]`).waitFor({ timeout: ROUTED_MS });
    assert.equal(await page.getByTestId('member-row').count(), 3);
    assert.match((await page.getByTestId('whitelist-entries').textContent())!, new RegExp(`^\\s*${SELLER} \\(seller #${whitelisted}\\)\\s*$`));
    assert.match(await text(page, 'cap-value'), /50\.00 USDC per rolling 30 days; 10\.00 USDC counted now, 40\.00 USDC left/);
    assert.equal(await page.locator('main form').count(), 0, 'a Viewer gets no form');
    assert.equal(await page.locator('main button').count(), 0, 'a Viewer gets no button');
    await shootBoth(page, 'team-viewer');

    const reader = chainOf(world);
    for (const [functionName, args] of [['setRole', [teamId, VIEWER, 3]], ['setSpendingCap', [teamId, 0n]]] as const) {
      const refused = await reader.simulateContract({ account: VIEWER, address: teamAccess(), abi: teamAccessAbi, functionName, args } as never).then(() => undefined, (error: unknown) => error);
      assert.ok(refused, `${functionName} from the Viewer was accepted`);
      assert.equal(explainRevert(refused, { chainId: 31337, market: world.market }), `${VIEWER} is not an Admin of team ${teamId}: only its Admins change members, the whitelist, the cap or withdraw`);
    }
    assert.equal(await roleOf(VIEWER), 1);
    assert.equal((await teamFunds())[2], 50_000_000n);
    await page.close();
  });

  test("the spending charts show the User's job", async () => {
    const page = await open(world, `/teams/${teamId}`);
    const byUser = page.getByTestId('spend-by-user');
    await byUser.getByText('10.00 USDC').first().waitFor({ timeout: ROUTED_MS });
    assert.match((await byUser.textContent())!, /0x14dc…9955\s*10\.00 USDC/i);
    assert.match((await page.getByTestId('spend-by-provider').textContent())!, new RegExp(`${SELLER} \\(seller #${whitelisted}\\)\\s*10\\.00 USDC`));
    assert.match((await page.getByTestId('spend-by-day').textContent())!, /\d{4}-\d{2}-\d{2}\s*10\.00 USDC/);
    const row = page.getByTestId('team-jobs').locator(`[data-job="${teamJob}"]`);
    assert.match((await row.textContent())!, /0x14dc…9955/i);
    assert.match((await row.getByTestId('job-provider').textContent())!, new RegExp(SELLER));
    assert.equal(await row.getByRole('link', { name: `Job ${teamJob}` }).getAttribute('href'), `/jobs/${teamJob}`);
    await shootBoth(page, 'team-spending');
    await page.close();
  });
});
