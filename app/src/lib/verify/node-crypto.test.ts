import { createHash as nodeCreateHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
// Imported by path: vite.config.ts aliases `crypto` itself to this module.
import { createHash } from './node-crypto.ts';

describe('the browser crypto shim', () => {
  it('hashes like Node: the SDK’s STREAM domain, and bytes in several updates', () => {
    expect(Buffer.from(createHash('sha256').update('STREAM').digest())).toEqual(nodeCreateHash('sha256').update('STREAM').digest());
    const parts = [new Uint8Array([1, 2, 3]), new TextEncoder().encode('necto'), new Uint8Array(0)];
    const shim = parts.reduce((h, p) => h.update(p), createHash('SHA256')).digest();
    expect(Buffer.from(shim)).toEqual(parts.reduce((h, p) => h.update(p), nodeCreateHash('sha256')).digest());
  });

  it('refuses what it does not implement, by name', () => {
    expect(() => createHash('md5')).toThrow("createHash('md5') is not available in the browser here: only sha256");
  });
});
