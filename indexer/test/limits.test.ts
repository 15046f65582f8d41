// GraphQL limits: depth, aliases, tokens and page size are each rejected with an error that names
// the limit, and a query just under each limit is answered. Runs against the indexer of the shared
// world (harness.ts), so with `--test-isolation=none` no second stack is started.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Lexer, Source, TokenKind } from 'graphql';
import { acquireWorld, graphql } from './harness.ts';
import type { World } from './harness.ts';
import { GRAPHQL_LIMITS, MAX_PAGE_SIZE } from '../src/api/limits.ts';

let world: World;
let url: string;
before(async () => {
  world = await acquireWorld();
  url = world.indexers[0].indexer.url;
}, { timeout: 400_000 });
after(() => world?.release());

/** A query whose deepest field sits `depth` levels down: offers > items > provider > offers > ... */
export function queryOfDepth(depth: number): string {
  const chain = ['offers(limit: 1)', 'items', 'provider'];
  const levels: string[] = [];
  for (let i = 0; levels.length < depth - 1; i++) levels.push(chain[i % 3]);
  const leaf = levels.at(-1)?.startsWith('offers') ? 'totalCount' : 'id';
  return `{ ${levels.map((l) => `${l} {`).join(' ')} ${leaf} ${'}'.repeat(levels.length)} }`;
}

export function queryWithAliases(count: number): string {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: offers(limit: 1) { totalCount }`).join(' ')} }`;
}

export function countTokens(query: string): number {
  const lexer = new Lexer(new Source(query));
  let n = 0;
  while (lexer.advance().kind !== TokenKind.EOF) n++;
  return n;
}

/** A valid query of about `tokens` tokens: one page of offers asking for `id` again and again. */
export function queryOfTokens(tokens: number): string {
  const base = (n: number) => `{ offers(limit: 1) { items { ${'id '.repeat(n)}} } }`;
  const overhead = countTokens(base(0));
  return base(Math.max(1, tokens - overhead));
}

const ok = (res: Awaited<ReturnType<typeof graphql>>) => {
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  assert.ok(res.data);
};
const rejected = (res: Awaited<ReturnType<typeof graphql>>, pattern: RegExp) => {
  assert.ok(res.errors?.length, `expected an error, got ${JSON.stringify(res.data)}`);
  assert.match(res.errors![0].message, pattern);
  assert.ok(!res.data || Object.values(res.data).every((v) => v === null), 'no data with a rejected query');
};

describe('GraphQL limits', () => {
  test(`depth: ${GRAPHQL_LIMITS.maxOperationDepth} levels answered, one more rejected`, async () => {
    ok(await graphql(url, queryOfDepth(GRAPHQL_LIMITS.maxOperationDepth)));
    rejected(await graphql(url, queryOfDepth(GRAPHQL_LIMITS.maxOperationDepth + 1)), /depth/i);
  });

  test(`aliases: ${GRAPHQL_LIMITS.maxOperationAliases} answered, one more rejected`, async () => {
    ok(await graphql(url, queryWithAliases(GRAPHQL_LIMITS.maxOperationAliases)));
    rejected(await graphql(url, queryWithAliases(GRAPHQL_LIMITS.maxOperationAliases + 1)), /alias/i);
  });

  test(`tokens: just under ${GRAPHQL_LIMITS.maxOperationTokens} answered, just over rejected`, async () => {
    const under = queryOfTokens(GRAPHQL_LIMITS.maxOperationTokens - 2);
    const over = queryOfTokens(GRAPHQL_LIMITS.maxOperationTokens + 2);
    assert.ok(countTokens(under) < GRAPHQL_LIMITS.maxOperationTokens && countTokens(over) > GRAPHQL_LIMITS.maxOperationTokens);
    ok(await graphql(url, under));
    rejected(await graphql(url, over), /token/i);
  });

  test(`page size: limit ${MAX_PAGE_SIZE} answered, ${MAX_PAGE_SIZE + 1} rejected (literal or variable)`, async () => {
    ok(await graphql(url, `{ jobs(limit: ${MAX_PAGE_SIZE}) { items { id } } }`));
    rejected(await graphql(url, `{ jobs(limit: ${MAX_PAGE_SIZE + 1}) { items { id } } }`), /page size/i);
    const byVariable = 'query ($n: Int) { jobs(limit: $n) { items { id } } }';
    ok(await graphql(url, byVariable, { n: MAX_PAGE_SIZE }));
    rejected(await graphql(url, byVariable, { n: MAX_PAGE_SIZE + 1 }), /page size/i);
  });
});
