import { SignetError } from '@signet/sdk';
import type { Principal } from '@signet/sdk/signing';
import type { Database } from '../store/database.js';
import { newSecretToken, parseSecretToken, secretMatches } from './secret-token.js';

/** What {@link ApiTokens.list} shows of a token: everything but its secret. */
export interface ApiTokenInfo {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly expiresAt?: Date;
  readonly revokedAt?: Date;
}

export interface CreateApiTokenParams {
  /** The service account's name; it becomes the principal's subject. */
  name: string;
  /** Roles the token grants, e.g. `['signer']`. */
  roles: readonly string[];
  /** When the token stops working. Default: never. */
  expiresAt?: Date;
  /** Subject of the principal who creates it (audited). */
  createdBy: string;
}

/** Service-account API tokens (`sgt_...`), stored hashed. */
export interface ApiTokens {
  /** Creates a token. The returned `token` is the only time the secret exists in clear. */
  create(params: CreateApiTokenParams): Promise<{ id: string; token: string }>;
  /**
   * @throws SignetError `UNAUTHENTICATED` with `details.reason` `unknown-token`, `revoked` or `expired`.
   */
  authenticate(token: string): Promise<Principal>;
  /** Revokes a token at once. @throws SignetError `NOT_FOUND` */
  revoke(id: string): Promise<void>;
  list(): Promise<ApiTokenInfo[]>;
  /**
   * Creates the first admin token, once per database: `undefined` when one was already made, so a
   * server can print it at its first start and never again.
   */
  bootstrapAdmin(): Promise<string | undefined>;
}

const PREFIX = 'sgt';

/**
 * API tokens in the server's database.
 *
 * @example
 * ```ts
 * const tokens = createApiTokens(database);
 * const { token } = await tokens.create({ name: 'release-bot', roles: ['signer'], createdBy: 'alice' });
 * const principal = await tokens.authenticate(token); // { kind: 'service', subject: 'release-bot', ... }
 * ```
 */
export function createApiTokens(database: Database): ApiTokens {
  const { db } = database;

  async function insert(params: CreateApiTokenParams, trx = db): Promise<{ id: string; token: string }> {
    if (!params.name || !Array.isArray(params.roles) || params.roles.some((r) => typeof r !== 'string'))
      throw new SignetError('INVALID_ARGUMENT', 'An API token needs a name and a list of role names');
    const { id, token, hash } = newSecretToken(PREFIX);
    await trx
      .insertInto('auth_api_tokens')
      .values({
        id,
        name: params.name,
        roles: JSON.stringify(params.roles),
        secret_hash: hash,
        created_by: params.createdBy,
        created_at: new Date().toISOString(),
        expires_at: params.expiresAt?.toISOString() ?? null,
        revoked_at: null,
      })
      .execute();
    return { id, token };
  }

  return {
    create: (params) => insert(params),

    async authenticate(token) {
      const parsed = typeof token === 'string' ? parseSecretToken(PREFIX, token) : undefined;
      const row = parsed
        ? await db.selectFrom('auth_api_tokens').selectAll().where('id', '=', parsed.id).executeTakeFirst()
        : undefined;
      // The secret is checked before anything about the token is revealed (revoked, expired).
      if (!parsed || !row || !secretMatches(parsed.secret, row.secret_hash)) throw refused('unknown-token');
      if (row.revoked_at) throw refused('revoked');
      if (row.expires_at && new Date(row.expires_at) <= new Date()) throw refused('expired');
      return {
        subject: row.name,
        kind: 'service',
        issuer: 'signet',
        authMethod: 'api-token',
        roles: JSON.parse(row.roles) as string[],
      };
    },

    async revoke(id) {
      const result = await db
        .updateTable('auth_api_tokens')
        .set({ revoked_at: new Date().toISOString() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) {
        const exists = await db.selectFrom('auth_api_tokens').select('id').where('id', '=', id).executeTakeFirst();
        if (!exists) throw new SignetError('NOT_FOUND', `No API token ${id}`, { details: { id } });
      }
    },

    async list() {
      const rows = await db.selectFrom('auth_api_tokens').selectAll().orderBy('created_at').execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        roles: JSON.parse(r.roles) as string[],
        createdBy: r.created_by,
        createdAt: new Date(r.created_at),
        ...(r.expires_at ? { expiresAt: new Date(r.expires_at) } : {}),
        ...(r.revoked_at ? { revokedAt: new Date(r.revoked_at) } : {}),
      }));
    },

    bootstrapAdmin() {
      // The marker row and the token commit together: two servers starting at once make one token.
      return db.transaction().execute(async (trx) => {
        const marked = await trx
          .insertInto('auth_once')
          .values({ event: 'admin-bootstrap', at: new Date().toISOString() })
          .onConflict((oc) => oc.column('event').doNothing())
          .executeTakeFirst();
        if (!marked.numInsertedOrUpdatedRows) return undefined;
        const { token } = await insert({ name: 'bootstrap-admin', roles: ['admin'], createdBy: 'signet' }, trx);
        return token;
      });
    },
  };
}

function refused(reason: string): SignetError {
  return new SignetError('UNAUTHENTICATED', 'The API token is not valid', { details: { reason } });
}
