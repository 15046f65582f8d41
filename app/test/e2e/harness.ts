// What every end-to-end suite shares: a full local stack (anvil, indexer, keeper, app server) on free
// ports, headless Chromium, pages that record any request to another host, the dev wallet, and
// screenshots checked for accessibility. Each suite file starts its own stack in `before`.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nectoMarketAbi } from '@necto/contracts';
import { createPublicClient, createWalletClient, defineChain, http } from 'viem';
import type { Address, Hex } from 'viem';
import type { Browser, Page } from 'playwright-core';
import { startFullStack } from '../../../script/test/stack.ts';
import type { FullStack } from '../../../script/test/stack.ts';
import { accessibilityViolations } from './accessibility.ts';
import { VIEWPORTS, launchBrowser, openPage } from './browser.ts';

export const ARTIFACTS = resolve(import.meta.dirname, 'artifacts');
export const BUILD = resolve(import.meta.dirname, '../../build');
export const ROUTED_MS = 30_000;

/** The seed's actors by anvil mnemonic index (script/Seed.s.sol); 10 and 11 are fresh accounts. */
export const ACCOUNTS = {
  admin: 0,
  guardian: 2,
  seller1: 3,
  teamAdmin: 6,
  teamUser: 7,
  teamViewer: 8,
  buyer: 9,
  freshSeller: 10,
  freshBuyer: 11,
} as const;

export type Deployment = { contracts: { NectoMarket: Address; USDC: Address; TeamAccess: Address } };

export type World = {
  stack: FullStack;
  browser: Browser;
  appUrl: string;
  rpcUrl: string;
  indexerUrl: string;
  keeperUrl: string;
  deployment: Deployment;
  market: Address;
  /** Origins the app may ask; add to it for extra servers a suite starts. */
  allowed: string[];
  /** Requests pages made to any other host, checked empty by `stopWorld`. */
  outsideRequests: string[];
};

export async function startWorld(): Promise<World> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const stack = await startFullStack();
  try {
    await stack.ready;
  } catch (error) {
    await stack.cleanup();
    throw error;
  }
  const deployment = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../..', stack.deploymentsDir, '31337.json'), 'utf8')) as Deployment;
  return {
    stack,
    browser: await launchBrowser(),
    appUrl: stack.urls.app!,
    rpcUrl: stack.urls.rpc,
    indexerUrl: stack.urls.indexer,
    keeperUrl: stack.urls.keeper,
    deployment,
    market: deployment.contracts.NectoMarket,
    allowed: [stack.urls.app!, stack.urls.rpc, stack.urls.indexer, stack.urls.keeper],
    outsideRequests: [],
  };
}

export async function stopWorld(world: World | undefined): Promise<void> {
  await world?.browser.close();
  await world?.stack.cleanup();
  if (world) assert.deepEqual(world.outsideRequests, [], 'the app asked a host other than the indexer, the keeper and the RPC');
}

export async function open(world: World, path: string, viewport: keyof typeof VIEWPORTS = 'desktop', base = world.appUrl): Promise<Page> {
  const { page, outside, consoleErrors } = await openPage(world.browser, VIEWPORTS[viewport], world.allowed);
  page.on('close', () => {
    world.outsideRequests.push(...outside);
    const unexpected = consoleErrors.filter((e) => !/Failed to load resource|ERR_CONNECTION/.test(e));
    if (unexpected.length) console.error(`console errors on ${path}:`, unexpected);
  });
  await page.goto(`${base}${path}`);
  return page;
}

/** Connects the dev wallet as anvil account `index` (the seeded buyer by default). */
export async function connectDevWallet(page: Page, index?: number): Promise<void> {
  await page.getByRole('button', { name: 'Connect wallet' }).click();
  if (index !== undefined) await page.locator('#dev-account').selectOption(String(index));
  await page.getByTestId('connect-dev').click();
  await page.getByTestId('wallet-address').waitFor();
}

/** Disconnects and connects again as another dev account. */
export async function switchDevAccount(page: Page, index: number): Promise<void> {
  await page.getByTestId('wallet-address').click();
  await page.getByRole('button', { name: 'Disconnect' }).click();
  // The wallet panel stays open after disconnecting: choose the account in it.
  await page.locator('#dev-account').selectOption(String(index));
  await page.getByTestId('connect-dev').click();
  await page.getByTestId('wallet-address').waitFor();
}

/** Saves the page as an artifact, and checks it against WCAG 2.1 A and AA as it stands. */
export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  assert.deepEqual(await accessibilityViolations(page), [], `accessibility of ${name}`);
}

export function chainOf(world: World) {
  return createPublicClient({ transport: http(world.rpcUrl) });
}

export function anvilChain(world: World) {
  return defineChain({ id: 31337, name: 'anvil', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [world.rpcUrl] } } });
}

/** Sends a market call from an unlocked anvil account, outside the app, and waits for it. */
export async function sendAs(world: World, account: Address, functionName: string, args: readonly unknown[] = []): Promise<Hex> {
  const wallet = createWalletClient({ account, chain: anvilChain(world), transport: http(world.rpcUrl) });
  const hash = await wallet.writeContract({ address: world.market, abi: nectoMarketAbi, functionName, args } as never);
  await chainOf(world).waitForTransactionReceipt({ hash });
  return hash;
}

export async function jobCount(world: World): Promise<bigint> {
  return chainOf(world).readContract({ address: world.market, abi: nectoMarketAbi, functionName: 'jobCount' });
}

/** Posts a GraphQL query to the stack's indexer. */
export async function indexerQuery<T>(world: World, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${world.indexerUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!body.data) throw new Error(`indexer: ${body.errors?.[0]?.message ?? response.status}`);
  return body.data;
}
