import type { Condition } from './facts.js';
import type { TimeConditions } from './schema.js';
import { DAYS } from './schema-parts.js';

/*
 * Time rules. Weekly windows are read on the clock of their time zone through Intl, so they follow
 * daylight-saving time; the answer depends only on `now`, which keeps evaluation pure.
 */

type Window = NonNullable<TimeConditions['windows']>[number];

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const formats = new Map<string, Intl.DateTimeFormat>();
/** Local clocks by zone and UTC minute: formatting costs microseconds, and requests arrive in bursts. */
const clocks = new Map<string, LocalClock>();

interface LocalClock {
  /** 0 = Monday. */
  readonly day: number;
  readonly minute: number;
  /** `wed 11:00 Europe/Berlin`, for messages. */
  readonly label: string;
}

/** Day of week and minute of day of `now` in `timeZone` (offsets are whole minutes since 1972). */
export function localClock(now: number, timeZone: string): LocalClock {
  const id = `${timeZone}|${Math.floor(now / 60_000)}`;
  const known = clocks.get(id);
  if (known) return known;
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(now)) parts[part.type] = part.value;
  const weekday = (parts.weekday ?? '').toLowerCase();
  const clock = {
    day: DAYS.indexOf(weekday as (typeof DAYS)[number]),
    minute: Number(parts.hour) * 60 + Number(parts.minute),
    label: `${weekday} ${parts.hour}:${parts.minute} ${timeZone}`,
  };
  if (clocks.size >= 1024) clocks.clear();
  clocks.set(id, clock);
  return clock;
}

/** Whether `now` falls in a window; a window whose `to` is before its `from` runs past midnight. */
export function inWindow(window: Window, now: number): boolean {
  const { day, minute } = localClock(now, window.timeZone ?? 'UTC');
  const on = (d: number) => window.days === undefined || window.days.includes(DAYS[(d + 7) % 7]!);
  const from = window.from === undefined ? 0 : minutes(window.from);
  const to = window.to === undefined ? 1440 : minutes(window.to);
  if (from < to) return on(day) && minute >= from && minute < to;
  // Overnight: the part after midnight belongs to the window that started the day before.
  return (on(day) && minute >= from) || (on(day - 1) && minute < to);
}

/** `mon, tue 08:00–18:00 Europe/Berlin` */
export function describeWindow(w: Window): string {
  const days = w.days?.join(', ') ?? 'every day';
  return `${days} ${w.from ?? '00:00'}–${w.to ?? '24:00'} ${w.timeZone ?? 'UTC'}`;
}

/** Allow rules: `now` must be in a window and in no blackout. Deny rules: refuse when in a window. */
export function timeConditions(time: TimeConditions, effect: 'allow' | 'deny'): Condition[] {
  const conditions: Condition[] = [];
  const { windows, blackouts } = time;
  if (windows) {
    conditions.push(({ now }) => {
      if (windows.some((w) => inWindow(w, now))) return undefined;
      const at = localClock(now, windows[0]!.timeZone ?? 'UTC').label;
      const message =
        effect === 'deny'
          ? `now (${at}) is in none of its windows`
          : `now (${at}) is outside the signing windows: ${windows.map(describeWindow).join('; ')}`;
      return { code: 'TIME_WINDOW', message };
    });
  }
  if (blackouts?.length) {
    const periods = blackouts.map((b) => ({ ...b, start: Date.parse(b.from), end: Date.parse(b.to) }));
    conditions.push(({ now }) => {
      const hit = periods.find((p) => now >= p.start && now < p.end);
      if (!hit) return undefined;
      const why = hit.reason ? ` (${hit.reason})` : '';
      return { code: 'BLACKOUT', message: `signing is blacked out from ${hit.from} to ${hit.to}${why}` };
    });
  }
  return conditions;
}
