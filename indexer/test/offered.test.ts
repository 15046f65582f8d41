import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offeredGpuSeconds } from '../src/lib/offered.ts';

const listedAt = 1_000_000n;

test('an open-ended window runs from the later of its start and the listing to asOf', () => {
  assert.equal(offeredGpuSeconds({ gpuCount: 4, availableFrom: 0n, availableUntil: 0n, listedAt }, listedAt + 3600n), 4n * 3600n);
  assert.equal(offeredGpuSeconds({ gpuCount: 4, availableFrom: listedAt + 600n, availableUntil: 0n, listedAt }, listedAt + 3600n), 4n * 3000n);
});

test('a bounded window from now (availableFrom 0) counts from the listing, not from 1970', () => {
  assert.equal(offeredGpuSeconds({ gpuCount: 2, availableFrom: 0n, availableUntil: listedAt + 7n * 86_400n, listedAt }, listedAt), 2n * 7n * 86_400n);
  assert.equal(offeredGpuSeconds({ gpuCount: 2, availableFrom: listedAt + 86_400n, availableUntil: listedAt + 2n * 86_400n, listedAt }, listedAt), 2n * 86_400n);
});

test('never negative', () => {
  assert.equal(offeredGpuSeconds({ gpuCount: 8, availableFrom: 0n, availableUntil: listedAt - 1n, listedAt }, listedAt), 0n);
});
