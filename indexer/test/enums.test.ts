// The indexer's enums must list the Solidity enums' members in the same order: events carry the
// numeric value, and the decoder and the schema's onchainEnum turn it into the name by position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as schema from '../ponder.schema.ts';
import { AREAS, CAPACITY_STATES, JOB_MODES, JOB_STATUSES, PRICING_MODELS, TEAM_ROLES } from '../src/lib/decode.ts';
import { repoRoot } from './harness.ts';

/** Every `enum Name { A, B }` of the contracts' interfaces, by name. */
function solidityEnums(): Map<string, string[]> {
  const dir = join(repoRoot, 'contracts/src/interfaces');
  const enums = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sol'))) {
    const source = readFileSync(join(dir, file), 'utf8').replace(/\/\/.*$/gm, '');
    for (const [, name, body] of source.matchAll(/\benum\s+(\w+)\s*\{([^}]*)\}/g)) {
      enums.set(name, body.split(',').map((member) => member.trim()).filter(Boolean));
    }
  }
  return enums;
}

const MIRRORS: [solidity: string, decoder: readonly string[], column: { enumValues: readonly string[] }][] = [
  ['PricingModel', PRICING_MODELS, schema.pricingModel],
  ['CapacityState', CAPACITY_STATES, schema.capacityState],
  ['Area', AREAS, schema.area],
  ['JobMode', JOB_MODES, schema.jobMode],
  ['JobStatus', JOB_STATUSES, schema.jobStatus],
  ['TeamRole', TEAM_ROLES, schema.teamRole],
];

test('decoder and schema enums mirror the Solidity enums, in order', () => {
  const enums = solidityEnums();
  for (const [name, decoder, column] of MIRRORS) {
    const members = enums.get(name);
    assert.ok(members, `enum ${name} not found in contracts/src/interfaces`);
    assert.deepEqual([...decoder], members, `decoder's ${name}`);
    assert.deepEqual([...column.enumValues], members, `schema's ${name}`);
  }
});
