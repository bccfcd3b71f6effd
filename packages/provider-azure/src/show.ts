/**
 * A caller's value, fit for an error message: strings and numbers as they are, anything else by
 * its type. `String(value)` is not safe: an object without a prototype cannot become a string.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return value === null ? 'null' : `(${typeof value})`;
}
