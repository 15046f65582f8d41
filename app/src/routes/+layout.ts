import { loadConfig } from '#lib/services.ts';
import type { LayoutLoad } from './$types';

// Every page reads the chain, the indexer and the keeper from the browser.
export const ssr = false;
export const prerender = false;

export const load: LayoutLoad = async ({ fetch }) => ({ config: await loadConfig(fetch) });
