// The Akash gateway's run book: what a restarted keeper reads back, and a damaged file refused in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunBook } from '../../../src/gateways/akash/run-book.ts';

test('runs survive a restart, keyed by job and decision', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'necto-runbook-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'nested', 'runs.json');
  const key = RunBook.key(7n, '0xABCDEF');
  const book = new RunBook(path);
  book.set(key, { dseq: '1795176000123', lastRunningAt: 1795176100 });
  const reopened = new RunBook(path);
  assert.deepEqual(reopened.get(key), { dseq: '1795176000123', lastRunningAt: 1795176100 });
  assert.equal(reopened.get(RunBook.key(7n, '0x0123')), undefined, 'the same job id under another decision is another run');
  reopened.delete(key);
  assert.equal(new RunBook(path).get(key), undefined);
});

test('a damaged run book is one line naming it, never silently emptied', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'necto-runbook-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'runs.json');
  writeFileSync(path, '{ not json');
  assert.throws(() => new RunBook(path), (e: Error) => e.message === `${path} is not the Akash gateway's run book (not JSON): fix or move it, it names the deployments of running jobs`);
});
