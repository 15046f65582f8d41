// The Akash SDL (v2.0) for a Necto job: its GPUs as Akash GPU attributes, CPU and memory sized for
// them, its workload's image, command and env, persistent storage when the workload asks, and a
// bid ceiling per block that never exceeds the job's on-chain price. Pure: the YAML is emitted with
// every scalar JSON-quoted (a JSON string is a YAML double-quoted scalar), so no value can break it.
import { familyOf, memoryOf } from '../../gpu-models.ts';
import type { WorkloadManifest } from '../../chain/workload.ts';

/** Console prices assume 6 s blocks: 600 per hour (shared/provider-formats/akash-console-deploy.md). */
export const BLOCKS_PER_HOUR = 600;
const SERVICE = 'job';
const GROUP = 'necto';
/** Families the Akash GPU database does not list as NVIDIA (the SDL allows only the nvidia key). */
const NOT_NVIDIA = new Set(['MI300X']);
const CPU_PER_GPU = 8;
const MIN_MEMORY_GI_PER_GPU = 16;
const EPHEMERAL_GI = 20;

export type SdlJob = {
  /** Canonical id, e.g. "H100-80G". */
  gpuModel: string;
  gpuCount: number;
  /** The most a route pays: micro-USD per GPU-hour (on-chain, the job's routed price). */
  pricePerGpuHour: bigint;
};

export type SdlResult = { ok: true; sdl: string; maxUactPerBlock: bigint } | { ok: false; reason: string };

/** Akash's attribute for a canonical model: `h100` with `80Gi` (any interface: both forms run a job). */
export function akashGpuAttributes(gpuModel: string): { model: string; ram: string } | undefined {
  const family = familyOf(gpuModel);
  const gb = memoryOf(gpuModel);
  if (!gb || NOT_NVIDIA.has(family)) return undefined;
  return { model: family.toLowerCase(), ram: `${gb}Gi` };
}

/** The highest bid the deployment accepts, in uact per block: the job's price for all its GPUs, at
 *  $1 per ACT, rounded down so that no accepted bid costs more than the route pays. */
export function maxUactPerBlock(job: Pick<SdlJob, 'gpuCount' | 'pricePerGpuHour'>): bigint {
  return (job.pricePerGpuHour * BigInt(job.gpuCount)) / BigInt(BLOCKS_PER_HOUR);
}

export function akashSdl(job: SdlJob, workload: WorkloadManifest): SdlResult {
  const gpu = akashGpuAttributes(job.gpuModel);
  if (!gpu) return { ok: false, reason: `${job.gpuModel} has no NVIDIA attribute on Akash: the SDL can only ask for NVIDIA GPUs` };
  const ceiling = maxUactPerBlock(job);
  if (ceiling <= 0n) return { ok: false, reason: `a price of ${job.pricePerGpuHour} micro-USD per GPU-hour is below 1 uact per block` };
  const memoryGi = Math.max(MIN_MEMORY_GI_PER_GPU, memoryOf(job.gpuModel)) * job.gpuCount;
  const persistent = workload.storageGb ? workload.storageGb : 0;
  const q = (value: string | number) => JSON.stringify(String(value));
  const list = (items: readonly string[]) => `[${items.map(q).join(', ')}]`;
  const env = Object.entries(workload.env ?? {}).map(([k, v]) => `${k}=${v}`);

  const lines = [
    'version: "2.0"',
    'services:',
    `  ${SERVICE}:`,
    `    image: ${q(workload.image)}`,
    ...(workload.command?.length ? [`    command: ${list(workload.command)}`] : []),
    ...(workload.args?.length ? [`    args: ${list(workload.args)}`] : []),
    ...(env.length ? [`    env: ${list(env)}`] : []),
    ...(persistent ? ['    params:', '      storage:', '        data:', `          mount: ${q('/data')}`, '          readOnly: false'] : []),
    'profiles:',
    '  compute:',
    `    ${SERVICE}:`,
    '      resources:',
    '        cpu:',
    `          units: ${CPU_PER_GPU * job.gpuCount}`,
    '        memory:',
    `          size: ${q(`${memoryGi}Gi`)}`,
    '        storage:',
    `          - size: ${q(`${EPHEMERAL_GI}Gi`)}`,
    ...(persistent ? ['          - name: "data"', `            size: ${q(`${persistent}Gi`)}`, '            attributes:', '              persistent: true', '              class: "beta3"'] : []),
    '        gpu:',
    `          units: ${job.gpuCount}`,
    '          attributes:',
    '            vendor:',
    '              nvidia:',
    `                - model: ${q(gpu.model)}`,
    `                  ram: ${q(gpu.ram)}`,
    '  placement:',
    `    ${GROUP}:`,
    '      pricing:',
    `        ${SERVICE}:`,
    '          denom: "uact"',
    `          amount: ${ceiling}`,
    'deployment:',
    `  ${SERVICE}:`,
    `    ${GROUP}:`,
    `      profile: ${q(SERVICE)}`,
    '      count: 1',
  ];
  return { ok: true, sdl: `${lines.join('\n')}\n`, maxUactPerBlock: ceiling };
}
