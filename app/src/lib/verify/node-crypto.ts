// Node's `crypto` as much as the 0G SDK uses of it in the browser: createHash('sha256'), which its
// KV module calls once when it loads. vite.config.ts aliases `crypto` here instead of to
// crypto-browserify, whose ciphers, curves and key exchanges (~120 kB gzipped) nothing here calls.
import { sha256 } from 'viem';

type Data = string | Uint8Array;

export function createHash(algorithm: string) {
  if (algorithm.toLowerCase() !== 'sha256') throw new Error(`createHash('${algorithm}') is not available in the browser here: only sha256`);
  const parts: Uint8Array[] = [];
  return {
    update(data: Data) {
      parts.push(typeof data === 'string' ? new TextEncoder().encode(data) : data);
      return this;
    },
    digest(): Uint8Array {
      const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const part of parts) {
        all.set(part, at);
        at += part.length;
      }
      return sha256(all, 'bytes');
    },
  };
}

export default { createHash };
