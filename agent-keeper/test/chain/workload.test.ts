// The workload manifest: its URI forms, the hash a request commits, and the check a provider makes
// before running anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keccak256, stringToHex } from 'viem';
import { commandLine, manifestURI, parseWorkload, verifiedWorkload, workloadHashOf } from '../../src/chain/workload.ts';

const manifest = { image: 'ghcr.io/acme/train@sha256:' + 'ab'.repeat(32), command: ['python', 'train.py'], args: ['--note', "it's fine"], env: { WANDB_MODE: 'offline' }, storageGb: 100 };

test('a data: manifest is hashed by its bytes, an oci: image by its URI', () => {
  const uri = manifestURI(manifest);
  assert.match(uri, /^data:application\/json,%7B%22schema%22%3A%22necto.workload%2Fv1%22/);
  const json = JSON.stringify({ schema: 'necto.workload/v1', ...manifest });
  assert.equal(workloadHashOf(uri), keccak256(stringToHex(json)));
  assert.equal(workloadHashOf('oci://docker.io/library/python:3.12'), keccak256(stringToHex('oci://docker.io/library/python:3.12')));
  const parsed = parseWorkload(uri);
  assert.ok(parsed.ok);
  assert.ok(parsed.workload.kind === 'manifest');
  assert.deepEqual(parsed.workload.manifest, { schema: 'necto.workload/v1', ...manifest });
});

test('a provider runs only a workload whose hash is the job’s', () => {
  const uri = manifestURI(manifest);
  const good = verifiedWorkload(uri, workloadHashOf(uri));
  assert.ok(good.ok);
  const tampered = verifiedWorkload(uri, workloadHashOf(manifestURI({ ...manifest, image: 'evil/miner' })));
  assert.equal(tampered.ok, false);
  assert.match(!tampered.ok ? tampered.reason : '', /is not the job's workloadHash .*refusing to run it/);
  const unset = verifiedWorkload('necto:unset', workloadHashOf('necto:unset'));
  assert.deepEqual(unset, { ok: false, reason: 'the job names no workload (necto:unset)' });
});

test('a bad manifest is one reason, naming the part', () => {
  const reason = (uri: string) => {
    const r = parseWorkload(uri);
    return r.ok ? 'ok' : r.reason;
  };
  assert.match(reason('https://example.org/w.json'), /must be a data:application\/json manifest, an oci:\/\/ image or necto:unset/);
  assert.equal(reason('data:application/json,%E0%A4%A'), 'the workload manifest is not validly percent-encoded');
  assert.equal(reason('data:application/json,{nope'), 'the workload manifest is not JSON');
  assert.equal(reason(manifestURI({ image: '' })), 'the workload manifest names no image');
  assert.equal(reason('data:application/json,' + encodeURIComponent('{"schema":"v0","image":"x"}')), 'the workload manifest\'s schema must be "necto.workload/v1" (got "v0")');
  assert.equal(reason(manifestURI({ image: 'x', command: 'python' as never })), "the workload manifest's command must be an array of strings");
  assert.equal(reason(manifestURI({ image: 'x', env: { 'BAD-NAME': 'v' } })), 'the workload manifest\'s env entry "BAD-NAME" is not NAME: "string"');
  assert.equal(reason(manifestURI({ image: 'x', storageGb: 1.5 })), "the workload manifest's storageGb must be a whole number of GB from 0 to 100000");
  assert.equal(reason('oci://'), '"oci://" names no image reference');
});

test('the command reads as one shell line', () => {
  assert.equal(commandLine({ schema: 'necto.workload/v1', ...manifest }), `python train.py --note 'it'\\''s fine'`);
  assert.equal(commandLine({ schema: 'necto.workload/v1', image: 'x' }), '(the image’s default command)');
});
