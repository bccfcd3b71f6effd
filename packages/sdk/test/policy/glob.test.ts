import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, compileGlobs } from '../../src/policy/glob.js';

/** The obvious reference: a RegExp with every other character escaped (fine for short test strings). */
function reference(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${body}$`);
}

describe('a policy glob', () => {
  it.each([
    ['soft://prod-*', 'soft://prod-release', true],
    ['soft://prod-*', 'soft://prod-', true],
    ['soft://prod-*', 'soft://staging-1', false],
    ['soft://prod-*', 'xsoft://prod-1', false],
    ['*.jar', 'app-1.4.0.jar', true],
    ['*.jar', 'app.jar.asc', false],
    ['refs/tags/v*', 'refs/tags/v1.2.3', true],
    ['refs/tags/v*', 'refs/heads/v1', false],
    ['pkcs11:*object=release*', 'pkcs11:token=hsm;object=release-2026', true],
    ['pkcs11:*object=release*', 'pkcs11:token=hsm;object=staging', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'acb', false],
    ['a*a', 'a', false],
    ['a*a', 'aa', true],
    ['*', '', true],
    ['**', 'anything', true],
    ['exact', 'exact', true],
    ['exact', 'Exact', false],
    ['a.b', 'aXb', false],
    ['(x)+[y]', '(x)+[y]', true],
    ['CN=Acme Code Signing CA*', 'CN=Acme Code Signing CA 2, O=Acme', true],
  ])('%s against %s → %s', (pattern, value, expected) => {
    expect(compileGlob(pattern)(value)).toBe(expected);
  });

  it('agrees with an escaped RegExp on generated patterns and values', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '*', '.', '/', '(', '\\'), maxLength: 8 });
    fc.assert(
      fc.property(text, fc.string({ unit: fc.constantFrom('a', 'b', '.', '/', '(', '\\'), maxLength: 10 }), (p, v) => {
        expect(compileGlob(p)(v)).toBe(reference(p).test(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches a hostile pattern against a long value in linear time', () => {
    const pattern = `${'a*'.repeat(30)}b`;
    const value = 'a'.repeat(100_000);
    const start = performance.now();
    expect(compileGlob(pattern)(value)).toBe(false);
    expect(performance.now() - start).toBeLessThan(100);
  });

  it('matches a list when any glob matches, exact names by lookup', () => {
    const match = compileGlobs(['soft://release', 'soft://prod-*']);
    expect([match('soft://release'), match('soft://prod-2'), match('soft://dev')]).toEqual([true, true, false]);
  });
});
