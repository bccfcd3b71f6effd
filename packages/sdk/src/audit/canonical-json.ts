import { SignetError } from '../errors/errors.js';

/** Deep enough for any event we write; stops a cycle before the stack does. */
const MAX_DEPTH = 64;

/**
 * JSON with object keys sorted by UTF-16 code units and no whitespace: one text per value, so its
 * hash identifies the value. For the values allowed here (plain objects, arrays, strings, finite
 * numbers, booleans, null) this is the form RFC 8785 (JCS) gives, since numbers and strings are
 * written by `JSON.stringify`. Object properties that are `undefined` are left out, as
 * `JSON.stringify` does; anything else (a Date, bytes, NaN, a class instance, `undefined` in an
 * array) is refused rather than silently changed, so what is hashed is what the caller passed.
 *
 * @throws SignetError `INVALID_ARGUMENT` for a value JSON cannot carry unchanged.
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const path: (string | number)[] = []; // where we are, for the error message only
  try {
    return encode(value, path);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    const where = `$${path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')}`;
    throw new SignetError('INVALID_ARGUMENT', `Audit data ${where}: ${error.message}`, { details: { path: where } });
  }
}

class Refusal extends Error {}

function encode(value: unknown, path: (string | number)[]): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Refusal(`${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (path.length >= MAX_DEPTH) throw new Refusal(`nests deeper than ${MAX_DEPTH} levels (a cycle?)`);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      out += (i > 0 ? ',' : '') + encode(value[i], path);
      path.pop();
    }
    return `${out}]`;
  }
  if (isPlainObject(value)) {
    let out = '{';
    for (const key of Object.keys(value).sort()) {
      const item = value[key];
      if (item === undefined) continue;
      path.push(key);
      out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${encode(item, path)}`;
      path.pop();
    }
    return `${out}}`;
  }
  throw new Refusal(`a ${describe(value)} is not JSON data`);
}

/** An object literal or `Object.create(null)`: no class whose fields JSON would lose. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return typeof value;
}
