// The 0G backend against a fake Indexer. The real 0G network (indexer, storage nodes, flow
// contract) is unreachable from this machine, so nothing here talks to it: these tests pin down
// what the store does with the SDK's answers — retries, backoff, root checks, temp files — using
// the same call shapes as @0glabs/0g-ts-sdk 0.3.3's Indexer.upload / Indexer.download.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { MemData, UploadOption } from '@0glabs/0g-ts-sdk';
import type { JsonRpcProvider } from 'ethers';
import { canonicalBytes } from '../../src/decision/canonical.ts';
import { decisionRoot } from '../../src/decision/root.ts';
import { DecisionStoreError, ZeroGDecisionStore } from '../../src/decision/store.ts';
import type { DecisionStoreFailure, ZeroGIndexer } from '../../src/decision/store.ts';

const ANVIL_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ANVIL_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const INDEXER_RPC = 'http://127.0.0.1:1/indexer';
const EVM_RPC = 'http://127.0.0.1:1/evm';

const record = canonicalBytes({ schema: 'necto.decision/v1', chosen: { offerId: 'runpod:a100', priceMicroUsd: 1_640_000 } });

type UploadStep = 'ok' | 'returns-error' | 'throws' | 'wrong-root' | 'hangs';
type DownloadStep = 'ok' | 'tampered' | 'returns-error' | 'not-found' | 'partial-then-error';

/** A stand-in for the SDK's Indexer: follows a script, remembers what it stored, logs like the SDK. */
class FakeIndexer implements ZeroGIndexer {
  uploads: { evmRpc: string; signerAddress: string; size: number; options: UploadOption }[] = [];
  signers: Parameters<ZeroGIndexer['upload']>[2][] = [];
  downloads: { root: string; path: string; proof: boolean; existed: boolean; parentExisted: boolean }[] = [];
  stored = new Map<string, Uint8Array>();
  uploadScript: UploadStep[];
  downloadScript: DownloadStep[];

  constructor(uploadScript: UploadStep[] = [], downloadScript: DownloadStep[] = []) {
    this.uploadScript = uploadScript;
    this.downloadScript = downloadScript;
  }

  async upload(
    file: MemData,
    evmRpc: string,
    signer: Parameters<ZeroGIndexer['upload']>[2],
    options: UploadOption,
  ): Promise<[{ txHash: string; rootHash: string }, Error | null]> {
    console.log('Selected nodes:', [{ url: 'http://fake-node' }]);
    this.uploads.push({ evmRpc, signerAddress: await signer.getAddress(), size: file.size(), options });
    this.signers.push(signer);
    const step = this.uploadScript.shift() ?? 'ok';
    if (step === 'hangs') return new Promise(() => {}); // like the SDK waiting for a finality that never comes
    if (step === 'throws') throw new Error('socket hang up');
    if (step === 'returns-error') return [{ txHash: '', rootHash: '' }, new Error('Failed to submit transaction: nonce too low')];
    const [tree] = await file.merkleTree();
    const rootHash = tree?.rootHash() ?? '';
    const bytes = new Uint8Array(file.size());
    bytes.set(Array.from(file.data));
    this.stored.set(rootHash, bytes);
    if (step === 'wrong-root') return [{ txHash: '0xabc', rootHash: `0x${'12'.repeat(32)}` }, null];
    return [{ txHash: '0xabc', rootHash }, null];
  }

  async download(root: string, path: string, proof: boolean): Promise<Error | null> {
    console.log('Begin to download file from storage node');
    this.downloads.push({ root, path, proof, existed: existsSync(path), parentExisted: existsSync(dirname(path)) });
    if (existsSync(path)) return new Error('Wrong path, provide a file path which does not exist.');
    const step = this.downloadScript.shift() ?? 'ok';
    const bytes = this.stored.get(root);
    if (step === 'not-found' || !bytes) return new Error('failed to get file locations');
    if (step === 'returns-error') return new Error('No storage node holds segment with index 0');
    if (step === 'partial-then-error') {
      await writeFile(path, bytes.subarray(0, 10));
      return new Error('No storage node holds segment with index 1');
    }
    const body = Buffer.from(bytes);
    if (step === 'tampered') body[body.indexOf('6')] = '5'.charCodeAt(0); // 1640000 → 1540000
    await writeFile(path, body, { flag: 'wx' });
    return null;
  }
}

type Harness = { store: ZeroGDecisionStore; indexer: FakeIndexer; sleeps: number[]; sdkLogs: string[]; tempDir: string };

async function withZeroG(
  options: { uploads?: UploadStep[]; downloads?: DownloadStep[]; retries?: number; backoffMs?: number; uploadTimeoutMs?: number },
  run: (harness: Harness) => Promise<void>,
): Promise<void> {
  const tempDir = await mkdtemp(join(tmpdir(), 'necto-zg-test-'));
  const indexer = new FakeIndexer(options.uploads, options.downloads);
  const sleeps: number[] = [];
  const sdkLogs: string[] = [];
  const store = new ZeroGDecisionStore({
    indexerRpc: INDEXER_RPC,
    evmRpc: EVM_RPC,
    privateKey: ANVIL_KEY,
    retries: options.retries,
    backoffMs: options.backoffMs,
    uploadTimeoutMs: options.uploadTimeoutMs,
    indexer,
    tempDir,
    onSdkLog: (line) => sdkLogs.push(line),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  try {
    await run({ store, indexer, sleeps, sdkLogs, tempDir });
  } finally {
    await rm(tempDir, { recursive: true, force: true });
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

test('put uploads through the indexer with the EVM RPC and a wallet for the key, then get round-trips', async () => {
  await withZeroG({}, async ({ store, indexer, tempDir }) => {
    const root = await store.put(record);
    assert.equal(root, await decisionRoot(record));
    assert.deepEqual(indexer.uploads, [
      {
        evmRpc: EVM_RPC,
        signerAddress: ANVIL_ADDRESS,
        size: record.length,
        // The SDK's own defaults, but no second flow transaction for a file the nodes already know.
        options: { tags: '0x', finalityRequired: true, taskSize: 10, expectedReplica: 1, skipTx: true, fee: 0n },
      },
    ]);
    assert.deepEqual(new Uint8Array(await store.get(root)), record);
    assert.equal(indexer.downloads.length, 1);
    const [download] = indexer.downloads;
    assert.equal(download?.root, root);
    assert.equal(download?.proof, false);
    assert.equal(download?.existed, false, 'the SDK needs a path that does not exist yet');
    assert.equal(download?.parentExisted, true, '... in a directory that does');
    assert.deepEqual(await readdir(tempDir), [], 'the temp download is removed');
    assert.equal(store.kind, '0g');
    assert.equal(store.describe(), `0G Storage via indexer ${INDEXER_RPC}`);
  });
});

test('upload failures are retried with exponential backoff, then the upload succeeds', async () => {
  await withZeroG({ uploads: ['returns-error', 'throws', 'returns-error', 'ok'], retries: 3, backoffMs: 500 }, async ({ store, indexer, sleeps }) => {
    assert.equal(await store.put(record), await decisionRoot(record));
    assert.equal(indexer.uploads.length, 4);
    assert.deepEqual(sleeps, [500, 1000, 2000]);
  });
});

test('gives up after retries + 1 attempts with a storage error carrying the last reason', async () => {
  await withZeroG({ uploads: ['throws', 'returns-error', 'returns-error', 'ok'], retries: 2, backoffMs: 100 }, async ({ store, indexer, sleeps }) => {
    const root = await decisionRoot(record);
    await assert.rejects(
      store.put(record),
      failsWith('storage', new RegExp(`cannot store record ${root} on 0G Storage via indexer .* after 3 attempts: Failed to submit transaction: nonce too low`)),
    );
    assert.equal(indexer.uploads.length, 3);
    assert.deepEqual(sleeps, [100, 200]);
  });
});

test('retries = 0 means one attempt', async () => {
  await withZeroG({ uploads: ['throws'], retries: 0 }, async ({ store, indexer, sleeps }) => {
    await assert.rejects(store.put(record), failsWith('storage', /after 1 attempt: socket hang up/));
    assert.equal(indexer.uploads.length, 1);
    assert.deepEqual(sleeps, []);
  });
});

test('an upload that never confirms times out and is not retried; the RPC provider is destroyed', async () => {
  await withZeroG({ uploads: ['hangs'], uploadTimeoutMs: 30 }, async ({ store, indexer, sleeps }) => {
    await assert.rejects(store.put(record), failsWith('storage', /on 0G Storage via indexer .*: no confirmation within 0 s/));
    assert.equal(indexer.uploads.length, 1);
    assert.deepEqual(sleeps, []);
    const provider = indexer.signers[0]?.provider as JsonRpcProvider | null;
    assert.equal(provider?.destroyed, true, 'ethers would otherwise retry network detection forever');
  });
});

test('a root from the network that differs from ours is an integrity error, not retried', async () => {
  await withZeroG({ uploads: ['wrong-root'] }, async ({ store, indexer }) => {
    const root = await decisionRoot(record);
    await assert.rejects(store.put(record), failsWith('integrity', new RegExp(`stored record ${root} under root 0x(12){32}`)));
    assert.equal(indexer.uploads.length, 1);
  });
});

test('downloaded bytes that do not hash to the root are rejected (the SDK checks no proof)', async () => {
  await withZeroG({ downloads: ['tampered'] }, async ({ store, tempDir }) => {
    const root = await store.put(record);
    await assert.rejects(store.get(root), failsWith('integrity', new RegExp(`record ${root} read from 0G Storage via indexer .* hashes to 0x[0-9a-f]{64}`)));
    assert.deepEqual(await readdir(tempDir), []);
  });
});

test('a failed download is retried in a fresh temp path; partial files are cleaned up', async () => {
  await withZeroG({ downloads: ['partial-then-error', 'returns-error', 'ok'], backoffMs: 10 }, async ({ store, indexer, sleeps, tempDir }) => {
    const root = await store.put(record);
    assert.deepEqual(new Uint8Array(await store.get(root)), record);
    assert.equal(indexer.downloads.length, 3);
    assert.equal(new Set(indexer.downloads.map((d) => d.path)).size, 3);
    assert.ok(indexer.downloads.every((d) => !d.existed));
    assert.deepEqual(sleeps, [10, 20]);
    assert.deepEqual(await readdir(tempDir), []);
  });
});

test('a download that keeps failing is a storage error and leaves no temp files', async () => {
  await withZeroG({ downloads: ['returns-error', 'returns-error'], retries: 1 }, async ({ store, tempDir }) => {
    const root = await store.put(record);
    await assert.rejects(store.get(root), failsWith('storage', /cannot read record .* after 2 attempts: No storage node holds segment/));
    assert.deepEqual(await readdir(tempDir), []);
  });
});

test('a root the network does not know is a not-found error, not retried', async () => {
  await withZeroG({}, async ({ store, indexer, tempDir }) => {
    const unknown = await decisionRoot(canonicalBytes({ never: 'stored' }));
    await assert.rejects(store.get(unknown), failsWith('not-found', new RegExp(`record ${unknown} not found on 0G Storage`)));
    assert.equal(indexer.downloads.length, 1);
    assert.deepEqual(await readdir(tempDir), []);
  });
});

test("the SDK's console.log output goes to onSdkLog, other output is untouched", async () => {
  await withZeroG({}, async ({ store, sdkLogs }) => {
    const original = console.log;
    const printed: string[] = [];
    console.log = (...args: unknown[]) => printed.push(args.join(' '));
    try {
      const root = await store.put(record);
      await store.get(root);
      console.log('keeper line');
    } finally {
      console.log = original;
    }
    assert.deepEqual(printed, ['keeper line']);
    assert.ok(sdkLogs.some((line) => line.startsWith('Selected nodes:')));
    assert.ok(sdkLogs.includes('Begin to download file from storage node'));
  });
});

test('empty bytes and malformed roots are refused before any network call', async () => {
  await withZeroG({}, async ({ store, indexer }) => {
    await assert.rejects(store.put(new Uint8Array()), failsWith('invalid', /empty record/));
    await assert.rejects(store.get('not-a-root'), failsWith('invalid', /not a decision root/));
    assert.equal(indexer.uploads.length + indexer.downloads.length, 0);
  });
});

test('with the real SDK Indexer and an indexer that refuses connections: storage errors, nothing left running', async () => {
  // The SDK's HTTP client tries each request 3 times, 1 s apart, so one attempt takes ~3 s.
  const closedPort = await new Promise<number>((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
  const url = `http://127.0.0.1:${closedPort}`;
  const store = new ZeroGDecisionStore({ indexerRpc: url, evmRpc: url, privateKey: ANVIL_KEY, retries: 0 });
  const root = await decisionRoot(record);
  await Promise.all([
    assert.rejects(store.put(record), failsWith('storage', new RegExp(`cannot store record ${root} .* after 1 attempt: .*ECONNREFUSED`))),
    assert.rejects(store.get(root), failsWith('storage', new RegExp(`cannot read record ${root} .* after 1 attempt: .*ECONNREFUSED`))),
  ]);
});
