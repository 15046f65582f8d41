// The npm launchers of Foundry exit 0 even when tests fail. This proves that ours does not: a
// throwaway project with one passing and one failing test must turn `forge test` red.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const forge = join(root, 'script/bin/forge');

function forgeTest(testBody: string): { status: number | null; stdout: string } {
  const dir = mkdtempSync(join(tmpdir(), 'necto-forge-exit-'));
  try {
    mkdirSync(join(dir, 'test'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(
      join(dir, 'foundry.toml'),
      [
        '[profile.default]',
        `solc = "${join(root, 'script/bin/solc')}"`,
        'offline = true',
        `remappings = ["forge-std/=${join(root, 'contracts/lib/forge-std')}/"]`,
        `allow_paths = ["${root}"]`,
        'ignored_error_codes = [6335, 8506, 4591, 2424]',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'test/Probe.t.sol'),
      `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;
import {Test} from "forge-std/Test.sol";
contract ProbeTest is Test {
    function test_Probe() public pure { ${testBody} }
}
`,
    );
    const { status, stdout } = spawnSync(forge, ['test', '--root', dir], { encoding: 'utf8' });
    return { status, stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a failing forge test makes the launcher exit non-zero', () => {
  const run = forgeTest('assertEq(uint256(1), uint256(2));');
  assert.match(run.stdout, /\[FAIL/, 'the probe compiled and its test failed');
  assert.notEqual(run.status, 0);
});

test('a passing forge test exits zero', () => {
  const run = forgeTest('assertEq(uint256(1), uint256(1));');
  assert.match(run.stdout, /\[PASS\]/);
  assert.equal(run.status, 0);
});
