// The app's connections, made once from /config.json and shared through Svelte context.
import { getContext, setContext } from 'svelte';
import { isAppConfig } from './app-config.ts';
import type { AppConfig } from './app-config.ts';
import { Indexer } from './indexer.ts';
import { Keeper } from './keeper.ts';
import { Market } from './market.ts';
import { Wallet } from './wallet.svelte.ts';

export type Services = { config: AppConfig; wallet: Wallet; market: Market; indexer: Indexer; keeper: Keeper };

const KEY = Symbol('necto');

export async function loadConfig(fetcher: typeof fetch): Promise<AppConfig> {
  let body: unknown;
  try {
    body = await (await fetcher('/config.json')).json();
  } catch {
    throw new Error('the app server did not serve /config.json');
  }
  if (!isAppConfig(body)) throw new Error('/config.json is not a Necto app configuration');
  return body;
}

export function createServices(config: AppConfig): Services {
  const wallet = new Wallet(config);
  return { config, wallet, market: new Market(config, wallet), indexer: new Indexer(config.indexerUrl), keeper: new Keeper(config.keeperUrl) };
}

export function provideServices(services: Services): void {
  setContext(KEY, services);
}

export function services(): Services {
  return getContext<Services>(KEY);
}

export function txUrl(config: AppConfig, hash: string): string | undefined {
  return config.explorerUrl ? `${config.explorerUrl}/tx/${hash}` : undefined;
}
