import { fileURLToPath } from 'node:url';
import adapter from '@sveltejs/adapter-static';
import { sveltekit } from '@sveltejs/kit/vite';
import { svelteTesting } from '@testing-library/svelte/vite';
import { nodePolyfills } from 'vite-plugin-node-polyfills';
import { defineConfig } from 'vitest/config';
import { appConfigFromEnv } from './server/app-config.ts';

export default defineConfig({
  plugins: [
    // The 0G SDK (decision roots recomputed in the browser, lib/verify/verify-job.ts) needs one
    // Node built-in there: `crypto`, for one sha256 (lib/verify/node-crypto.ts, not the 120 kB
    // crypto-browserify). No injected globals: they would add a Buffer shim to the market page.
    // Not under vitest: tests run on Node's own modules.
    ...(process.env.VITEST
      ? []
      : nodePolyfills({
          include: ['crypto'],
          globals: { Buffer: false, global: false, process: false },
          overrides: { crypto: fileURLToPath(new URL('./src/lib/verify/node-crypto.ts', import.meta.url)) },
        })),
    sveltekit({
      // A single-page app: every route renders in the browser from the indexer, the keeper and the
      // RPC, so the build is static files plus a fallback page any static server can serve.
      adapter: adapter({ fallback: 'index.html', precompress: true }),
    }),
    {
      name: 'necto-dev-config',
      configureServer(server) {
        server.middlewares.use('/config.json', (_request, response) => {
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify(appConfigFromEnv(process.env)));
        });
      },
    },
  ],
  build: { target: 'es2022', chunkSizeWarningLimit: 1200 },
  test: {
    projects: [
      {
        extends: true,
        plugins: [svelteTesting()],
        test: { name: 'components', environment: 'jsdom', include: ['src/**/*.svelte.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'unit', environment: 'node', include: ['src/**/*.test.ts'], exclude: ['src/**/*.svelte.test.ts'] },
      },
    ],
  },
});
