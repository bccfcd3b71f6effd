import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { defaultSqliteDriver, openSqlite } from '../../src/store/sqlite-connection.js';

describe('the SQLite connection', () => {
  const major = Number(process.versions.node.split('.')[0]);

  it(`uses ${major >= 24 ? 'node:sqlite' : 'better-sqlite3'} on Node ${major}`, () => {
    expect(defaultSqliteDriver()).toBe(major >= 24 ? 'node:sqlite' : 'better-sqlite3');
  });

  it('survives statements prepared per query and collected (better-sqlite3 12 aborts Node 24 here)', async () => {
    const sqlite = await openSqlite(':memory:');
    let kept: unknown[] = [];
    for (let i = 0; i < 300_000; i++) {
      kept.push(sqlite.prepare('SELECT ? AS n'));
      if (kept.length > 1000) kept = [];
    }
    sqlite.close();
  });

  describe('through kysely', () => {
    const open = async () =>
      new Kysely<{ t: { x: unknown } }>({ dialect: new SqliteDialect({ database: await openSqlite(':memory:') }) });

    it('reads rows, counts changes and streams', async () => {
      const db = await open();
      await sql`CREATE TABLE t (x)`.execute(db);
      const inserted = await db
        .insertInto('t')
        .values([{ x: 1 }, { x: 'two' }, { x: null }])
        .executeTakeFirst();
      expect(inserted.numInsertedOrUpdatedRows).toBe(3n);
      expect(await db.selectFrom('t').select('x').execute()).toEqual([{ x: 1 }, { x: 'two' }, { x: null }]);
      const streamed: unknown[] = [];
      for await (const row of db.selectFrom('t').select('x').stream()) streamed.push(row.x);
      expect(streamed).toEqual([1, 'two', null]);
      await db.destroy();
    });

    it('binds undefined as NULL and refuses booleans, as better-sqlite3 does', async () => {
      const db = await open();
      expect((await sql<{ v: unknown }>`SELECT ${undefined} AS v`.execute(db)).rows).toEqual([{ v: null }]);
      await expect(sql`SELECT ${true} AS v`.execute(db)).rejects.toThrow(TypeError);
      await db.destroy();
    });
  });
});
