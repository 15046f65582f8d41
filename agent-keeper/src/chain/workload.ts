// The workload a job runs: what its `workloadURI` names and how its on-chain `workloadHash` pins it.
// Browser-safe (no I/O): the app shows a seller what to run, and a gateway checks the hash before it
// deploys anything.
//
// A URI is one of:
// - `data:application/json,<percent-encoded manifest>`: the manifest itself. workloadHash is the
//   keccak256 of the manifest's bytes (the decoded payload, exactly as written).
// - `oci://<image reference>`: an image with its default command. workloadHash is the keccak256 of
//   the URI's bytes, which pins the reference (pin the content too with `repo@sha256:<digest>`).
// - `necto:unset`: no workload yet; nothing can be deployed.
//
// The manifest (schema necto.workload/v1), JSON:
//   { "schema": "necto.workload/v1", "image": "ghcr.io/org/train@sha256:…",
//     "command": ["python", "train.py"], "args": ["--epochs", "3"], "env": { "WANDB_MODE": "offline" },
//     "storageGb": 100 }
// `image` is required; `command` (the entrypoint) and `args` are string arrays; `env` maps names to
// strings; `storageGb` asks for persistent storage (whole GB, 0 or absent = none).
import { keccak256, stringToHex, toHex } from 'viem';
import type { Hex } from 'viem';

export const WORKLOAD_SCHEMA = 'necto.workload/v1';
export const UNSET_WORKLOAD = 'necto:unset';
const DATA_JSON = 'data:application/json,';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type WorkloadManifest = {
  schema: typeof WORKLOAD_SCHEMA;
  image: string;
  command?: string[];
  args?: string[];
  env?: Record<string, string>;
  storageGb?: number;
};

export type Workload =
  | { kind: 'manifest'; manifest: WorkloadManifest; hash: Hex }
  | { kind: 'image'; manifest: WorkloadManifest; hash: Hex }
  | { kind: 'unset'; hash: Hex };

export type WorkloadResult = { ok: true; workload: Workload } | { ok: false; reason: string };

/** The manifest as a `data:` URI (compact JSON, percent-encoded only where a URI needs it). */
export function manifestURI(manifest: Omit<WorkloadManifest, 'schema'>): string {
  return DATA_JSON + encodeURIComponent(JSON.stringify({ schema: WORKLOAD_SCHEMA, ...manifest }));
}

/** The hash a request commits for a URI (see the header for each form). */
export function workloadHashOf(uri: string): Hex {
  if (uri.startsWith(DATA_JSON)) {
    const payload = decodePayload(uri);
    if (payload !== undefined) return keccak256(toHex(new TextEncoder().encode(payload)));
  }
  return keccak256(stringToHex(uri));
}

/** What the URI names, with the hash it must carry; a reason when it names nothing runnable. */
export function parseWorkload(uri: string): WorkloadResult {
  const hash = workloadHashOf(uri);
  if (uri === UNSET_WORKLOAD) return { ok: true, workload: { kind: 'unset', hash } };
  if (uri.startsWith('oci://')) {
    const image = uri.slice('oci://'.length);
    if (!/^[^\s]+$/.test(image)) return { ok: false, reason: `"${uri}" names no image reference` };
    return { ok: true, workload: { kind: 'image', manifest: { schema: WORKLOAD_SCHEMA, image }, hash } };
  }
  if (!uri.startsWith(DATA_JSON)) {
    return { ok: false, reason: `the workload URI must be a data:application/json manifest, an oci:// image or ${UNSET_WORKLOAD} (got "${uri.slice(0, 60)}")` };
  }
  const payload = decodePayload(uri);
  if (payload === undefined) return { ok: false, reason: 'the workload manifest is not validly percent-encoded' };
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { ok: false, reason: 'the workload manifest is not JSON' };
  }
  const manifest = checkManifest(json);
  return typeof manifest === 'string' ? { ok: false, reason: manifest } : { ok: true, workload: { kind: 'manifest', manifest, hash } };
}

/** The workload a job may run: its URI parsed and its hash checked against the job's on-chain hash. */
export function verifiedWorkload(uri: string, onchainHash: Hex): WorkloadResult {
  const parsed = parseWorkload(uri);
  if (!parsed.ok) return parsed;
  if (parsed.workload.hash.toLowerCase() !== onchainHash.toLowerCase()) {
    return { ok: false, reason: `the workload's hash ${parsed.workload.hash} is not the job's workloadHash ${onchainHash}: refusing to run it` };
  }
  if (parsed.workload.kind === 'unset') return { ok: false, reason: `the job names no workload (${UNSET_WORKLOAD})` };
  return parsed;
}

/** The command line a provider runs, as one line a person reads (the image's default when none). */
export function commandLine(manifest: WorkloadManifest): string {
  const words = [...(manifest.command ?? []), ...(manifest.args ?? [])];
  return words.length ? words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`)).join(' ') : '(the image’s default command)';
}

function decodePayload(uri: string): string | undefined {
  try {
    return decodeURIComponent(uri.slice(DATA_JSON.length));
  } catch {
    return undefined;
  }
}

function checkManifest(json: unknown): WorkloadManifest | string {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return 'the workload manifest is not a JSON object';
  const m = json as Record<string, unknown>;
  if (m.schema !== WORKLOAD_SCHEMA) return `the workload manifest's schema must be "${WORKLOAD_SCHEMA}" (got ${JSON.stringify(m.schema)})`;
  if (typeof m.image !== 'string' || !/^[^\s]+$/.test(m.image)) return 'the workload manifest names no image';
  const strings = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((s) => typeof s === 'string'));
  if (!strings(m.command)) return 'the workload manifest\'s command must be an array of strings';
  if (!strings(m.args)) return 'the workload manifest\'s args must be an array of strings';
  if (m.env !== undefined) {
    if (!m.env || typeof m.env !== 'object' || Array.isArray(m.env)) return 'the workload manifest\'s env must map names to strings';
    for (const [name, value] of Object.entries(m.env)) {
      if (!ENV_NAME.test(name) || typeof value !== 'string') return `the workload manifest's env entry ${JSON.stringify(name)} is not NAME: "string"`;
    }
  }
  if (m.storageGb !== undefined && !(Number.isInteger(m.storageGb) && (m.storageGb as number) >= 0 && (m.storageGb as number) <= 100_000)) {
    return 'the workload manifest\'s storageGb must be a whole number of GB from 0 to 100000';
  }
  return {
    schema: WORKLOAD_SCHEMA,
    image: m.image,
    ...(m.command !== undefined && { command: m.command as string[] }),
    ...(m.args !== undefined && { args: m.args as string[] }),
    ...(m.env !== undefined && { env: m.env as Record<string, string> }),
    ...(m.storageGb !== undefined && { storageGb: m.storageGb as number }),
  };
}
