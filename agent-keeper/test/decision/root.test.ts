// The decision root must be the root 0G Storage gives the file: compare the in-memory root with the
// SDK's root of the same bytes read from a file (ZgFile), across the SDK's chunk (256 B) and
// segment (1024 chunks = 256 KiB) boundaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CHUNK_SIZE, DEFAULT_SEGMENT_SIZE, MemData, ZgFile } from '@0glabs/0g-ts-sdk';
import { keccak256 } from 'ethers';
import { canonicalBytes } from '../../src/decision/canonical.ts';
import { decisionRoot, DecisionRootError, isDecisionRoot } from '../../src/decision/root.ts';

const CHUNK = DEFAULT_CHUNK_SIZE;
const SEGMENT = DEFAULT_SEGMENT_SIZE;

async function fileRoot(bytes: Uint8Array): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'necto-root-test-'));
  try {
    const path = join(dir, 'record.json');
    await writeFile(path, bytes);
    const file = await ZgFile.fromFilePath(path);
    try {
      const [tree, error] = await file.merkleTree();
      assert.equal(error, null);
      const root = tree?.rootHash();
      assert.ok(root);
      return root;
    } finally {
      await file.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Deterministic bytes that never end in 0x00 (a root does not cover trailing zeros; see below). */
function bytesOfSize(size: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(size);
  let state = seed;
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  bytes[size - 1] = 0x7d; // "}"
  return bytes;
}

test('the SDK constants this test is built around', () => {
  assert.equal(CHUNK, 256);
  assert.equal(SEGMENT, 256 * 1024);
});

for (const size of [1, 2, CHUNK - 1, CHUNK, CHUNK + 1, 17 * CHUNK + 3, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 777]) {
  test(`root of ${size} bytes equals the SDK's root of the same bytes as a file`, async () => {
    const bytes = bytesOfSize(size, size);
    const root = await decisionRoot(bytes);
    assert.ok(isDecisionRoot(root), root);
    assert.equal(root, (await fileRoot(bytes)).toLowerCase());
  });
}

test('root of canonical bytes of a record larger than a segment equals the file root', async () => {
  const quotes = Array.from({ length: 3000 }, (_, i) => ({
    source: ['akash', 'runpod', 'vast'][i % 3],
    offerId: `offer-${i}`,
    priceMicroUsd: 1_000_000 + i * 37,
    region: { country: 'DE', area: 'EU' },
    note: 'über günstig ✓',
  }));
  const bytes = canonicalBytes({ schema: 'necto.decision/v1', quotes });
  assert.ok(bytes.length > SEGMENT, `${bytes.length} bytes`);
  assert.equal(await decisionRoot(bytes), (await fileRoot(bytes)).toLowerCase());
});

test('one changed byte changes the root (first, middle and last byte; one and many segments)', async () => {
  for (const size of [100, SEGMENT + 1000]) {
    const bytes = bytesOfSize(size, 7);
    const root = await decisionRoot(bytes);
    for (const at of [0, Math.floor(size / 2), size - 1]) {
      const changed = bytes.slice();
      changed[at] = (changed[at] ?? 0) ^ 0x01;
      assert.notEqual(await decisionRoot(changed), root, `byte ${at} of ${size}`);
    }
  }
});

test('golden: the root of a fixed small record is pinned', async () => {
  const bytes = canonicalBytes({ schema: 'necto.decision/v1', chosen: { offerId: 'akash:h100', priceMicroUsd: 1_250_000 } });
  assert.equal(new TextDecoder().decode(bytes), '{"chosen":{"offerId":"akash:h100","priceMicroUsd":1250000},"schema":"necto.decision/v1"}');
  const root = await decisionRoot(bytes);
  assert.equal(root, '0x1af1224936920797adc867808b0bac01a5394f5b3d5f9d691d72de26aa635afd');
  // Independent check: one chunk is one leaf, keccak256 of the bytes zero-padded to 256.
  const padded = new Uint8Array(CHUNK);
  padded.set(bytes);
  assert.equal(root, keccak256(padded));
});

test('empty bytes are refused with a clear error (the SDK builds no tree for them)', async () => {
  const [tree] = await new MemData(new Uint8Array()).merkleTree();
  assert.equal(tree, null);
  await assert.rejects(decisionRoot(new Uint8Array()), (error: unknown) => {
    assert.ok(error instanceof DecisionRootError);
    assert.match(error.message, /empty record has no 0G root/);
    return true;
  });
});

test('bytes ending in 0x00 are refused: the SDK root does not cover trailing zeros', async () => {
  const bytes = canonicalBytes({ a: 1 });
  const withZero = new Uint8Array([...bytes, 0]);
  const sdkRoot = async (data: Uint8Array) => (await new MemData(data).merkleTree())[0]?.rootHash();
  assert.equal(await sdkRoot(withZero), await sdkRoot(bytes), 'why the rule exists');
  await assert.rejects(decisionRoot(withZero), /ending in a zero byte has no unambiguous 0G root/);
});

test('the same root on every run, always lower-case 0x + 64 hex', async () => {
  const bytes = bytesOfSize(5000, 3);
  const first = await decisionRoot(bytes);
  assert.match(first, /^0x[0-9a-f]{64}$/);
  for (let run = 0; run < 5; run++) assert.equal(await decisionRoot(bytes.slice()), first);
});
