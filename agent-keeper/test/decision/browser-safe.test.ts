// The verifier runs in the browser (the app's Verify Decision button): nothing it imports, however
// indirectly, may need Node. This walks its import graph and fails on any Node built-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';

const SRC = resolve(import.meta.dirname, '../../src');
const NODE_BUILTINS = new Set(builtinModules);

function importGraph(entry: string): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length) {
    const file = pending.pop() as string;
    if (files.includes(file)) continue;
    files.push(file);
    const source = readFileSync(file, 'utf8');
    for (const [, specifier] of source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g)) {
      if (specifier === undefined) continue;
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  }
  return { files, packages };
}

for (const entry of ['decision/verify.ts', 'decision/canonical.ts', 'decision/root.ts', 'decision/store-contract.ts']) {
  test(`${entry} and everything it imports run without Node built-ins`, () => {
    const { files, packages } = importGraph(resolve(SRC, entry));
    const nodeOnly = [...packages].filter((p) => p.startsWith('node:') || NODE_BUILTINS.has(p));
    assert.deepEqual(nodeOnly, [], `Node-only imports reachable from ${entry}`);
    assert.ok(files.length >= 1);
  });
}

test('the walk does see Node imports where there are some (the local store)', () => {
  const { packages } = importGraph(resolve(SRC, 'decision/local-store.ts'));
  assert.ok([...packages].some((p) => p.startsWith('node:')));
});
