// Canonical GPU model ids (`H100-80G`): one per model and memory size, on-chain and off. Every
// vendor string goes through `resolveGpuModel`; a name it cannot place is excluded, never guessed.
import { gpuOfInstanceType } from './sources/aws-instance-types.ts';

type Family = {
  /** The id prefix, e.g. "RTX4090". */
  id: string;
  /** Memory variants in GB; the first is the default when the name gives none. */
  memoryGb: readonly number[];
  /** Matches the family in a normalized name (upper case, separators as single spaces). */
  pattern: RegExp;
};

// Order matters: more specific patterns first (GH200 before H200, L40S before L40 before L4).
const FAMILIES: readonly Family[] = [
  { id: 'GH200', memoryGb: [96, 144], pattern: /\bGH ?200\b/ },
  { id: 'B200', memoryGb: [192, 180], pattern: /\bB ?200\b/ },
  { id: 'H200', memoryGb: [141], pattern: /\bH ?200\b/ },
  { id: 'H100', memoryGb: [94], pattern: /\bH ?100 NVL\b/ },
  { id: 'H100', memoryGb: [80, 94], pattern: /\bH ?100\b/ },
  { id: 'A100', memoryGb: [40, 80], pattern: /\bA ?100\b/ },
  { id: 'MI300X', memoryGb: [192], pattern: /\bMI ?300 ?X\b/ },
  { id: 'L40S', memoryGb: [48], pattern: /\bL ?40 ?S\b/ },
  { id: 'L40', memoryGb: [48], pattern: /\bL ?40\b/ },
  { id: 'L4', memoryGb: [24], pattern: /\bL ?4\b/ },
  { id: 'A10G', memoryGb: [24], pattern: /\bA ?10 ?G\b/ },
  { id: 'A10', memoryGb: [24], pattern: /\bA ?10\b/ },
  { id: 'RTXPRO6000', memoryGb: [96], pattern: /\bRTX ?PRO ?6000\b|\bRTXPRO6000\b/ },
  // A bare "RTX 6000" is also the 24 GB Quadro RTX 6000 (Turing): only "6000 Ada" is placed.
  { id: 'RTX6000ADA', memoryGb: [48], pattern: /\b(RTX ?)?6000 ?ADA\b/ },
  { id: 'RTXA6000', memoryGb: [48], pattern: /\b(RTX ?)?A ?6000\b/ },
  { id: 'RTXA5000', memoryGb: [24], pattern: /\b(RTX ?)?A ?5000\b/ },
  { id: 'RTXA4000', memoryGb: [16], pattern: /\b(RTX ?)?A ?4000\b/ },
  { id: 'RTX5090', memoryGb: [32], pattern: /\b(RTX ?)?5090( D)?\b/ },
  { id: 'RTX4090', memoryGb: [24], pattern: /\b(RTX ?)?4090( D)?\b/ },
  { id: 'RTX4080', memoryGb: [16], pattern: /\b(RTX ?)?4080( SUPER)?\b/ },
  { id: 'RTX3090', memoryGb: [24], pattern: /\b(RTX ?)?3090( TI)?\b/ },
  { id: 'RTX3080', memoryGb: [12], pattern: /\b(RTX ?)?3080 ?TI\b/ },
  { id: 'RTX3080', memoryGb: [10, 12], pattern: /\b(RTX ?)?3080\b/ },
  { id: 'V100', memoryGb: [16, 32], pattern: /\bV ?100\b/ },
  { id: 'T4', memoryGb: [16], pattern: /\bT ?4\b/ },
];

const MEMORY = /\b(\d{1,3}) ?(GB|G|GI|GIB)\b/;

/** Every canonical id this table knows, e.g. for argument validation and docs. */
export const GPU_MODEL_IDS: readonly string[] = [
  ...new Set(FAMILIES.flatMap((f) => f.memoryGb.map((gb) => `${f.id}-${gb}G`))),
];

function normalizeName(name: string): string {
  return name
    .toUpperCase()
    .replace(/NVIDIA|GEFORCE|TESLA|AMD|INSTINCT/g, ' ')
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
}

/**
 * The canonical id for a vendor's GPU name ("NVIDIA H100 80GB HBM3", "h100/80Gi/SXM5",
 * "gpu_8x_a100_80gb_sxm4", "H100 SXM", an AWS instance type like "p5.48xlarge", a canonical id), or undefined when the name is not a
 * known model or its memory is not a known variant. `memoryGbHint` (from a separate field of the
 * source) picks the variant when the name does not say; otherwise the family's default applies.
 */
export function resolveGpuModel(name: string, memoryGbHint?: number): string | undefined {
  if (typeof name !== 'string' || name.trim() === '') return undefined;
  const instance = gpuOfInstanceType(name.trim().toLowerCase());
  if (instance) return instance.gpuModel;
  const normalized = normalizeName(name);
  const family = FAMILIES.find((f) => f.pattern.test(normalized));
  if (!family) return undefined;
  const fromName = normalized.replace(family.pattern, ' ').match(MEMORY);
  const memoryGb = fromName ? Number(fromName[1]) : memoryGbHint;
  if (memoryGb === undefined) return `${family.id}-${family.memoryGb[0]}G`;
  const variant = closestVariant(family.memoryGb, memoryGb);
  return variant === undefined ? undefined : `${family.id}-${variant}G`;
}

/** The variant nearest to a reported size, within rounding slack (80 GiB read as 81.9 GB, 94 vs 96). */
function closestVariant(variants: readonly number[], memoryGb: number): number | undefined {
  let best: number | undefined;
  for (const gb of variants) {
    const distance = Math.abs(gb - memoryGb);
    if (distance > Math.max(2, gb * 0.05)) continue;
    if (best === undefined || distance < Math.abs(best - memoryGb)) best = gb;
  }
  return best;
}

/** Memory per GPU of a canonical id, in GB. */
export function memoryOf(gpuModel: string): number {
  const match = /-(\d+)G$/.exec(gpuModel);
  return match ? Number(match[1]) : 0;
}

/** The family part of a canonical id ("H100-80G" -> "H100"). */
export function familyOf(gpuModel: string): string {
  return gpuModel.replace(/-\d+G$/, '');
}
