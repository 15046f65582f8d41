// The SDL a job deploys with on Akash, parsed back as YAML and checked against the SDL v2.0 shape
// (shared/provider-formats/akash-console-deploy.md section 3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { akashGpuAttributes, akashSdl, maxUactPerBlock } from '../../../src/gateways/akash/sdl.ts';
import type { WorkloadManifest } from '../../../src/chain/workload.ts';

const workload: WorkloadManifest = { schema: 'necto.workload/v1', image: 'ghcr.io/acme/train:1', command: ['python', 'train.py'], args: ['--note', 'a "quoted": value\nnext'], env: { WANDB_MODE: 'offline' } };

test('2x H100 at $2.50/GPU-h: GPU attributes, resources sized for the GPUs, a uact ceiling per block', () => {
  const result = akashSdl({ gpuModel: 'H100-80G', gpuCount: 2, pricePerGpuHour: 2_500_000n }, workload);
  assert.ok(result.ok);
  // 2.5 $/GPU-h x 2 GPUs = 5 $/h = 5,000,000 uact/h over 600 blocks = 8333 uact per block (rounded down).
  assert.equal(result.maxUactPerBlock, 8333n);
  const sdl = parse(result.sdl);
  assert.equal(sdl.version, '2.0');
  assert.deepEqual(sdl.services.job, { image: 'ghcr.io/acme/train:1', command: ['python', 'train.py'], args: ['--note', 'a "quoted": value\nnext'], env: ['WANDB_MODE=offline'] });
  assert.deepEqual(sdl.profiles.compute.job.resources, {
    cpu: { units: 16 },
    memory: { size: '160Gi' },
    storage: [{ size: '20Gi' }],
    gpu: { units: 2, attributes: { vendor: { nvidia: [{ model: 'h100', ram: '80Gi' }] } } },
  });
  assert.deepEqual(sdl.profiles.placement.necto.pricing.job, { denom: 'uact', amount: 8333 });
  assert.deepEqual(sdl.deployment.job.necto, { profile: 'job', count: 1 });
});

test('persistent storage when the workload asks for it, mounted at /data', () => {
  const result = akashSdl({ gpuModel: 'RTX4090-24G', gpuCount: 1, pricePerGpuHour: 400_000n }, { schema: 'necto.workload/v1', image: 'x', storageGb: 100 });
  assert.ok(result.ok);
  const sdl = parse(result.sdl);
  assert.deepEqual(sdl.services.job.params, { storage: { data: { mount: '/data', readOnly: false } } });
  assert.deepEqual(sdl.profiles.compute.job.resources.storage, [{ size: '20Gi' }, { name: 'data', size: '100Gi', attributes: { persistent: true, class: 'beta3' } }]);
  assert.equal(sdl.profiles.compute.job.resources.memory.size, '24Gi');
  assert.equal(sdl.services.job.command, undefined, 'the image’s own command when the workload names none');
});

test('what Akash cannot be asked for is one reason', () => {
  assert.deepEqual(akashSdl({ gpuModel: 'MI300X-192G', gpuCount: 1, pricePerGpuHour: 3_000_000n }, workload), { ok: false, reason: 'MI300X-192G has no NVIDIA attribute on Akash: the SDL can only ask for NVIDIA GPUs' });
  assert.match((akashSdl({ gpuModel: 'T4-16G', gpuCount: 1, pricePerGpuHour: 500n }, workload) as { reason: string }).reason, /below 1 uact per block/);
  assert.deepEqual(akashGpuAttributes('RTXA6000-48G'), { model: 'rtxa6000', ram: '48Gi' });
  assert.equal(maxUactPerBlock({ gpuCount: 8, pricePerGpuHour: 1_990_000n }), 26533n);
});
