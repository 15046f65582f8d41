// EC2 instance type -> GPUs. DescribeSpotPriceHistory prices whole instances and names only the
// instance type, so the GPU count and model come from this static table (shared/provider-formats
// section 5), which already carries the overrides DescribeInstanceTypes would need: p4de is A100
// 80 GB, p5en is H200 (the API names its GPU just "NVIDIA"), p5.4xlarge has one H100, p3dn has V100
// 32 GB, and g6f/gr6f sell fractions of an L4 (GPU MiB / 22888).
//
// Canonical ids are literal strings on purpose: gpu-models.ts may import this table to resolve
// "p5.48xlarge", and importing gpu-models.ts back would make a cycle. A test checks every id
// against gpu-models.ts.

export type InstanceGpu = {
  /** Canonical GPU id, e.g. "H100-80G". */
  gpuModel: string;
  /** GPUs per instance. Fractional for shares of a GPU (g6f.large = 0.125 of an L4). */
  gpus: number;
  /** For a share of a GPU: the GPU memory the instance gets, MiB (g6f.large: 2861). */
  shareMiB?: number;
};

/** Memory of a whole L4 as EC2 reports it; g6f shares are fractions of it. */
export const L4_MIB = 22888;

const TABLE = new Map<string, InstanceGpu>();

function family(gpuModel: string, sizes: Record<string, number>): void {
  for (const [type, gpus] of Object.entries(sizes)) TABLE.set(type, { gpuModel, gpus });
}

function shares(sizes: Record<string, number>): void {
  for (const [type, shareMiB] of Object.entries(sizes)) {
    TABLE.set(type, { gpuModel: 'L4-24G', gpus: shareMiB / L4_MIB, shareMiB });
  }
}

family('V100-16G', { 'p3.2xlarge': 1, 'p3.8xlarge': 4, 'p3.16xlarge': 8 });
family('V100-32G', { 'p3dn.24xlarge': 8 });
family('A100-40G', { 'p4d.24xlarge': 8 });
family('A100-80G', { 'p4de.24xlarge': 8 });
family('H100-80G', { 'p5.48xlarge': 8, 'p5.4xlarge': 1 });
family('H200-141G', { 'p5e.48xlarge': 8, 'p5en.48xlarge': 8 });
family('B200-180G', { 'p6-b200.48xlarge': 8 });
family('T4-16G', {
  'g4dn.xlarge': 1, 'g4dn.2xlarge': 1, 'g4dn.4xlarge': 1, 'g4dn.8xlarge': 1, 'g4dn.16xlarge': 1,
  'g4dn.12xlarge': 4, 'g4dn.metal': 8,
});
// Not monotonic in the size suffix: g5.16xlarge has 1 GPU, g5.12xlarge and g5.24xlarge have 4.
family('A10G-24G', {
  'g5.xlarge': 1, 'g5.2xlarge': 1, 'g5.4xlarge': 1, 'g5.8xlarge': 1, 'g5.16xlarge': 1,
  'g5.12xlarge': 4, 'g5.24xlarge': 4, 'g5.48xlarge': 8,
});
family('L4-24G', {
  'g6.xlarge': 1, 'g6.2xlarge': 1, 'g6.4xlarge': 1, 'g6.8xlarge': 1, 'g6.16xlarge': 1,
  'g6.12xlarge': 4, 'g6.24xlarge': 4, 'g6.48xlarge': 8, 'gr6.4xlarge': 1, 'gr6.8xlarge': 1,
});
family('L40S-48G', {
  'g6e.xlarge': 1, 'g6e.2xlarge': 1, 'g6e.4xlarge': 1, 'g6e.8xlarge': 1, 'g6e.16xlarge': 1,
  'g6e.12xlarge': 4, 'g6e.24xlarge': 4, 'g6e.48xlarge': 8,
});
// 1/8, 1/4 and 1/2 of an L4.
shares({ 'g6f.large': 2861, 'g6f.xlarge': 2861, 'g6f.2xlarge': 5722, 'g6f.4xlarge': 11_444, 'gr6f.4xlarge': 11_444 });

/** Every instance type of the table, the InstanceTypes filter of the spot price query. */
export const GPU_INSTANCE_TYPES: readonly string[] = [...TABLE.keys()].sort();

/** The GPUs of an EC2 instance type ("p5.48xlarge" -> 8 x H100-80G), or undefined when unknown. */
export function gpuOfInstanceType(name: string): InstanceGpu | undefined {
  if (typeof name !== 'string') return undefined;
  return TABLE.get(name.trim().toLowerCase());
}
