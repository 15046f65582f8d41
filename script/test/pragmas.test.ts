// The contracts are compiled by exactly one solc, and their pragmas say so: every implementation in
// contracts/src is pinned to the version the solc shim runs; interfaces keep a floor so integrators
// can import them with their own compiler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const src = join(root, 'contracts/src');
const solcVersion = (createRequire(import.meta.url)('solc/package.json') as { version: string }).version;

function solidityFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? solidityFiles(path) : entry.name.endsWith('.sol') ? [path] : [];
  });
}

test('every contract and library in contracts/src is pinned to the compiler in use', () => {
  const files = solidityFiles(src);
  assert.ok(files.length > 10, 'the sources were found');
  for (const file of files) {
    const pragma = /^pragma solidity ([^;]+);/m.exec(readFileSync(file, 'utf8'))?.[1];
    const name = relative(root, file);
    if (name.includes('/interfaces/')) assert.equal(pragma, '>=0.8.28', `${name} keeps a floor`);
    else assert.equal(pragma, solcVersion, `${name} is pinned to solc ${solcVersion}`);
  }
});
