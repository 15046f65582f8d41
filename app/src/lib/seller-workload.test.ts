import { keccak256, stringToHex } from 'viem';
import { expect, test } from 'vitest';
import { readWorkload } from './seller-workload.ts';

const hashOf = (uri: string) => keccak256(stringToHex(uri));

test('an oci:// reference names the image, and its hash is checked against the URI', () => {
  const uri = 'oci://ghcr.io/helix-bio/esm-finetune:2.1';
  expect(readWorkload(uri, hashOf(uri))).toEqual({ uri, hash: hashOf(uri), hashMatches: true, image: 'ghcr.io/helix-bio/esm-finetune:2.1' });
  expect(readWorkload(uri, hashOf('oci://other')).hashMatches).toBe(false);
});

test('a data: manifest, raw or URI-encoded, gives the image and the command', () => {
  const json = JSON.stringify({ image: 'vllm/vllm-openai:v0.6.3', command: ['python', '-m', 'vllm'] });
  for (const uri of [`data:application/json,${json}`, `data:application/json,${encodeURIComponent(json)}`, json]) {
    expect(readWorkload(uri, hashOf(uri))).toMatchObject({ image: 'vllm/vllm-openai:v0.6.3', command: 'python -m vllm', hashMatches: true });
  }
});

test('anything else is shown as the URI alone', () => {
  const workload = readWorkload('necto:unset', hashOf('necto:unset'));
  expect(workload.image).toBeUndefined();
  expect(workload.command).toBeUndefined();
  expect(readWorkload('data:application/json,{broken', '0x00').image).toBeUndefined();
});
