// Canonical JSON for decision records: one value, one byte string, on every engine. The 0G root
// hashes bytes, so anything that could serialize two ways (key order, whitespace, -0, a Date's
// locale, a Map's contents) is refused rather than guessed at. No Node-only dependency: the
// browser verifier runs this too.

/** A value with no canonical form, or bytes that are not one; the message names the JSON path. */
export class CanonicalJsonError extends Error {
  /** Where the problem is, as a JSON path: `$`, `$.quotes[2].price`, `$["odd key"]`. */
  readonly path: string;

  constructor(path: string, message: string) {
    super(message);
    this.name = 'CanonicalJsonError';
    this.path = path;
  }
}

/** "no canonical JSON for NaN at $.quotes[2].price" */
function unrepresentable(path: string, what: string): CanonicalJsonError {
  return new CanonicalJsonError(path, `no canonical JSON for ${what} at ${path}`);
}

/**
 * The canonical JSON text of `value`: object keys sorted by UTF-16 code units at every depth, no
 * insignificant whitespace, arrays in order, `undefined` object fields omitted, numbers and
 * string escapes exactly as JSON.stringify writes them (ECMAScript's shortest round-trip form).
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', []);
}

/** The UTF-8 bytes of `canonicalJson(value)`: what is hashed and stored (its root goes on-chain). */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

/**
 * Parses record bytes and checks they are exactly the canonical form of what they contain, so a
 * verifier never accepts a record that is valid JSON but was not produced by `canonicalBytes`.
 */
export function parseCanonicalBytes(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new CanonicalJsonError('$', 'not a canonical record: invalid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CanonicalJsonError('$', `not a canonical record: malformed JSON (${(error as Error).message})`);
  }
  if (canonicalJson(value) !== text) {
    throw new CanonicalJsonError('$', 'not a canonical record: valid JSON, but not the bytes canonicalJson writes for it');
  }
  return value;
}

// A lone UTF-16 surrogate: with the `u` flag a well-formed pair is one code point, never Cs.
const LONE_SURROGATE = /\p{Cs}/u;

function write(value: unknown, path: string, ancestors: object[]): string {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) throw unrepresentable(path, 'a string with a lone UTF-16 surrogate');
      return JSON.stringify(value);
    case 'number':
      if (Number.isNaN(value)) throw unrepresentable(path, 'NaN');
      if (!Number.isFinite(value)) throw unrepresentable(path, `${value}`);
      if (Object.is(value, -0)) throw unrepresentable(path, '-0');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw unrepresentable(path, `a bigint (${value}n; convert it to a number or a decimal string)`);
    case 'undefined':
      throw unrepresentable(path, 'undefined');
    case 'function':
      throw unrepresentable(path, 'a function');
    case 'symbol':
      throw unrepresentable(path, 'a symbol');
  }
  if (value === null) return 'null';
  const object = value as object;
  if (ancestors.includes(object)) throw unrepresentable(path, 'a circular reference');
  ancestors.push(object);
  const text = Array.isArray(object) ? writeArray(object, path, ancestors) : writeObject(object, path, ancestors);
  ancestors.pop();
  return text;
}

function writeArray(array: unknown[], path: string, ancestors: object[]): string {
  if (Object.getPrototypeOf(array) !== Array.prototype) throw unrepresentable(path, 'an Array subclass');
  const items: string[] = [];
  for (let index = 0; index < array.length; index++) {
    const itemPath = `${path}[${index}]`;
    if (!(index in array)) throw unrepresentable(itemPath, 'a hole in an array');
    if (array[index] === undefined) throw unrepresentable(itemPath, 'undefined in an array');
    items.push(write(array[index], itemPath, ancestors));
  }
  return `[${items.join(',')}]`;
}

function writeObject(object: object, path: string, ancestors: object[]): string {
  const prototype = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) {
    throw unrepresentable(path, `a ${describeInstance(object)} (only plain objects and arrays)`);
  }
  if (Object.getOwnPropertySymbols(object).some((key) => Object.prototype.propertyIsEnumerable.call(object, key))) {
    throw unrepresentable(path, 'a symbol-keyed property');
  }
  const record = object as Record<string, unknown>;
  // Default sort compares UTF-16 code units, the order the canonical form is defined by.
  const keys = Object.keys(record).sort();
  const members: string[] = [];
  for (const key of keys) {
    const field = record[key];
    if (field === undefined) continue;
    const fieldPath = pathOf(path, key);
    if (LONE_SURROGATE.test(key)) throw unrepresentable(fieldPath, 'a key with a lone UTF-16 surrogate');
    members.push(`${JSON.stringify(key)}:${write(field, fieldPath, ancestors)}`);
  }
  return `{${members.join(',')}}`;
}

function pathOf(parent: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function describeInstance(object: object): string {
  const name = (object as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name ? `${name} instance` : 'non-plain object';
}
