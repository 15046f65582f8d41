import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalBytes } from '../../src/decision/canonical.ts';
import { decisionRoot } from '../../src/decision/root.ts';
import { DecisionStoreError, LocalDecisionStore } from '../../src/decision/store.ts';
import type { DecisionStoreFailure } from '../../src/decision/store.ts';

const record = canonicalBytes({ schema: 'necto.decision/v1', chosen: { offerId: 'vast:4090', priceMicroUsd: 390_000 } });

async function withStore(run: (store: LocalDecisionStore, dir: string) => Promise<void>): Promise<void> {
  const base = await mkdtemp(join(tmpdir(), 'necto-local-store-'));
  try {
    const dir = join(base, 'nested', 'decisions');
    await run(new LocalDecisionStore(dir), dir);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

function failsWith(failure: DecisionStoreFailure, message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof DecisionStoreError, String(error));
    assert.equal(error.failure, failure);
    assert.match(error.message, message);
    return true;
  };
}

test('put creates the directory, stores <root>.json and get returns the same bytes', async () => {
  await withStore(async (store, dir) => {
    const root = await store.put(record);
    assert.equal(root, await decisionRoot(record));
    assert.deepEqual(await readdir(dir), [`${root}.json`]);
    assert.deepEqual(await readFile(join(dir, `${root}.json`)), Buffer.from(record));
    assert.deepEqual(new Uint8Array(await store.get(root)), record);
    assert.equal(store.kind, 'local');
    assert.equal(store.describe(), `local store ${dir}`);
  });
});

test('get accepts an upper-case root and normalizes it', async () => {
  await withStore(async (store) => {
    const root = await store.put(record);
    assert.deepEqual(new Uint8Array(await store.get(root.toUpperCase().replace('0X', '0x'))), record);
  });
});

test('put is idempotent: the same bytes leave the same file untouched', async () => {
  await withStore(async (store, dir) => {
    const root = await store.put(record);
    const path = join(dir, `${root}.json`);
    const before = await stat(path);
    await new Promise((done) => setTimeout(done, 20));
    assert.equal(await store.put(record.slice()), root);
    const after = await stat(path);
    assert.equal(after.ino, before.ino);
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.deepEqual(await readdir(dir), [`${root}.json`]);
  });
});

test('get of an unknown root is a not-found error naming the root and the store', async () => {
  await withStore(async (store, dir) => {
    const unknown = await decisionRoot(canonicalBytes({ other: true }));
    await assert.rejects(store.get(unknown), failsWith('not-found', new RegExp(`record ${unknown} not found in local store ${dir}`)));
  });
});

test('a malformed root is refused before touching the disk', async () => {
  await withStore(async (store) => {
    await assert.rejects(store.get('../../etc/passwd'), failsWith('invalid', /is not a decision root/));
    await assert.rejects(store.get('0x1234'), failsWith('invalid', /expected 0x and 64 hex digits/));
  });
});

test('a tampered file (one byte changed on disk) is an integrity error naming both roots', async () => {
  await withStore(async (store, dir) => {
    const root = await store.put(record);
    const path = join(dir, `${root}.json`);
    const tampered = Buffer.from(record);
    tampered[tampered.indexOf('3')] = '4'.charCodeAt(0); // 390000 → 490000
    await writeFile(path, tampered);
    const other = await decisionRoot(tampered);
    await assert.rejects(store.get(root), failsWith('integrity', new RegExp(`record ${root} read from ${path} hashes to ${other}`)));
  });
});

test('an appended zero byte (invisible to the 0G root) is still an integrity error', async () => {
  await withStore(async (store, dir) => {
    const root = await store.put(record);
    await writeFile(join(dir, `${root}.json`), Buffer.concat([record, Buffer.from([0])]));
    await assert.rejects(store.get(root), failsWith('integrity', /hashes to no root: .*zero byte/));
  });
});

test('a damaged file is repaired by putting the right bytes again', async () => {
  await withStore(async (store, dir) => {
    const root = await store.put(record);
    await writeFile(join(dir, `${root}.json`), 'garbage');
    assert.equal(await store.put(record), root);
    assert.deepEqual(new Uint8Array(await store.get(root)), record);
  });
});

test('concurrent puts of the same bytes all succeed and leave one whole file, no temp files', async () => {
  await withStore(async (store, dir) => {
    const big = canonicalBytes({ quotes: Array.from({ length: 5000 }, (_, i) => ({ id: i, price: i * 3 })) });
    const roots = await Promise.all(Array.from({ length: 25 }, () => store.put(big.slice())));
    assert.equal(new Set(roots).size, 1);
    assert.deepEqual(await readdir(dir), [`${roots[0]}.json`]);
    assert.deepEqual(new Uint8Array(await store.get(roots[0] ?? '')), big);
  });
});

test('empty bytes cannot be stored', async () => {
  await withStore(async (store) => {
    await assert.rejects(store.put(new Uint8Array()), failsWith('invalid', /cannot store the record: an empty record/));
  });
});

test('a directory that cannot be created is a storage error', async () => {
  const base = await mkdtemp(join(tmpdir(), 'necto-local-store-'));
  try {
    await writeFile(join(base, 'file'), 'not a directory');
    const store = new LocalDecisionStore(join(base, 'file', 'decisions'));
    await assert.rejects(store.put(record), failsWith('storage', /cannot store record 0x[0-9a-f]{64} in /));
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
