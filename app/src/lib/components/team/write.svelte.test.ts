import { describe, expect, it } from 'vitest';
import { Write, describedBy } from './write.svelte.ts';

describe('a team write', () => {
  it('keeps the last step of a confirmed write, and the words of a refused one until reset', async () => {
    const write = new Write();
    const hash = '0x01' as const;
    expect(await write.run(async (onStep) => onStep({ step: 'confirmed', what: 'Set the cap', hash, block: 7n }))).toBe(true);
    expect(write.step).toEqual({ step: 'confirmed', what: 'Set the cap', hash, block: 7n });
    expect(await write.run(async () => Promise.reject(new Error('0xabc is not an Admin of team 2')))).toBe(false);
    expect([write.step, write.error, write.busy]).toEqual([undefined, '0xabc is not an Admin of team 2', false]);
    write.reset();
    expect(write.error).toBeUndefined();
  });

  it('describes a field by its hint and its error', () => {
    expect(describedBy('team-cap', undefined)).toBeUndefined();
    expect(describedBy('team-cap', 'bad', true)).toBe('team-cap-hint team-cap-error');
  });
});
