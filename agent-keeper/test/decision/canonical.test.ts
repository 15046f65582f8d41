import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalBytes, canonicalJson, CanonicalJsonError, parseCanonicalBytes } from '../../src/decision/canonical.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

test('golden: a small fixed object has exactly this canonical text', () => {
  const value = { b: 1, a: [true, null, 'é'], c: { y: 1.5, x: -2 }, skipped: undefined, é: 'x', Z: 0, s: 'tab\t"q"\\' };
  assert.equal(canonicalJson(value), '{"Z":0,"a":[true,null,"é"],"b":1,"c":{"x":-2,"y":1.5},"s":"tab\\t\\"q\\"\\\\","é":"x"}');
});

test('the same bytes whatever the key order, at every depth', () => {
  const one = { job: { id: 7, spec: { gpu: 'H100-80G', count: 8 } }, quotes: [{ price: 2, source: 'akash' }], v: 1 };
  const two = { v: 1, quotes: [{ source: 'akash', price: 2 }], job: { spec: { count: 8, gpu: 'H100-80G' }, id: 7 } };
  assert.deepEqual(canonicalBytes(one), canonicalBytes(two));
  assert.equal(canonicalJson(one), '{"job":{"id":7,"spec":{"count":8,"gpu":"H100-80G"}},"quotes":[{"price":2,"source":"akash"}],"v":1}');
});

test('the same bytes on every run, and arrays keep their order', () => {
  const value = { list: [3, 1, 2], nested: [{ b: 2, a: 1 }, [{ d: 4, c: 3 }]] };
  const first = canonicalBytes(value);
  for (let run = 0; run < 50; run++) assert.deepEqual(canonicalBytes(structuredClone(value)), first);
  assert.equal(canonicalJson(value), '{"list":[3,1,2],"nested":[{"a":1,"b":2},[{"c":3,"d":4}]]}');
});

test('keys sort by UTF-16 code units, not code points', () => {
  // U+1F600 is the surrogate pair D83D DE00, so it sorts before U+FB01 by code unit (after it by code point).
  assert.equal(canonicalJson({ '\uFB01': 1, '\u{1F600}': 2, a: 3, B: 4 }), '{"B":4,"a":3,"\u{1F600}":2,"\uFB01":1}');
});

test('numbers are written as JSON.stringify writes them', () => {
  assert.equal(canonicalJson([1, 1.0, 0.1 + 0.2, 1e21, 5e-7, 1_250_000, -3.5, 0, Number.MAX_SAFE_INTEGER]),
    '[1,1,0.30000000000000004,1e+21,5e-7,1250000,-3.5,0,9007199254740991]');
});

test('non-ASCII text is UTF-8, control characters are escaped', () => {
  const bytes = canonicalBytes({ name: 'Zürich ✓ 😀', nl: '\n\u0001' });
  assert.deepEqual(bytes, utf8('{"name":"Zürich ✓ 😀","nl":"\\n\\u0001"}'));
  assert.deepEqual([...canonicalBytes('ü')], [0x22, 0xc3, 0xbc, 0x22]);
  assert.deepEqual([...canonicalBytes('😀')], [0x22, 0xf0, 0x9f, 0x98, 0x80, 0x22]);
});

test('undefined object fields are omitted; null-prototype objects are plain', () => {
  const bare = Object.assign(Object.create(null) as object, { b: 2, a: undefined, c: null });
  assert.equal(canonicalJson({ x: bare }), '{"x":{"b":2,"c":null}}');
});

class Offer {
  price = 1;
}

const forbidden: [string, unknown, string, RegExp][] = [
  ['NaN', { a: { price: Number.NaN } }, '$.a.price', /NaN/],
  ['Infinity', { a: [1, Infinity] }, '$.a[1]', /Infinity/],
  ['-Infinity', { a: -Infinity }, '$.a', /-Infinity/],
  ['-0', { quotes: [{ price: -0 }] }, '$.quotes[0].price', /-0/],
  ['bigint', { amount: 10n }, '$.amount', /bigint/],
  ['function', { f: () => 1 }, '$.f', /function/],
  ['symbol', { s: Symbol('x') }, '$.s', /symbol/],
  ['Date', { createdAt: new Date(0) }, '$.createdAt', /Date instance/],
  ['Map', { m: new Map() }, '$.m', /Map instance/],
  ['Set', { s: new Set([1]) }, '$.s', /Set instance/],
  ['class instance', { offer: new Offer() }, '$.offer', /Offer instance/],
  ['boxed number', { n: new Number(1) }, '$.n', /Number instance/],
  ['undefined in an array', { list: [1, undefined] }, '$.list[1]', /undefined in an array/],
  ['array hole', { list: [1, , 3] }, '$.list[1]', /hole/],
  ['top-level undefined', undefined, '$', /undefined/],
  ['lone surrogate in a string', { 'odd key': ['\uD800x'] }, '$["odd key"][0]', /lone UTF-16 surrogate/],
  ['lone surrogate in a key', { ok: { '\uDC00': 1 } }, '$.ok["\\udc00"]', /lone UTF-16 surrogate/],
  ['symbol-keyed property', { o: { [Symbol('k')]: 1 } }, '$.o', /symbol-keyed/],
];

for (const [name, value, path, problem] of forbidden) {
  test(`rejects ${name}, naming the path ${path}`, () => {
    assert.throws(
      () => canonicalJson(value),
      (error: unknown) => {
        assert.ok(error instanceof CanonicalJsonError);
        assert.equal(error.path, path);
        assert.match(error.message, problem);
        assert.ok(error.message.endsWith(`at ${path}`), error.message);
        return true;
      },
    );
  });
}

test('rejects a circular reference, but not a shared (acyclic) one', () => {
  const shared = { a: 1 };
  assert.equal(canonicalJson({ x: shared, y: [shared] }), '{"x":{"a":1},"y":[{"a":1}]}');
  const loop: Record<string, unknown> = { a: 1 };
  loop.self = { again: loop };
  assert.throws(() => canonicalJson(loop), /circular reference at \$\.self\.again/);
});

test('parseCanonicalBytes accepts exactly the canonical form', () => {
  const value = { b: [1, 'ü'], a: { c: null } };
  assert.deepEqual(parseCanonicalBytes(canonicalBytes(value)), value);
  assert.throws(() => parseCanonicalBytes(utf8('{"b":1,"a":2}')), /not the bytes canonicalJson writes/);
  assert.throws(() => parseCanonicalBytes(utf8('{"a": 2}')), /not the bytes canonicalJson writes/);
  assert.throws(() => parseCanonicalBytes(utf8('{"a":1.0}')), /not the bytes canonicalJson writes/);
  assert.throws(() => parseCanonicalBytes(utf8('{"a":2}\u0000')), /malformed JSON/);
  assert.throws(() => parseCanonicalBytes(utf8('\uFEFF{"a":2}')), /malformed JSON/);
  assert.throws(() => parseCanonicalBytes(new Uint8Array([0x22, 0xff, 0x22])), /invalid UTF-8/);
});
