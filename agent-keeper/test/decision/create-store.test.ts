import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../src/scan.ts';
import { createDecisionStore, DEFAULT_DECISIONS_DIR, LocalDecisionStore, REPO_ROOT, ZeroGDecisionStore } from '../../src/decision/store.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const zeroG = {
  NECTO_DECISION_STORE: '0g',
  ZG_INDEXER_RPC: 'https://indexer-storage-testnet-turbo.0g.ai',
  ZG_EVM_RPC: 'https://evmrpc-testnet.0g.ai',
  ZG_PRIVATE_KEY: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
};

function configError(message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, message);
    return true;
  };
}

test('default: a local store in <repo root>/.necto/decisions', () => {
  assert.equal(REPO_ROOT, repoRoot);
  for (const env of [{}, { NECTO_DECISION_STORE: '' }, { NECTO_DECISION_STORE: 'local' }]) {
    const store = createDecisionStore(env);
    assert.ok(store instanceof LocalDecisionStore);
    assert.equal(store.kind, 'local');
    assert.equal(store.dir, resolve(repoRoot, '.necto/decisions'));
    assert.equal(store.dir, DEFAULT_DECISIONS_DIR);
  }
});

test('NECTO_DATA_DIR: a relative path is taken from the repository root, an absolute one as is', () => {
  const relative = createDecisionStore({ NECTO_DATA_DIR: 'tmp/records' });
  assert.ok(relative instanceof LocalDecisionStore);
  assert.equal(relative.dir, resolve(repoRoot, 'tmp/records'));
  const absolute = createDecisionStore({ NECTO_DATA_DIR: '/var/lib/necto/decisions' });
  assert.ok(absolute instanceof LocalDecisionStore);
  assert.equal(absolute.dir, '/var/lib/necto/decisions');
});

test('0g with every variable set gives the 0G store', () => {
  const store = createDecisionStore(zeroG);
  assert.ok(store instanceof ZeroGDecisionStore);
  assert.equal(store.kind, '0g');
  assert.equal(store.indexerRpc, zeroG.ZG_INDEXER_RPC);
  assert.equal(store.evmRpc, zeroG.ZG_EVM_RPC);
  assert.equal(createDecisionStore({ ...zeroG, ZG_PRIVATE_KEY: zeroG.ZG_PRIVATE_KEY.slice(2) }).kind, '0g');
});

for (const name of ['ZG_INDEXER_RPC', 'ZG_EVM_RPC', 'ZG_PRIVATE_KEY'] as const) {
  test(`0g without ${name} is one error naming it`, () => {
    const env: Record<string, string> = { ...zeroG };
    delete env[name];
    assert.throws(() => createDecisionStore(env), configError(new RegExp(`^${name} is required when NECTO_DECISION_STORE=0g`)));
    assert.throws(() => createDecisionStore({ ...env, [name]: '  ' }), configError(new RegExp(`^${name} is required`)));
  });
}

test('a bad URL or key names its variable; the key itself is never echoed', () => {
  assert.throws(() => createDecisionStore({ ...zeroG, ZG_EVM_RPC: 'evmrpc-testnet.0g.ai' }), configError(/^ZG_EVM_RPC must be an http\(s\) URL/));
  assert.throws(() => createDecisionStore({ ...zeroG, ZG_INDEXER_RPC: 'ftp://x' }), configError(/^ZG_INDEXER_RPC must be an http\(s\) URL/));
  const badKey = '0xdeadbeef';
  assert.throws(() => createDecisionStore({ ...zeroG, ZG_PRIVATE_KEY: badKey }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /^ZG_PRIVATE_KEY must be a private key: 0x and 64 hex digits/);
    assert.ok(!error.message.includes('deadbeef'));
    return true;
  });
});

test('an unknown NECTO_DECISION_STORE names the variable and the choices', () => {
  assert.throws(() => createDecisionStore({ NECTO_DECISION_STORE: 's3' }), configError(/^NECTO_DECISION_STORE must be "local" or "0g" \(got "s3"\)/));
});
