import { describe, expect, it } from 'vitest';
import { principalId, usageQueries, type UsageQuery } from '../../src/policy/index.js';
import { ALICE, codes, DAY, decide, HOUR, items, later, NOW, policyOf, request } from './helpers.js';

describe('an allow rule with quotas', () => {
  const key = 'soft://prod-release';
  it.each<[string, object, number, number, boolean, UsageQuery]>([
    [
      'per key, room left',
      { per: 'key', max: 100, period: '1d' },
      99,
      1,
      true,
      { key, since: later(-DAY), until: NOW },
    ],
    ['per key, full', { per: 'key', max: 100, period: '1d' }, 100, 1, false, { key, since: later(-DAY), until: NOW }],
    [
      'per key, a batch that fits exactly',
      { per: 'key', max: 100, period: '1d' },
      95,
      5,
      true,
      { key, since: later(-DAY), until: NOW },
    ],
    [
      'per key, a batch one over',
      { per: 'key', max: 100, period: '1d' },
      96,
      5,
      false,
      { key, since: later(-DAY), until: NOW },
    ],
    [
      'per principal',
      { per: 'principal', max: 10, period: '1h' },
      10,
      1,
      false,
      { principal: principalId(ALICE), since: later(-HOUR), until: NOW },
    ],
    [
      'per rule',
      { per: 'rule', max: 3, period: '30m' },
      2,
      1,
      true,
      { rule: 'r', since: later(-HOUR / 2), until: NOW },
    ],
    [
      'a batch larger than the quota itself',
      { per: 'key', max: 2, period: '1w' },
      0,
      3,
      false,
      { key, since: later(-7 * DAY), until: NOW },
    ],
  ])('%s', (_title, quota, used, batch, allowed, query) => {
    const queries: UsageQuery[] = [];
    const policy = policyOf([{ name: 'r', allow: {}, quotas: [quota] }]);
    const decision = decide(policy, request({ items: items(batch) }), { usage: (q) => (queries.push(q), used) });
    expect(decision.effect).toBe(allowed ? 'allow' : 'deny');
    if (!allowed) expect(codes(decision)).toEqual(['QUOTA', 'NO_MATCHING_RULE']);
    expect(queries).toEqual([query]);
  });

  it('reports each exceeded quota', () => {
    const quotas = [
      { per: 'key', max: 5, period: '1d' },
      { per: 'principal', max: 5, period: '1h' },
    ];
    const decision = decide(policyOf([{ name: 'r', allow: {}, quotas }]), request(), { usage: () => 5 });
    expect(codes(decision)).toEqual(['QUOTA', 'QUOTA', 'NO_MATCHING_RULE']);
  });

  it('falls through to a later rule when the first one is out of quota', () => {
    const policy = policyOf([
      { name: 'fast', allow: {}, quotas: [{ per: 'rule', max: 1, period: '1h' }] },
      { name: 'slow', allow: {}, quotas: [{ per: 'rule', max: 100, period: '1d' }] },
    ]);
    const decision = decide(policy, request(), { usage: (q) => (q.rule === 'fast' ? 1 : 0) });
    expect(decision).toMatchObject({ effect: 'allow', rule: 'slow' });
  });

  it('lists every count a request may need up front, once each', () => {
    const policy = policyOf([
      { name: 'a', allow: {}, quotas: [{ per: 'key', max: 1, period: '1d' }] },
      {
        name: 'b',
        allow: {},
        quotas: [
          { per: 'key', max: 5, period: '1d' },
          { per: 'rule', max: 5, period: '1h' },
        ],
      },
      { name: 'c', allow: { roles: ['other'] }, quotas: [{ per: 'principal', max: 5, period: '1h' }] },
    ]);
    expect(usageQueries(policy, request(), NOW)).toEqual([
      { key: 'soft://prod-release', since: later(-DAY), until: NOW },
      { rule: 'b', since: later(-HOUR), until: NOW },
    ]);
  });
});
