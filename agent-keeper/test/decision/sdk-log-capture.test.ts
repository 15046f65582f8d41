import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { withSdkLogsTo } from '../../src/decision/sdk-log-capture.ts';

test('concurrent calls each get their own lines; lines logged outside them pass through; console.log is restored', async () => {
  const original = console.log;
  const printed: string[] = [];
  const outside = (...args: unknown[]) => printed.push(args.join(' '));
  console.log = outside;
  try {
    const first: string[] = [];
    const second: string[] = [];
    const sdkCall = async (name: string) => {
      console.log('start', name);
      await sleep(10);
      console.log('end %s', name);
      return name;
    };
    const running = Promise.all([
      withSdkLogsTo((line) => first.push(line), () => sdkCall('one')),
      withSdkLogsTo((line) => second.push(line), () => sdkCall('two')),
    ]);
    console.log('keeper line while the SDK runs');
    assert.deepEqual(await running, ['one', 'two']);
    assert.deepEqual(first, ['start one', 'end one']);
    assert.deepEqual(second, ['start two', 'end two']);
    assert.deepEqual(printed, ['keeper line while the SDK runs']);
    assert.equal(console.log, outside);
  } finally {
    console.log = original;
  }
});

test('a failing call still restores console.log and rethrows', async () => {
  const before = console.log;
  await assert.rejects(
    withSdkLogsTo(() => {}, async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(console.log, before);
});
