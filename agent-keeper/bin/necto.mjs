#!/usr/bin/env node
// `npx necto ...`: the CLI is TypeScript, run directly by Node 24 (the repository's `node`
// devDependency, first on PATH under npm and npx).
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(`necto needs Node 24 (found ${process.version}): run it as 'npx necto' from the repository, after 'npm install'`);
  process.exit(1);
}
await import('../src/cli/main.ts');
