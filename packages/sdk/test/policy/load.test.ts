import { describe, expect, it } from 'vitest';
import { isSignetError } from '../../src/errors/errors.js';
import { createPolicy, parsePolicy, type PolicyProblem } from '../../src/policy/index.js';

const HEAD = `version: 1
revision: "r1"
roles: [{ role: dev, members: [{ user: "*@acme.com" }] }]
rules:
`;
const DEV = `  - name: dev
    allow: { roles: [dev], keys: ["soft://dev-*"] }
`;

function problemsOf(text: string): PolicyProblem[] {
  try {
    parsePolicy(text, { source: 'p.yaml' });
  } catch (error) {
    if (!isSignetError(error, 'INVALID_POLICY')) throw error;
    const problems = error.details.problems as PolicyProblem[];
    // Every problem is one message line: FILE:LINE:COL field: ...
    for (const p of problems) expect(error.message).toContain(`p.yaml:${p.line}:${p.column} ${p.field}`.trimEnd());
    return problems;
  }
  throw new Error('the policy parsed');
}

describe('parsing a policy', () => {
  it('reads YAML and JSON to the same document, lists normalised and defaults filled', () => {
    const yaml = parsePolicy(`${HEAD}${DEV}  - name: ci\n    allow: { keys: "soft://ci-*" }\n`);
    const json = parsePolicy(JSON.stringify(yaml.document, null, '\t'));
    expect(json.document).toEqual(yaml.document);
    expect(yaml.revision).toBe('r1');
    expect(yaml.document.rules[1]!.allow!.keys).toEqual(['soft://ci-*']);
  });

  describe('reports each problem at its path, line and column', () => {
    it.each<[string, string, string, number, number]>([
      ['an unknown top-level field', `versoin: 1\n${HEAD.slice(11)}${DEV}`, 'versoin', 1, 1],
      ['a format version it does not read', `version: 2\n${HEAD.slice(11)}${DEV}`, 'version', 1, 10],
      ['an unquoted numeric revision', `${HEAD.replace('"r1"', '2026.1')}${DEV}`, 'revision', 2, 11],
      ['a misspelt rule field', `${HEAD}${DEV}    aprovals: { require: [{ role: dev }] }\n`, 'rules[0].aprovals', 7, 5],
      ['a missing rule name', `${HEAD}  - allow: { keys: ["soft://x"] }\n`, 'rules[0].name', 5, 5],
      ['an unknown role', `${HEAD}  - name: r\n    allow: { roles: [dev, ops] }\n`, 'rules[0].allow.roles[1]', 6, 27],
      [
        'an unknown key group',
        `${HEAD}  - name: r\n    allow: { keys: [group:prod] }\n`,
        'rules[0].allow.keys[0]',
        6,
        21,
      ],
      ['a duplicate rule name', `${HEAD}${DEV}${DEV}`, 'rules[1].name', 7, 11],
      [
        'an unknown algorithm',
        `${HEAD}  - name: r\n    allow: { algorithms: [ecdsa-p256] }\n`,
        'rules[0].allow.algorithms[0]',
        6,
        27,
      ],
      [
        'a digest it does not know',
        `${HEAD}  - name: r\n    allow: { digests: sha1 }\n`,
        'rules[0].allow.digests[0]',
        6,
        23,
      ],
      ['neither allow nor deny', `${HEAD}  - name: r\n    ci: { repository: acme/app }\n`, 'rules[0]', 5, 5],
      ['both allow and deny', `${HEAD}  - name: r\n    allow: {}\n    deny: {}\n`, 'rules[0]', 5, 5],
      [
        'approvals on a deny rule',
        `${HEAD}  - name: r\n    deny: {}\n    approvals: { require: [{ role: dev }] }\n`,
        'rules[0].approvals',
        7,
        16,
      ],
      [
        'an approval count below 1',
        `${HEAD}  - name: r\n    allow: {}\n    approvals: { steps: [{ role: dev, count: 0 }] }\n`,
        'rules[0].approvals.steps[0].count',
        7,
        46,
      ],
      [
        'approvals with both require and steps',
        `${HEAD}  - name: r\n    allow: {}\n    approvals: { require: [{ role: dev }], steps: [{ role: dev }] }\n`,
        'rules[0].approvals',
        7,
        16,
      ],
      [
        'an unknown approval role',
        `${HEAD}  - name: r\n    allow: {}\n    approvals: { require: [{ role: sec }] }\n`,
        'rules[0].approvals.require[0].role',
        7,
        36,
      ],
      [
        'a time zone Intl rejects',
        `${HEAD}  - name: r\n    allow: {}\n    time: { windows: [{ timeZone: Mars/Base }] }\n`,
        'rules[0].time.windows[0].timeZone',
        7,
        35,
      ],
      [
        'a window that starts where it ends',
        `${HEAD}  - name: r\n    allow: {}\n    time: { windows: [{ from: "08:00", to: "08:00" }] }\n`,
        'rules[0].time.windows[0].to',
        7,
        44,
      ],
      [
        'a blackout whose from is after its to',
        `${HEAD}  - name: r\n    allow: {}\n    time:\n      blackouts:\n        - from: 2027-01-04T00:00:00Z\n          to: 2026-12-20T00:00:00Z\n`,
        'rules[0].time.blackouts[0].to',
        10,
        15,
      ],
      [
        'a date-time without a zone',
        `${HEAD}  - name: r\n    allow: {}\n    time: { releaseWindow: { from: 2026-12-01T00:00, to: 2026-12-02T00:00Z, maxSignatures: 5 } }\n`,
        'rules[0].time.releaseWindow.from',
        7,
        36,
      ],
      [
        'a duration it cannot read',
        `${HEAD}  - name: r\n    allow: {}\n    quotas: [{ per: key, max: 5, period: 1 day }]\n`,
        'rules[0].quotas[0].period',
        7,
        42,
      ],
      [
        'a quota per something unknown',
        `${HEAD}  - name: r\n    allow: {}\n    quotas: [{ per: team, max: 5, period: 1d }]\n`,
        'rules[0].quotas[0].per',
        7,
        21,
      ],
      [
        'a member of two kinds',
        `${HEAD.replace('user: "*@acme.com"', 'user: a, group: b')}${DEV}`,
        'roles[0].members[0]',
        3,
        32,
      ],
      [
        'a key group inside a key group',
        `keyGroups: { a: ["soft://a"], b: [group:a] }\n${HEAD}${DEV}`,
        'keyGroups.b[0]',
        1,
        35,
      ],
      [
        'a wrong type in a JSON policy',
        '{\n  "version": 1,\n  "revision": "r",\n  "rules": [{ "name": 7, "allow": {} }]\n}',
        'rules[0].name',
        4,
        23,
      ],
    ])('%s', (_title, text, field, line, column) => {
      expect(problemsOf(text)).toContainEqual(expect.objectContaining({ field, line, column }));
    });
  });

  it('reports every problem of a document at once, in the order they appear', () => {
    const problems = problemsOf(
      `${HEAD}  - name: r\n    allow: { roles: [ops], algorithms: [md5] }\n  - name: r\n    deny: {}\n`,
    );
    expect(problems.map((p) => p.field)).toEqual([
      'rules[0].allow.roles[0]',
      'rules[0].allow.algorithms[0]',
      'rules[1].name',
    ]);
  });

  it.each([
    ['a YAML syntax error', 'version: 1\nrules: [\n', 3, 1],
    ['a duplicate key', 'version: 1\nversion: 1\n', 2, 1],
  ])('reports %s at its line', (_title, text, line, column) => {
    expect(problemsOf(text)).toContainEqual(expect.objectContaining({ field: '', line, column }));
  });

  it('refuses an alias bomb without expanding it', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${`*${'abcdefg'[i]}, `.repeat(10)}]`),
    ];
    expect(problemsOf(bomb.join('\n'))).toEqual([expect.objectContaining({ field: '', line: 1, column: 1 })]);
  });

  it('validates an object document with paths but no positions', () => {
    try {
      createPolicy({ version: 1, revision: 'r', rules: [{ name: 'x', allow: { keys: 'group:none' } }] });
      expect.unreachable();
    } catch (error) {
      expect(isSignetError(error, 'INVALID_POLICY')).toBe(true);
      const problems = (error as { details: { problems: PolicyProblem[] } }).details.problems;
      expect(problems).toEqual([
        expect.objectContaining({ field: 'rules[0].allow.keys', path: ['rules', 0, 'allow', 'keys'] }),
      ]);
      expect(problems[0]).not.toHaveProperty('line');
    }
  });
});
