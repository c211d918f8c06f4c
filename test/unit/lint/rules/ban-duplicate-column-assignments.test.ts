import { describe, expect, it } from 'vitest';
import { lintHistory, lintRule, messages } from './support.js';

const ID = 'ban-duplicate-column-assignments';

describe(ID, () => {
  it('flags a column assigned twice, at the second assignment, quoting the error Postgres gives', async () => {
    const findings = await lintRule(ID, 'UPDATE k\nSET a = 1,\n  b = 2,\n  a = 3;');
    expect(findings.map((f) => [f.line, f.column, f.message])).toEqual([[4, 3, 'Column "a" is assigned more than once: Postgres refuses the statement ("multiple assignments to same column "a"").']]);
    expect(await messages(ID, 'UPDATE k SET (a, b) = (1, 2), a = 3;\nUPDATE k SET a = ROW(1, 2), a.x = 1;')).toHaveLength(2);
    expect(await messages(ID, "INSERT INTO k VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 1, a = 2;\nMERGE INTO k USING j ON k.id = j.id WHEN MATCHED THEN UPDATE SET a = 1, a = 2;")).toEqual([
      'Column "a" is assigned more than once: Postgres refuses the statement ("multiple assignments to same column "a"").',
      'Column "a" is assigned more than once: Postgres refuses the statement ("multiple assignments to same column "a"").',
    ]);
    expect(await messages(ID, 'WITH u AS (UPDATE k SET a = 1, a = 2 RETURNING 1) SELECT * FROM u;')).toHaveLength(1);
  });

  it('flags columns listed or defined twice', async () => {
    expect(await messages(ID, 'INSERT INTO t (a, a) VALUES (1, 2);\nMERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (a, a) VALUES (1, 2);')).toEqual([
      'Column "a" is listed more than once: Postgres refuses the statement ("column "a" specified more than once").',
      'Column "a" is listed more than once: Postgres refuses the statement ("column "a" specified more than once").',
    ]);
    expect(await messages(ID, 'CREATE TABLE t (a int, a text);\nCREATE FOREIGN TABLE f (a int, a text) SERVER s;\nCREATE TYPE ct AS (a int, a text);\nCREATE TYPE ok AS (a int, b text);')).toEqual([
      'Column "a" is defined more than once: Postgres refuses the statement ("column "a" specified more than once").',
      'Column "a" is defined more than once: Postgres refuses the statement ("column "a" specified more than once").',
      'Column "a" is defined more than once: Postgres refuses the statement ("column "a" specified more than once").',
    ]);
  });

  it('names the output columns of views, CREATE TABLE AS and SELECT INTO as Postgres does', async () => {
    expect(await messages(ID, 'CREATE VIEW v AS SELECT 1, 2;')).toEqual([
      'Column "?column?" is defined more than once (the name Postgres gives an expression it cannot name: give each its own with AS): Postgres refuses the statement ("column "?column?" specified more than once").',
    ]);
    const flagged = [
      'CREATE VIEW v (a, a) AS SELECT 1, 2;',
      'CREATE VIEW v AS SELECT 1 AS a, 2 AS a;',
      'CREATE VIEW v AS SELECT 1::int, 2::int;',
      'CREATE VIEW v AS SELECT t.a, u.a FROM t, u;',
      'CREATE VIEW v AS SELECT count(*), count(a) FROM t;',
      'CREATE VIEW v AS SELECT (SELECT max(a) FROM t), max(b) FROM u;',
      'CREATE VIEW v AS SELECT CASE WHEN true THEN 1 END, CASE WHEN false THEN 2 END;',
      'CREATE VIEW v (a) AS SELECT 1, 2 AS b, 3 AS b;',
      'CREATE VIEW v AS SELECT 1 AS a, 2 AS a UNION SELECT 3 AS b, 4 AS c;',
      'CREATE TABLE t AS SELECT 1, 2;',
      'CREATE TABLE t (a, a) AS SELECT 1, 2;',
      'CREATE MATERIALIZED VIEW m AS SELECT now(), now();',
      'SELECT 1 AS a, 2 AS a INTO z;',
    ];
    for (const sql of flagged) expect(await messages(ID, sql), sql).toHaveLength(1);
  });

  it('accepts distinct and partial assignments, names a column list replaces, and case that differs', async () => {
    const sql = [
      'UPDATE k SET a = 1, b = 2;',
      'UPDATE k SET a.x = 1, a.y = 2;',
      'UPDATE k SET a[1] = 1, a[2] = 2;',
      'UPDATE k SET "A" = 1, A = 2;',
      'INSERT INTO k (a.x, a.y) VALUES (1, 2);',
      'CREATE VIEW v (a, b) AS SELECT 1 AS a, 2 AS a;',
      'CREATE VIEW w AS SELECT 1 AS a, 2 AS b;',
      'CREATE VIEW x AS SELECT *, t.* FROM t;',
      'CREATE VIEW y (a, b) AS SELECT *, 1 AS a FROM t;',
      'CREATE VIEW z AS SELECT 1::int AS a, 2::text;',
      'CREATE VIEW zz AS SELECT x, y FROM t;',
      'SELECT 1 AS a, 1 AS a;',
      'SELECT 1 a, 2 b INTO z;',
    ].join('\n');
    expect(await messages(ID, sql)).toEqual([]);
  });

  it('folds names as Postgres does', async () => {
    expect(await messages(ID, 'UPDATE k SET a = 1, A = 2;\nUPDATE k SET "a" = 1, a = 2;')).toHaveLength(2);
    const long = 'a'.repeat(63);
    expect(await messages(ID, `UPDATE k SET ${long}x = 1, ${long}y = 2;`)).toHaveLength(1);
  });

  it('checks down sections too: the rollback would fail as well', async () => {
    const history = [{ revision: '20260101000000', up: 'CREATE TABLE t (a int);', down: 'UPDATE t SET a = 1, a = 2;\nDROP TABLE t;' }];
    expect((await lintHistory(ID, history)).map((f) => f.line)).toEqual([8]);
  });
});
