import type { CertificateStore } from '@signet/sdk';
import type { Database } from '../database.js';

/**
 * Certificate chains in the server's database, for `withCertificateStore`: every replica sees a
 * chain attached through any of them.
 */
export function createDbCertificateStore(database: Database, actor = 'signet-server'): CertificateStore {
  const { db } = database;
  return {
    async get(uri) {
      const row = await db
        .selectFrom('key_certificates')
        .select('certificates')
        .where('key_uri', '=', uri)
        .executeTakeFirst();
      if (!row) return undefined;
      return (JSON.parse(row.certificates) as string[]).map((c) => new Uint8Array(Buffer.from(c, 'base64')));
    },
    async put(uri, certificates) {
      const row = {
        key_uri: uri,
        certificates: JSON.stringify(certificates.map((c) => Buffer.from(c).toString('base64'))),
        updated_at: Date.now(),
        updated_by: actor,
      };
      await db
        .insertInto('key_certificates')
        .values(row)
        .onConflict((oc) =>
          oc
            .column('key_uri')
            .doUpdateSet({ certificates: row.certificates, updated_at: row.updated_at, updated_by: row.updated_by }),
        )
        .execute();
    },
  };
}
