/**
 * ban-duplicate-column-assignments against a real Postgres: every statement it flags, Postgres
 * refuses with the error the finding quotes; every statement it accepts here, Postgres runs.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintSnippet } from '../../../src/lint/engine.js';
import { ruleById } from '../../../src/lint/registry.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { createTestDatabase } from '../../support/db.js';

const SETUP = [
  'CREATE TYPE pair AS (x int, y int);',
  'CREATE TABLE k (id int PRIMARY KEY, a int, b int, "A" int, c int[], p pair);',
  'CREATE TABLE j (id int, a int);',
  'CREATE TABLE t (x int, y int);',
  `CREATE TABLE long_names (${'a'.repeat(63)} int);`,
  'CREATE FOREIGN DATA WRAPPER nothing;',
  'CREATE SERVER s FOREIGN DATA WRAPPER nothing;',
].join('\n');

const long = 'a'.repeat(63);

const REFUSED = [
  'UPDATE k SET a = 1, a = 2',
  'UPDATE k SET (a, b) = (1, 2), a = 3',
  'UPDATE k SET p = ROW(1, 2), p.x = 1',
  'UPDATE k SET a = 1, A = 2',
  `UPDATE long_names SET ${long}x = 1, ${long}y = 2`,
  'INSERT INTO k (id, a, a) VALUES (1, 2, 3)',
  'INSERT INTO k (id, a) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET a = 1, a = 2',
  'MERGE INTO k USING j ON k.id = j.id WHEN MATCHED THEN UPDATE SET a = 1, a = 2',
  'MERGE INTO k USING j ON k.id = j.id WHEN NOT MATCHED THEN INSERT (id, a, a) VALUES (1, 2, 3)',
  'WITH u AS (UPDATE k SET a = 1, a = 2 RETURNING 1) SELECT * FROM u',
  'CREATE TABLE n (a int, a text)',
  'CREATE FOREIGN TABLE f (a int, a text) SERVER s',
  'CREATE TYPE ct AS (a int, a text)',
  'CREATE VIEW v AS SELECT 1, 2',
  'CREATE VIEW v (a, a) AS SELECT 1, 2',
  'CREATE VIEW v AS SELECT 1 AS a, 2 AS a',
  'CREATE VIEW v AS SELECT 1::int, 2::int',
  'CREATE VIEW v AS SELECT t.x, t2.x FROM t, t AS t2',
  'CREATE VIEW v AS SELECT count(*), count(x) FROM t',
  'CREATE VIEW v AS SELECT (SELECT max(x) FROM t), max(y) FROM t',
  'CREATE VIEW v AS SELECT CASE WHEN true THEN 1 END, CASE WHEN false THEN 2 END',
  'CREATE VIEW v AS SELECT now(), current_date, now()',
  'CREATE VIEW v (a) AS SELECT 1, 2 AS b, 3 AS b',
  'CREATE VIEW v AS SELECT 1 AS a, 2 AS a UNION SELECT 3 AS b, 4 AS c',
  'CREATE TABLE n AS SELECT 1, 2',
  'CREATE TABLE n (a, a) AS SELECT 1, 2',
  'CREATE MATERIALIZED VIEW m AS SELECT now(), now()',
  'SELECT 1 AS a, 2 AS a INTO z',
];

const ACCEPTED = [
  'CREATE TYPE ct AS (a int, b text)',
  'UPDATE k SET a = 1, b = 2',
  'UPDATE k SET p.x = 1, p.y = 2',
  'UPDATE k SET c[1] = 1, c[2] = 2',
  'UPDATE k SET "A" = 1, A = 2',
  'INSERT INTO k (id, p.x, p.y) VALUES (1, 1, 2)',
  'CREATE VIEW v (a, b) AS SELECT 1 AS a, 2 AS a',
  'CREATE VIEW v AS SELECT 1 AS a, 2 AS b',
  'CREATE VIEW v AS SELECT *, 1 AS z FROM t',
  'CREATE VIEW v AS SELECT 1::int AS a, 2::text',
  'CREATE VIEW v AS SELECT x, y, x::text AS z FROM t',
  'CREATE VIEW v AS SELECT CASE WHEN true THEN x END, CASE WHEN false THEN 2 ELSE y END FROM t',
  'SELECT 1 AS a, 1 AS a',
  'SELECT 1 a, 2 b INTO z',
];

describe('ban-duplicate-column-assignments on a real Postgres', () => {
  let db: DatabaseHandle;
  let client: pg.Client;
  const rules = [ruleById('ban-duplicate-column-assignments')!];
  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(SETUP);
  });
  afterAll(async () => {
    await client?.end();
    await db?.close();
  });

  /** Postgres's error for `sql`, run in a transaction rolled back afterwards; undefined when it runs. */
  async function errorOf(sql: string): Promise<string | undefined> {
    await client.query('BEGIN');
    try {
      await client.query(sql);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    } finally {
      await client.query('ROLLBACK');
    }
  }

  it('flags what Postgres refuses, quoting its error', async () => {
    for (const sql of REFUSED) {
      const findings = await lintSnippet(`${sql};`, { rules });
      expect(findings, sql).toHaveLength(1);
      const quoted = /\("(.*)"\)\.$/.exec(findings[0]!.message)?.[1];
      expect(await errorOf(sql), sql).toBe(quoted);
    }
  });

  it('accepts what Postgres runs', async () => {
    for (const sql of ACCEPTED) {
      expect(await lintSnippet(`${sql};`, { rules }), sql).toEqual([]);
      expect(await errorOf(sql), sql).toBeUndefined();
    }
  });
});
