// What a routed job asks its provider to run: the job's workload URI and the hash pinned on-chain
// (keccak256 of the URI, as requests are built), and the image and command where the URI says them:
// `oci://<image>`, a `data:application/json,` manifest or a JSON manifest `{"image","command"}`.
import { keccak256, stringToHex } from 'viem';

export type Workload = { uri: string; hash: string; hashMatches: boolean; image?: string; command?: string };

export function readWorkload(uri: string, hash: string): Workload {
  const base = { uri, hash, hashMatches: keccak256(stringToHex(uri)) === hash.toLowerCase() };
  if (uri.startsWith('oci://')) return { ...base, image: uri.slice('oci://'.length) };
  const manifest = uri.startsWith('data:application/json,') ? uri.slice('data:application/json,'.length) : uri.trim().startsWith('{') ? uri : undefined;
  if (manifest === undefined) return base;
  for (const text of [manifest, decoded(manifest)]) {
    try {
      const value = JSON.parse(text) as { image?: unknown; command?: unknown };
      const command = Array.isArray(value.command) ? value.command.map(String).join(' ') : typeof value.command === 'string' ? value.command : undefined;
      return { ...base, ...(typeof value.image === 'string' && { image: value.image }), ...(command && { command }) };
    } catch {
      // try it URI-decoded
    }
  }
  return base;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
