/** A compiled pattern: does `value` match it? */
export type Matcher = (value: string) => boolean;

/**
 * Compiles a policy glob: `*` matches any run of characters (none included, `/` and `;` included),
 * every other character matches itself, case-sensitively. There is no escape: key URIs, refs and
 * names do not contain `*`.
 *
 * No RegExp is built, so there is nothing to escape and no backtracking: the literal parts between
 * stars are found left to right with `indexOf`, each at the earliest place it fits. For `*`-only
 * globs the earliest fit is always right, and each part is searched once, so matching stays linear
 * in practice and never blows up on hostile input.
 *
 * @example
 * ```ts
 * compileGlob('refs/tags/v*')('refs/tags/v1.2.0') // true
 * compileGlob('soft://prod-*')('soft://staging-1') // false
 * ```
 */
export function compileGlob(pattern: string): Matcher {
  if (!pattern.includes('*')) return (value) => value === pattern;
  const parts = pattern.split('*');
  const head = parts[0]!;
  const tail = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((part) => part.length > 0);
  const minLength = head.length + tail.length + middle.reduce((sum, part) => sum + part.length, 0);
  if (middle.length === 0) {
    return (value) => value.length >= minLength && value.startsWith(head) && value.endsWith(tail);
  }
  return (value) => {
    if (value.length < minLength || !value.startsWith(head) || !value.endsWith(tail)) return false;
    const end = value.length - tail.length;
    let at = head.length;
    for (const part of middle) {
      const found = value.indexOf(part, at);
      if (found === -1 || found + part.length > end) return false;
      at = found + part.length;
    }
    return true;
  };
}

/**
 * One matcher for a list of globs: matches when any glob does. Exact names are looked up in a set,
 * so a long list of literal key URIs costs one hash lookup.
 *
 * @example compileGlobs(['soft://release', 'pkcs11:*object=release*'])('soft://release') // true
 */
export function compileGlobs(patterns: readonly string[]): Matcher {
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const globs = patterns.filter((p) => p.includes('*')).map(compileGlob);
  if (globs.length === 0) return (value) => exact.has(value);
  return (value) => exact.has(value) || globs.some((match) => match(value));
}
