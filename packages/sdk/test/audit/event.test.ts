import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_PREV, parseRecord, recordHash, type AuditRecord } from '../../src/audit/index.js';
import { prepareEvent, sealRecord } from '../../src/audit/record.js';
import { expectThrowsCode } from './helpers.js';

const json = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<unknown>;
const data = fc.dictionary(fc.string(), json, { maxKeys: 6 });

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null, 'x'], c: -0.5 } })).toBe(
      '{"a":{"c":-0.5,"d":[true,null,"x"]},"b":1}',
    );
  });

  it('sorts by UTF-16 code units, as RFC 8785 does', () => {
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, a: 4, A: 5 })).toBe(
      '{"\\r":2,"A":5,"a":4,"€":1,"😀":3}',
    );
  });

  it('is the same text for the value it parses back to', () => {
    fc.assert(fc.property(json, (value) => canonicalJson(JSON.parse(canonicalJson(value))) === canonicalJson(value)));
  });

  it('leaves out undefined members, as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  it.each([
    ['NaN', { n: Number.NaN }],
    ['Infinity', { n: Number.POSITIVE_INFINITY }],
    ['a Date', { at: new Date(0) }],
    ['bytes', { digest: new Uint8Array(32) }],
    ['a bigint', { n: 1n }],
    ['undefined in an array', { list: [1, undefined] }],
    ['a class instance', { map: new Map() }],
  ])('refuses %s instead of changing it', (_, value) => {
    expectThrowsCode(() => canonicalJson(value), 'INVALID_ARGUMENT');
  });

  it('refuses a cycle with a coded error, not a stack overflow', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expectThrowsCode(() => canonicalJson(cyclic), 'INVALID_ARGUMENT');
  });
});

describe('a sealed record', () => {
  const at = new Date('2025-11-27T07:40:00.000Z');

  it('is exactly the canonical JSON of the record, whatever the data', () => {
    fc.assert(
      fc.property(data, fc.string({ minLength: 1 }), fc.nat(), (d, actor, index) => {
        const sealed = sealRecord(
          prepareEvent({ type: 'decision', actor, data: d, at }, () => at),
          index,
          GENESIS_PREV,
        );
        expect(sealed.json).toBe(canonicalJson(sealed.record));
        expect(parseRecord(sealed.json)).toEqual(sealed.record);
        expect(Buffer.from(sealed.leafHash).toString('hex')).toBe(recordHash(sealed.record));
      }),
    );
  });

  it('carries the data as stored, without undefined members', () => {
    const { record } = sealRecord(
      prepareEvent({ type: 'key', actor: 'a|b', data: { x: undefined, y: 1 } }, () => at),
      0,
      GENESIS_PREV,
    );
    expect(record).toEqual({
      index: 0,
      time: at.toISOString(),
      prev: GENESIS_PREV,
      type: 'key',
      actor: 'a|b',
      data: { y: 1 },
    });
  });

  it.each([
    ['an unknown type', { type: 'party', actor: 'a|b', data: {} }],
    ['no actor', { type: 'key', actor: '', data: {} }],
    ['data that is not an object', { type: 'key', actor: 'a|b', data: [1] }],
    ['an invalid date', { type: 'key', actor: 'a|b', data: {}, at: new Date('nope') }],
    ['a date after the year 9999', { type: 'key', actor: 'a|b', data: {}, at: new Date(8.64e15) }],
  ])('refuses an event with %s', (_, event) => {
    expectThrowsCode(() => prepareEvent(event as never, () => at), 'INVALID_ARGUMENT');
  });
});

describe('parsing a record', () => {
  const good: AuditRecord = {
    index: 3,
    time: '2025-11-27T07:40:00.000Z',
    prev: GENESIS_PREV,
    type: 'admin',
    actor: 'x|y',
    data: {},
  };

  it.each([
    ['not JSON', '{"index":'],
    ['an array', '[]'],
    ['a missing field', JSON.stringify({ ...good, actor: undefined })],
    ['an extra field', JSON.stringify({ ...good, extra: 1 })],
    ['a negative index', JSON.stringify({ ...good, index: -1 })],
    ['a fractional index', JSON.stringify({ ...good, index: 1.5 })],
    ['a local time', JSON.stringify({ ...good, time: '2025-11-27 07:40' })],
    ['a short prev', JSON.stringify({ ...good, prev: 'abcd' })],
    ['an upper-case prev', JSON.stringify({ ...good, prev: 'A'.repeat(64) })],
    ['an unknown type', JSON.stringify({ ...good, type: 'party' })],
    ['data that is a string', JSON.stringify({ ...good, data: 'x' })],
  ])('refuses %s', (_, line) => {
    expectThrowsCode(() => parseRecord(line), 'INVALID_FORMAT');
  });

  it('accepts a good record', () => {
    expect(parseRecord(canonicalJson(good))).toEqual(good);
  });
});
