import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GPU_MODEL_IDS, familyOf, memoryOf, resolveGpuModel } from '../src/gpu-models.ts';

const ALIASES: [string, string][] = [
  // H100 80 GB, as every source spells it.
  ['H100 SXM', 'H100-80G'],
  ['NVIDIA H100 80GB HBM3', 'H100-80G'],
  ['h100/80Gi/SXM5', 'H100-80G'],
  ['gpu_8x_h100_sxm5', 'H100-80G'],
  ['H100-80G', 'H100-80G'],
  ['p5.48xlarge', 'H100-80G'],
  ['H100 PCIe', 'H100-80G'],
  ['NVIDIA H100 NVL', 'H100-94G'],
  // A100: the name or a memory field picks the variant; a bare A100 is the 40 GB one.
  ['A100-SXM4-80GB', 'A100-80G'],
  ['gpu_8x_a100_80gb_sxm4', 'A100-80G'],
  ['a100/80Gi/SXM4', 'A100-80G'],
  ['gpu_1x_a100_sxm4', 'A100-40G'],
  ['A100 (40 GB SXM4)', 'A100-40G'],
  ['NVIDIA A100-SXM4-40GB', 'A100-40G'],
  // Consumer and workstation cards.
  ['NVIDIA GeForce RTX 4090', 'RTX4090-24G'],
  ['RTX 4090 D', 'RTX4090-24G'],
  ['rtx4090/24Gi/PCIe', 'RTX4090-24G'],
  ['RTXPRO6000', 'RTXPRO6000-96G'],
  ['NVIDIA RTX PRO 6000 Blackwell Server Edition', 'RTXPRO6000-96G'],
  ['NVIDIA RTX 6000 Ada Generation', 'RTX6000ADA-48G'],
  ['RTX 6000Ada', 'RTX6000ADA-48G'],
  ['NVIDIA RTX A6000', 'RTXA6000-48G'],
  ['RTX 3080 Ti', 'RTX3080-12G'],
  ['RTX 3080 12GB', 'RTX3080-12G'],
  ['RTX 3080', 'RTX3080-10G'],
  // Data-centre families whose names nest (GH200/H200, L40S/L40/L4, A10G/A10).
  ['GH200', 'GH200-96G'],
  ['NVIDIA H200', 'H200-141G'],
  ['L40S', 'L40S-48G'],
  ['NVIDIA L40', 'L40-48G'],
  ['NVIDIA L4', 'L4-24G'],
  ['A10G', 'A10G-24G'],
  ['gpu_1x_a10', 'A10-24G'],
  ['Tesla V100-SXM2-16GB', 'V100-16G'],
  ['V100 32GB', 'V100-32G'],
  ['Tesla T4', 'T4-16G'],
  ['AMD Instinct MI300X', 'MI300X-192G'],
];

test('vendor names resolve to one canonical id per model and memory size', () => {
  for (const [name, id] of ALIASES) assert.equal(resolveGpuModel(name), id, name);
});

test('every canonical id resolves to itself, in any case', () => {
  for (const id of GPU_MODEL_IDS) {
    assert.equal(resolveGpuModel(id), id, id);
    assert.equal(resolveGpuModel(id.toLowerCase()), id, id.toLowerCase());
  }
  assert.equal(new Set(GPU_MODEL_IDS).size, GPU_MODEL_IDS.length);
  assert.ok(
    GPU_MODEL_IDS.every((id) => /^[A-Z0-9]+-\d+G$/.test(id)),
    'ids look like FAMILY-<GB>G',
  );
});

test('unknown names are not guessed', () => {
  for (const name of ['', '   ', 'RTX 2080 Ti', 'A40', 'RTX 4000 Ada', 'm5.large', 'TPU v5e', 'CPU only']) {
    assert.equal(resolveGpuModel(name), undefined, JSON.stringify(name));
  }
  assert.equal(resolveGpuModel(undefined as unknown as string), undefined);
  assert.equal(resolveGpuModel(42 as unknown as string), undefined);
});

test('a bare "RTX 6000" is not placed: it is also the 24 GB Quadro RTX 6000', () => {
  assert.equal(resolveGpuModel('RTX 6000'), undefined);
  assert.equal(resolveGpuModel('Quadro RTX 6000'), undefined);
  assert.equal(resolveGpuModel('gpu_1x_rtx6000'), undefined);
});

test('a memory size the family does not have is rejected, not rounded to a neighbour', () => {
  assert.equal(resolveGpuModel('H100 40GB'), undefined);
  assert.equal(resolveGpuModel('H100 16GB'), undefined);
  assert.equal(resolveGpuModel('RTX 4090 48GB'), undefined);
  assert.equal(resolveGpuModel('A100', 64), undefined);
});

test('a memory hint from a separate field picks the variant when the name gives none', () => {
  assert.equal(resolveGpuModel('A100', 80), 'A100-80G');
  assert.equal(resolveGpuModel('A100', 81.92), 'A100-80G', '80 GiB reported in GB');
  assert.equal(resolveGpuModel('A100', 40), 'A100-40G');
  assert.equal(resolveGpuModel('H100', 94), 'H100-94G');
  assert.equal(resolveGpuModel('A100 80GB', 40), 'A100-80G', 'the name wins over the hint');
  assert.equal(resolveGpuModel('RTX 3080', 12), 'RTX3080-12G', 'the nearest variant, not the first within slack');
});

test('memoryOf and familyOf read a canonical id', () => {
  assert.equal(memoryOf('H100-80G'), 80);
  assert.equal(memoryOf('RTXPRO6000-96G'), 96);
  assert.equal(memoryOf('not an id'), 0);
  assert.equal(familyOf('H100-80G'), 'H100');
  assert.equal(familyOf('RTX6000ADA-48G'), 'RTX6000ADA');
});
