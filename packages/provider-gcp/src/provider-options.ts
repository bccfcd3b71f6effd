import { SignetError } from '@signet/sdk';
import { isKeyRingName, isLocationName } from './resource-name.js';

const CHECKS = {
  keyRings: { test: isKeyRingName, form: 'projects/P/locations/L/keyRings/R' },
  locations: { test: isLocationName, form: 'projects/P/locations/L' },
} as const;

/**
 * Refuses key ring or location names that are not full resource names, naming every wrong one.
 *
 * @throws SignetError `INVALID_ARGUMENT`
 */
export function checkNames(option: keyof typeof CHECKS, names: readonly string[]): readonly string[] {
  const { test, form } = CHECKS[option];
  const wrong = names.filter((n) => !test(n));
  if (wrong.length > 0) {
    throw new SignetError(
      'INVALID_ARGUMENT',
      `${option}: ${wrong.map((n) => `"${String(n)}"`).join(', ')} ${wrong.length > 1 ? 'are' : 'is'} not ${form}`,
      { details: { option, wrong } },
    );
  }
  return [...new Set(names)];
}
