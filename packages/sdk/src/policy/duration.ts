const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `30m`, `24h`, `7d`: a whole number and one unit (s, m, h, d = 24 h, w = 7 d). */
export const DURATION_PATTERN: RegExp = /^([1-9]\d{0,5})([smhdw])$/;

/**
 * Milliseconds in a policy duration. Days are 24 hours: quota periods slide, they do not follow
 * calendar days or daylight-saving shifts.
 *
 * @example durationMs('24h') // 86_400_000
 */
export function durationMs(text: string): number {
  const match = DURATION_PATTERN.exec(text);
  if (!match) throw new RangeError(`Not a duration: ${text}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
