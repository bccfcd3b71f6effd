import type { SqliteDatabase } from 'kysely';

/** The SQLite library a database file is opened with. */
export type SqliteDriver = 'node:sqlite' | 'better-sqlite3';

/** What the store needs from a SQLite connection: kysely's `SqliteDatabase` and `exec` for pragmas. */
export interface SqliteConnection extends SqliteDatabase {
  exec(sql: string): void;
}

/**
 * The driver for this runtime: Node's built-in `node:sqlite` from Node 24 on, better-sqlite3 12 on
 * Node 20 and 22.
 *
 * better-sqlite3 12 derives its statements from `node::ObjectWrap`. From Node 24.19 on, that class's
 * destructor removes an environment cleanup hook and aborts the process when a garbage collection
 * finalises a statement (nodejs/node#65446), and kysely prepares a statement per query. better-sqlite3
 * 13 avoids it but does not run on Node 20; `node:sqlite` has no addon at all and loads without a
 * warning from Node 24.15 (on Node 22 it still prints an ExperimentalWarning, and Node 22's
 * `ObjectWrap` has no such hook).
 */
export function defaultSqliteDriver(): SqliteDriver {
  return Number(process.versions.node.split('.')[0]) >= 24 ? 'node:sqlite' : 'better-sqlite3';
}

/** Opens a SQLite database file (or `:memory:`) with `driver`. */
export async function openSqlite(
  file: string,
  driver: SqliteDriver = defaultSqliteDriver(),
): Promise<SqliteConnection> {
  if (driver === 'better-sqlite3') {
    const { default: BetterSqlite3 } = await import('better-sqlite3');
    return new BetterSqlite3(file);
  }
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as NodeSqlite;
  return nodeSqliteConnection(new DatabaseSync(file));
}

/** The part of `node:sqlite` used here (typed structurally: Node 20's types do not declare it). */
interface NodeSqlite {
  DatabaseSync: new (path: string) => NodeSqliteDatabase;
}
interface NodeSqliteDatabase {
  prepare(sql: string): NodeSqliteStatement;
  exec(sql: string): void;
  close(): void;
}
interface NodeSqliteStatement {
  columns(): unknown[];
  all(...parameters: unknown[]): unknown[];
  run(...parameters: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...parameters: unknown[]): IterableIterator<unknown>;
}

/** better-sqlite3's statement interface over `node:sqlite`, binding values as better-sqlite3 does. */
function nodeSqliteConnection(db: NodeSqliteDatabase): SqliteConnection {
  return {
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
    prepare(sql) {
      const statement = db.prepare(sql);
      return {
        reader: statement.columns().length > 0,
        all: (parameters) => statement.all(...parameters.map(bindable)),
        run: (parameters) => statement.run(...parameters.map(bindable)),
        iterate: (parameters) => statement.iterate(...parameters.map(bindable)),
      };
    },
  };
}

/** `undefined` binds as NULL and booleans, dates and objects are refused, as with better-sqlite3. */
function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === null || ['number', 'bigint', 'string'].includes(typeof value) || value instanceof Uint8Array)
    return value;
  throw new TypeError('SQLite can only bind numbers, strings, bigints, buffers and null');
}
