import { isSignetError, type SignetError } from '@signet/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiTokens, type ApiTokens } from '../../src/auth/index.js';
import { DIALECTS, freshDatabase } from '../helpers/databases.js';

async function reasonOf(promise: Promise<unknown>): Promise<unknown> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isSignetError(error, 'UNAUTHENTICATED')).toBe(true);
  return (error as SignetError).details.reason;
}

describe.each(DIALECTS)('API tokens on %s', (dialect) => {
  // One database per dialect and file: the helper drops it after the file.
  let tokens: ApiTokens;
  beforeAll(async () => {
    tokens = createApiTokens(await freshDatabase(dialect));
  });

  describe('a new token', () => {
    it('authenticates as a service principal with its roles', async () => {
      const { id, token } = await tokens.create({ name: 'release-bot', roles: ['signer'], createdBy: 'alice' });
      expect(token).toMatch(new RegExp(`^sgt_${id}_[A-Za-z0-9_-]{43}$`));
      await expect(tokens.authenticate(token)).resolves.toEqual({
        subject: 'release-bot',
        kind: 'service',
        issuer: 'signet',
        authMethod: 'api-token',
        roles: ['signer'],
      });
    });

    it('is listed without its secret', async () => {
      const { id, token } = await tokens.create({ name: 'ci', roles: [], createdBy: 'alice' });
      const listed = await tokens.list();
      expect(listed.find((t) => t.id === id)).toEqual(
        expect.objectContaining({ name: 'ci', roles: [], createdBy: 'alice' }),
      );
      expect(JSON.stringify(listed)).not.toContain(/^sgt_[0-9a-f]+_(.+)$/.exec(token)![1]);
    });
  });

  describe('refuses', () => {
    it('an unknown token, a wrong secret and garbage', async () => {
      const { token } = await tokens.create({ name: 'x', roles: [], createdBy: 'a' });
      const wrongSecret = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      expect(await reasonOf(tokens.authenticate(wrongSecret))).toBe('unknown-token');
      expect(await reasonOf(tokens.authenticate(`sgt_${'0'.repeat(24)}_${'A'.repeat(43)}`))).toBe('unknown-token');
      expect(await reasonOf(tokens.authenticate('sgt_garbage'))).toBe('unknown-token');
    });

    it('a revoked token', async () => {
      const { id, token } = await tokens.create({ name: 'x', roles: [], createdBy: 'a' });
      await tokens.revoke(id);
      expect(await reasonOf(tokens.authenticate(token))).toBe('revoked');
      expect((await tokens.list()).find((t) => t.id === id)?.revokedAt).toBeInstanceOf(Date);
    });

    it('an expired token', async () => {
      const { token } = await tokens.create({
        name: 'x',
        roles: [],
        createdBy: 'a',
        expiresAt: new Date(Date.now() - 1000),
      });
      expect(await reasonOf(tokens.authenticate(token))).toBe('expired');
    });

    it('to revoke a token that does not exist', async () => {
      await expect(tokens.revoke('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('the admin bootstrap token', () => {
    it('is created once per database, even by concurrent starts', async () => {
      const results = await Promise.all([tokens.bootstrapAdmin(), tokens.bootstrapAdmin(), tokens.bootstrapAdmin()]);
      const made = results.filter((t) => t !== undefined);
      expect(made).toHaveLength(1);
      await expect(tokens.authenticate(made[0]!)).resolves.toMatchObject({ roles: ['admin'] });
      await expect(tokens.bootstrapAdmin()).resolves.toBeUndefined();
    });
  });
});
