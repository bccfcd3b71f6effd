import { createHash, randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { parsePolicy, type Policy } from '@signet/sdk/policy';
import type { Database } from '../database.js';
import { fromMillis } from './codec.js';
import type { Schema } from '../schema.js';
import type { PoliciesTable } from './tables.js';

/** One stored version of the policy, without its text and parsed form (for listings). */
export interface PolicyVersion {
  readonly id: string;
  /** 1, 2, 3, ...: the order versions were stored in; the highest is the active policy. */
  readonly version: number;
  /** The document's own `revision` string, echoed in decisions as `policyVersion`. */
  readonly revision: string;
  /** SHA-256 (hex) of `text` as UTF-8. */
  readonly sha256: string;
  readonly createdAt: Date;
  /** Who stored it (`principalId`). */
  readonly createdBy: string;
}

/** A stored policy with its document as submitted and parsed. */
export interface StoredPolicy extends PolicyVersion {
  /** The YAML or JSON exactly as submitted. */
  readonly text: string;
  readonly policy: Policy;
}

/** What {@link PolicyRepository.put} stores. */
export interface PutPolicyParams {
  /** The document, YAML or JSON. */
  text: string;
  /** The name problems are reported against (a file name). Default `<policy>`. */
  source?: string;
  /** Who stores it (`principalId`). */
  actor: string;
}

/** The versioned history of the policy. */
export interface PolicyRepository {
  /** The active policy: the highest version, or `undefined` before the first is stored. */
  current(): Promise<StoredPolicy | undefined>;
  /**
   * Validates `text` and stores it as the next version.
   * @throws SignetError `INVALID_POLICY`, and nothing is stored.
   */
  put(params: PutPolicyParams): Promise<StoredPolicy>;
  get(version: number): Promise<StoredPolicy | undefined>;
  /** Every version, oldest first. */
  list(): Promise<PolicyVersion[]>;
}

/**
 * The policy history in the database. Versions are numbered 1, 2, 3, ... without gaps or
 * duplicates even when replicas store concurrently: each put takes max + 1 in one statement, under a
 * table lock on PostgreSQL (readers are not blocked); the unique constraint on `version` is the
 * backstop that turns any mistake here into an error rather than two policies of one version.
 *
 * @example
 * ```ts
 * const policies = createPolicyRepository(database);
 * const stored = await policies.put({ text: await readFile('policy.yaml', 'utf8'), source: 'policy.yaml', actor });
 * ```
 */
export function createPolicyRepository(database: Database): PolicyRepository {
  const { db } = database;
  const select = () => db.selectFrom('policies').selectAll();

  /** Inserts `text` as max(version) + 1 in one statement, so the number is read and taken at once. */
  async function insert(trx: Kysely<Schema>, row: Omit<Selectable<PoliciesTable>, 'version'>): Promise<number> {
    const { id, revision, document, sha256, created_at, created_by } = row;
    const inserted = await trx
      .insertInto('policies')
      .columns(['id', 'version', 'revision', 'document', 'sha256', 'created_at', 'created_by'])
      .expression(
        // The cast: PostgreSQL types a parameter in a select list as text, which a bigint refuses.
        sql`select ${id}, coalesce(max(version), 0) + 1, ${revision}, ${document}, ${sha256}, cast(${created_at} as bigint), ${created_by} from policies`,
      )
      .returning('version')
      .executeTakeFirstOrThrow();
    return Number(inserted.version);
  }

  return {
    async current() {
      const row = await select().orderBy('version', 'desc').limit(1).executeTakeFirst();
      return row && toStored(row);
    },
    async put({ text, source, actor }) {
      // Validate first: an invalid policy throws INVALID_POLICY before anything is written.
      const policy = parsePolicy(text, source === undefined ? {} : { source });
      const row = {
        id: randomUUID(),
        revision: policy.revision,
        document: text,
        sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
        created_at: Date.now(),
        created_by: actor,
      };
      // SQLite: the single statement takes the write lock before it reads max(version), so writers
      // queue (busy_timeout) and never share a number. PostgreSQL: READ COMMITTED lets two
      // statements see the same max, so a put first locks the table against other writers; the
      // mode chosen (SHARE ROW EXCLUSIVE) conflicts with itself and with inserts, not with reads.
      const version =
        database.dialect === 'postgres'
          ? await db.transaction().execute(async (trx) => {
              await sql`lock table policies in share row exclusive mode`.execute(trx);
              return insert(trx, row);
            })
          : await insert(db, row);
      return { ...toVersion({ ...row, version }), text, policy };
    },
    async get(version) {
      const row = await select().where('version', '=', version).executeTakeFirst();
      return row && toStored(row);
    },
    async list() {
      const rows = await db
        .selectFrom('policies')
        .select(['id', 'version', 'revision', 'sha256', 'created_at', 'created_by'])
        .orderBy('version')
        .execute();
      return rows.map(toVersion);
    },
  };
}

function toVersion(row: Omit<Selectable<PoliciesTable>, 'document'>): PolicyVersion {
  return {
    id: row.id,
    version: Number(row.version),
    revision: row.revision,
    sha256: row.sha256,
    createdAt: fromMillis(row.created_at),
    createdBy: row.created_by,
  };
}

/** Parses the stored text again: the parsed form holds compiled matchers that do not serialise. */
function toStored(row: Selectable<PoliciesTable>): StoredPolicy {
  return { ...toVersion(row), text: row.document, policy: parsePolicy(row.document) };
}
