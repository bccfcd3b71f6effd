import { describe, expect, it } from 'vitest';
import type { UsageQuery } from '../../src/policy/index.js';
import { at, codes, decide, items, policyOf, request } from './helpers.js';

const BUSINESS = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00', timeZone: 'Europe/Berlin' };
const NIGHT = { days: ['fri'], from: '22:00', to: '06:00' };

describe('an allow rule with signing windows', () => {
  it.each<[string, object[], string, boolean]>([
    ['Wednesday 11:00 Berlin, inside business hours', [BUSINESS], '2026-11-25T10:00:00Z', true],
    ['08:00 Berlin sharp: from is inclusive', [BUSINESS], '2026-11-25T07:00:00Z', true],
    ['18:00 Berlin sharp: to is exclusive', [BUSINESS], '2026-11-25T17:00:00Z', false],
    ['Saturday noon', [BUSINESS], '2026-11-28T11:00:00Z', false],
    ['07:30 UTC in summer is 09:30 Berlin: inside', [BUSINESS], '2026-07-01T07:30:00Z', true],
    ['06:30 UTC in summer is 08:30 Berlin: inside', [BUSINESS], '2026-07-01T06:30:00Z', true],
    ['06:30 UTC in winter is 07:30 Berlin: outside', [BUSINESS], '2026-11-25T06:30:00Z', false],
    ['the first Monday hour after the spring clock change', [BUSINESS], '2026-03-30T06:00:00Z', true],
    ['a window without a zone is UTC', [{ from: '09:00', to: '10:00' }], '2026-11-25T09:30:00Z', true],
    ['a window without days is every day', [{ from: '09:00', to: '10:00' }], '2026-11-29T09:30:00Z', true],
    ['an overnight window, before midnight', [NIGHT], '2026-11-27T23:00:00Z', true],
    ['an overnight window, after midnight on the next day', [NIGHT], '2026-11-28T05:59:00Z', true],
    ['an overnight window, its morning end', [NIGHT], '2026-11-28T06:00:00Z', false],
    ['an overnight window, a morning after another day', [NIGHT], '2026-11-27T05:00:00Z', false],
    [
      'one of several windows',
      [BUSINESS, { days: ['sat'], from: '10:00', to: '12:00', timeZone: 'UTC' }],
      '2026-11-28T11:00:00Z',
      true,
    ],
  ])('%s', (_title, windows, now, allowed) => {
    const decision = decide(policyOf([{ name: 'r', allow: {}, time: { windows } }]), request(), { now: at(now) });
    expect(decision.effect).toBe(allowed ? 'allow' : 'deny');
    if (!allowed) expect(codes(decision)).toEqual(['TIME_WINDOW', 'NO_MATCHING_RULE']);
  });
});

describe('an allow rule with blackouts', () => {
  const blackouts = [{ from: '2026-12-20T00:00:00Z', to: '2027-01-04T00:00:00Z', reason: 'year-end freeze' }];
  it.each([
    ['before the blackout', '2026-12-19T23:59:59Z', true],
    ['at its start (inclusive)', '2026-12-20T00:00:00Z', false],
    ['during it', '2026-12-31T12:00:00Z', false],
    ['at its end (exclusive)', '2027-01-04T00:00:00Z', true],
  ])('%s', (_title, now, allowed) => {
    const decision = decide(policyOf([{ name: 'r', allow: {}, time: { blackouts } }]), request(), { now: at(now) });
    expect(decision.effect).toBe(allowed ? 'allow' : 'deny');
    if (!allowed)
      expect(decision.reasons[0]).toMatchObject({ code: 'BLACKOUT', rule: 'r', message: /year-end freeze/ });
  });
});

describe('an allow rule with a release window', () => {
  const releaseWindow = { from: '2026-11-25T00:00:00Z', to: '2026-11-26T00:00:00Z', maxSignatures: 10 };
  it.each<[string, string, number, number, boolean]>([
    ['before it opens', '2026-11-24T23:00:00Z', 0, 1, false],
    ['open, with room', '2026-11-25T10:00:00Z', 5, 1, true],
    ['open, a batch that fits exactly', '2026-11-25T10:00:00Z', 7, 3, true],
    ['open, a batch one signature too big', '2026-11-25T10:00:00Z', 8, 3, false],
    ['open, used up', '2026-11-25T10:00:00Z', 10, 1, false],
    ['after it closes', '2026-11-26T00:00:00Z', 0, 1, false],
  ])('%s', (_title, now, used, batch, allowed) => {
    const queries: UsageQuery[] = [];
    const usage = (q: UsageQuery) => (queries.push(q), used);
    const policy = policyOf([{ name: 'release', allow: {}, time: { releaseWindow } }]);
    const decision = decide(policy, request({ items: items(batch) }), { now: at(now), usage });
    expect(decision.effect).toBe(allowed ? 'allow' : 'deny');
    if (!allowed) expect(codes(decision)[0]).toBe('RELEASE_WINDOW');
    // It counts this rule's signatures since the window opened.
    for (const q of queries) expect(q).toEqual({ rule: 'release', since: at(releaseWindow.from), until: at(now) });
  });
});

describe('a deny rule with windows', () => {
  const policy = policyOf([
    {
      name: 'no-weekend',
      description: 'no signing on weekends',
      deny: {},
      time: { windows: [{ days: ['sat', 'sun'], timeZone: 'Europe/Berlin' }] },
    },
    { name: 'any', allow: {} },
  ]);
  it.each([
    ['refuses on Saturday in Berlin', '2026-11-28T12:00:00Z', 'deny'],
    ['refuses at Saturday 00:30 Berlin (Friday 23:30 UTC)', '2026-11-27T23:30:00Z', 'deny'],
    ['allows on Friday afternoon', '2026-11-27T15:00:00Z', 'allow'],
  ])('%s', (_title, now, effect) => {
    const decision = decide(policy, request(), { now: at(now) });
    expect(decision.effect).toBe(effect);
    if (effect === 'deny')
      expect(decision.reasons).toEqual([
        { rule: 'no-weekend', code: 'EXPLICIT_DENY', message: expect.stringContaining('weekends') },
      ]);
  });
});
