import { describe, expect, it } from 'vitest';
import { json, sandbox } from './helpers/cli.js';

describe('--server', () => {
  it('refuses a malformed URL as a usage error (exit 2), before any request', async () => {
    const box = await sandbox();
    for (const server of ['http://[oops', 'ftp://example.com', 'example.com']) {
      const result = await box.cli(['keys', 'list', '--server', server, '--json']);
      expect(result.code, server).toBe(2);
      expect(json(result)).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
    }
  });
});
