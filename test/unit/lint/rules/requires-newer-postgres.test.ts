import { describe, expect, it } from 'vitest';
import { lintHistory, lintRule, messages } from './support.js';

const ID = 'requires-newer-postgres';

/** [version that introduced it, the feature as the message names it, SQL using it and nothing newer]. */
const CASES: ReadonlyArray<[number, string, string]> = [
  [18, 'A virtual generated column (GENERATED ALWAYS AS (...) without STORED, or VIRTUAL)', 'CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) VIRTUAL);'],
  [18, 'A virtual generated column (GENERATED ALWAYS AS (...) without STORED, or VIRTUAL)', 'ALTER TABLE t ADD COLUMN b int GENERATED ALWAYS AS (a * 2);'],
  [18, 'A NOT ENFORCED constraint', 'CREATE TABLE t (a int CHECK (a > 0) NOT ENFORCED);'],
  [18, 'A NOT ENFORCED constraint', 'ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT ENFORCED;'],
  [18, 'A NOT ENFORCED constraint', 'ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id) NOT ENFORCED;'],
  [18, 'The ENFORCED constraint attribute', 'CREATE TABLE t (a int REFERENCES u (id) ENFORCED);'],
  [18, 'WITHOUT OVERLAPS in a primary key or unique constraint', 'CREATE TABLE t (id int, during tstzrange, PRIMARY KEY (id, during WITHOUT OVERLAPS));'],
  [18, 'PERIOD in a foreign key', 'ALTER TABLE t ADD FOREIGN KEY (id, PERIOD during) REFERENCES u (id, PERIOD during);'],
  [18, 'A NOT NULL table constraint (CONSTRAINT name NOT NULL column)', 'ALTER TABLE t ADD CONSTRAINT t_a_not_null NOT NULL a;'],
  [18, 'NOT NULL ... NO INHERIT', 'CREATE TABLE t (a int NOT NULL NO INHERIT);'],
  [18, 'ALTER CONSTRAINT ... ENFORCED / NOT ENFORCED', 'ALTER TABLE t ALTER CONSTRAINT t_a_fkey NOT ENFORCED;'],
  [18, 'ALTER CONSTRAINT ... INHERIT / NO INHERIT', 'ALTER TABLE t ALTER CONSTRAINT t_a_not_null NO INHERIT;'],
  [18, 'OLD / NEW in RETURNING', 'UPDATE t SET a = a + 1 RETURNING old.a, new.a;'],
  [18, 'OLD / NEW in RETURNING', 'DELETE FROM t RETURNING WITH (OLD AS o) o.a;'],
  [18, 'OLD / NEW in RETURNING', 'WITH moved AS (INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = 2 RETURNING old.a) SELECT * FROM moved;'],
  [18, 'The function uuidv7()', 'CREATE TABLE t (id uuid PRIMARY KEY DEFAULT uuidv7());'],
  [18, 'The function uuidv4()', 'SELECT pg_catalog.uuidv4();'],
  [18, 'The function casefold()', "SELECT casefold('Straße');"],
  [18, 'The function array_sort()', 'SELECT array_sort(ARRAY[2, 1]);'],
  [18, 'The function array_reverse()', 'SELECT array_reverse(ARRAY[2, 1]);'],
  [17, 'MERGE ... RETURNING', 'MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE RETURNING t.id;'],
  [17, 'WHEN NOT MATCHED BY SOURCE in MERGE', 'MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED BY SOURCE THEN DELETE;'],
  [17, 'JSON_TABLE()', "CREATE VIEW v AS SELECT * FROM JSON_TABLE('[]'::jsonb, '$[*]' COLUMNS (a int PATH '$.a')) AS jt;"],
  [17, 'JSON_EXISTS()', "SELECT JSON_EXISTS(doc, '$.a') FROM t;"],
  [17, 'JSON_QUERY()', "SELECT JSON_QUERY(doc, '$.a') FROM t;"],
  [17, 'JSON_VALUE()', "SELECT JSON_VALUE(doc, '$.a') FROM t;"],
  [17, 'JSON() with WITH UNIQUE KEYS or FORMAT JSON', "SELECT JSON('{}' WITH UNIQUE KEYS);"],
  [17, 'JSON() with WITH UNIQUE KEYS or FORMAT JSON', "SELECT JSON(body FORMAT JSON) FROM t;"],
  [17, 'JSON_SCALAR()', 'SELECT JSON_SCALAR(1);'],
  [17, 'JSON_SERIALIZE()', "SELECT JSON_SERIALIZE('{}'::json);"],
  [17, 'ALTER COLUMN ... SET EXPRESSION', 'ALTER TABLE t ALTER COLUMN b SET EXPRESSION AS (a * 3);'],
  [17, 'The MAINTAIN privilege', 'GRANT MAINTAIN ON t TO app;'],
  [17, 'The MAINTAIN privilege', 'ALTER DEFAULT PRIVILEGES GRANT MAINTAIN ON TABLES TO app;'],
  [17, 'The function uuid_extract_timestamp()', 'SELECT uuid_extract_timestamp(id) FROM t;'],
  [17, 'The function uuid_extract_version()', 'SELECT uuid_extract_version(id) FROM t;'],
  [17, 'The function to_bin()', 'SELECT to_bin(5);'],
  [17, 'The function to_oct()', 'SELECT to_oct(8);'],
  [17, 'The function random(min, max)', 'SELECT random(1, 6);'],
  [16, 'JSON_ARRAY()', 'SELECT JSON_ARRAY(1, 2);'],
  [16, 'JSON_ARRAY(query)', 'SELECT JSON_ARRAY(SELECT a FROM t);'],
  [16, 'JSON_OBJECT(key: value)', "SELECT JSON_OBJECT('a': 1);"],
  [16, 'JSON_ARRAYAGG()', 'SELECT JSON_ARRAYAGG(a) FROM t;'],
  [16, 'JSON_OBJECTAGG()', 'SELECT JSON_OBJECTAGG(k: v) FROM t;'],
  [16, 'IS JSON', 'ALTER TABLE t ADD CONSTRAINT t_doc_json CHECK (doc IS JSON OBJECT) NOT VALID;'],
  [16, 'The INHERIT / SET option of a role membership (GRANT role TO role WITH INHERIT ..., SET ...)', 'GRANT readers TO app WITH INHERIT FALSE;'],
  [16, 'The INHERIT / SET option of a role membership (GRANT role TO role WITH INHERIT ..., SET ...)', 'REVOKE SET OPTION FOR readers FROM app;'],
  [16, 'The function any_value()', 'SELECT any_value(a) FROM t;'],
  [16, 'The function array_sample()', 'SELECT array_sample(ARRAY[1, 2, 3], 2);'],
  [16, 'The function array_shuffle()', 'SELECT array_shuffle(ARRAY[1, 2, 3]);'],
  [16, 'The function random_normal()', 'SELECT random_normal();'],
  [15, 'MERGE', 'MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.a);'],
  [15, 'UNIQUE NULLS NOT DISTINCT', 'ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE NULLS NOT DISTINCT (a);'],
  [15, 'UNIQUE NULLS NOT DISTINCT', 'CREATE UNIQUE INDEX t_a_key ON t (a) NULLS NOT DISTINCT;'],
  [15, 'ON DELETE SET NULL / SET DEFAULT with a column list', 'CREATE TABLE t (tenant int, parent int, FOREIGN KEY (tenant, parent) REFERENCES u ON DELETE SET NULL (parent));'],
  [15, 'GRANT ... ON PARAMETER', 'GRANT SET ON PARAMETER work_mem TO app;'],
  [14, 'CREATE OR REPLACE TRIGGER', 'CREATE OR REPLACE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();'],
  [14, 'DETACH PARTITION ... CONCURRENTLY', 'ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY;'],
  [14, 'DETACH PARTITION ... FINALIZE', 'ALTER TABLE events DETACH PARTITION events_2020 FINALIZE;'],
  [14, 'A SQL-standard function body (BEGIN ATOMIC ... END, or RETURN expression)', 'CREATE FUNCTION one() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;'],
  [14, 'A SQL-standard function body (BEGIN ATOMIC ... END, or RETURN expression)', 'CREATE FUNCTION one() RETURNS int LANGUAGE sql RETURN 1;'],
  [14, 'A column COMPRESSION method', 'CREATE TABLE t (body text COMPRESSION pglz);'],
  [14, 'ALTER COLUMN ... SET COMPRESSION', 'ALTER TABLE t ALTER COLUMN body SET COMPRESSION pglz;'],
  [14, 'SEARCH / CYCLE in a recursive query', 'WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SEARCH DEPTH FIRST BY n SET ord SELECT * FROM r;'],
  [14, 'SEARCH / CYCLE in a recursive query', 'WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) CYCLE n SET looped USING path SELECT * FROM r;'],
  [14, 'The function date_bin()', "SELECT date_bin('15 minutes', now(), '2000-01-01');"],
  [14, 'The function string_to_table()', "SELECT string_to_table('a,b', ',');"],
  [14, 'The function trim_array()', 'SELECT trim_array(ARRAY[1, 2], 1);'],
  [13, 'ALTER COLUMN ... DROP EXPRESSION', 'ALTER TABLE t ALTER COLUMN b DROP EXPRESSION;'],
  [13, 'FETCH FIRST ... WITH TIES', 'SELECT * FROM t ORDER BY a FETCH FIRST 3 ROWS WITH TIES;'],
  [12, 'A stored generated column (GENERATED ALWAYS AS (...) STORED)', 'CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED);'],
  [12, 'REINDEX ... CONCURRENTLY', 'REINDEX INDEX CONCURRENTLY t_a_idx;'],
  [12, 'REINDEX ... CONCURRENTLY', 'REINDEX (CONCURRENTLY) TABLE t;'],
  [12, 'A table access method (CREATE TABLE ... USING)', 'CREATE TABLE t (a int) USING heap;'],
  [12, 'A table access method (CREATE MATERIALIZED VIEW ... USING)', 'CREATE MATERIALIZED VIEW m USING heap AS SELECT 1 AS a;'],
  [11, 'CREATE PROCEDURE', "CREATE PROCEDURE tidy() LANGUAGE sql AS 'DELETE FROM t';"],
  [11, 'CALL', 'CALL tidy();'],
  [11, 'An index with INCLUDE columns', 'CREATE INDEX t_a_idx ON t (a) INCLUDE (b);'],
  [11, 'A primary key or unique constraint with INCLUDE columns', 'CREATE TABLE t (a int, b int, PRIMARY KEY (a) INCLUDE (b));'],
  [11, 'PARTITION BY HASH', 'CREATE TABLE events (id bigint) PARTITION BY HASH (id);'],
  [11, 'A hash partition (FOR VALUES WITH (MODULUS ..., REMAINDER ...))', 'CREATE TABLE events_0 PARTITION OF events FOR VALUES WITH (MODULUS 2, REMAINDER 0);'],
  [11, 'A hash partition (FOR VALUES WITH (MODULUS ..., REMAINDER ...))', 'ALTER TABLE events ATTACH PARTITION events_1 FOR VALUES WITH (MODULUS 2, REMAINDER 1);'],
  [11, 'A DEFAULT partition', 'CREATE TABLE events_other PARTITION OF events DEFAULT;'],
  [11, 'A DEFAULT partition', 'ALTER TABLE events ATTACH PARTITION events_other DEFAULT;'],
];

describe(ID, () => {
  it.each(CASES)('PostgreSQL %i: %s, reported below that version only', async (since, feature, sql) => {
    const below = since - 1;
    expect(await messages(ID, sql, { postgresVersion: below }), sql).toEqual([`${feature} needs PostgreSQL ${since} or later; lint.postgresVersion is ${below}, where this statement fails.`]);
    expect(await messages(ID, sql, { postgresVersion: since }), sql).toEqual([]);
  });

  it('says what to do and points at the node, with the rewrite the target version allows', async () => {
    const sql = 'CREATE TABLE invoices (\n  total numeric,\n  total_with_tax numeric GENERATED ALWAYS AS (total * 1.2) VIRTUAL\n);';
    const [finding, ...rest] = await lintRule(ID, sql, { postgresVersion: 15 });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      rule: ID,
      severity: 'error',
      line: 3,
      column: 26,
      message: 'A virtual generated column (GENERATED ALWAYS AS (...) without STORED, or VIRTUAL) needs PostgreSQL 18 or later; lint.postgresVersion is 15, where this statement fails.',
      help: "Rewrite the statement without it (write GENERATED ALWAYS AS (...) STORED, a stored generated column), or raise lint.postgresVersion to 18 if every server these migrations run on (each environment, CI, developers' databases) has PostgreSQL 18 or later.",
    });
    // A stored generated column needs 12: no such advice for 11.
    const [on11] = await lintRule(ID, sql, { postgresVersion: 11 });
    expect(on11!.help).toBe("Rewrite the statement without it, or raise lint.postgresVersion to 18 if every server these migrations run on (each environment, CI, developers' databases) has PostgreSQL 18 or later.");
  });

  it('reports each use, and every feature a statement needs, oldest first', async () => {
    const sql = 'MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED BY SOURCE THEN DELETE RETURNING merge_action();\nCREATE TABLE u (a int, b int GENERATED ALWAYS AS (a) STORED, c int GENERATED ALWAYS AS (a));';
    const summary = async (version: number) => (await lintRule(ID, sql, { postgresVersion: version })).map((f) => `${f.line}:${f.column} ${f.message.slice(0, f.message.indexOf(' needs'))}`);
    expect(await summary(11)).toEqual([
      '1:1 MERGE',
      '1:1 MERGE ... RETURNING',
      '1:1 WHEN NOT MATCHED BY SOURCE in MERGE',
      '2:30 A stored generated column (GENERATED ALWAYS AS (...) STORED)',
      '2:68 A virtual generated column (GENERATED ALWAYS AS (...) without STORED, or VIRTUAL)',
    ]);
    expect(await summary(16)).toEqual([
      '1:1 MERGE ... RETURNING',
      '1:1 WHEN NOT MATCHED BY SOURCE in MERGE',
      '2:68 A virtual generated column (GENERATED ALWAYS AS (...) without STORED, or VIRTUAL)',
    ]);
  });

  it('has nothing to say from PostgreSQL 18 on', async () => {
    for (const version of [18, 19]) {
      for (const [, , sql] of CASES) expect(await messages(ID, sql, { postgresVersion: version }), sql).toEqual([]);
    }
  });

  it('takes SQL that only looks like a newer feature for what it is', async () => {
    const older = [
      // A table called old: old.a is its column, as before 18.
      'UPDATE old SET a = 1 RETURNING old.a;',
      'UPDATE t AS new SET a = 1 FROM s AS old WHERE s.id = t.id RETURNING new.a, old.a;',
      // A rule's actions have OLD and NEW of their own.
      'CREATE RULE t_log AS ON UPDATE TO t DO ALSO INSERT INTO t_log (a) VALUES (new.a) RETURNING new.a;',
      // The old json_object(text[]) function, the ADMIN option, a role called maintain.
      "SELECT json_object('{a,1}'), json_object('{a}', '{1}');",
      // JSON(x) without options: a cast to json, written as a call of the type's name.
      "CREATE TABLE t (doc json DEFAULT json('{}'));\nCREATE VIEW v AS SELECT json(raw) AS doc FROM t;",
      'GRANT readers TO app WITH ADMIN OPTION;',
      'GRANT maintain TO app;',
      // random() without arguments, a function of another schema, a function body in a string.
      'SELECT random(), util.uuidv7();',
      "CREATE FUNCTION new_id() RETURNS uuid LANGUAGE plpgsql AS $$ BEGIN RETURN uuidv7(); END $$;",
      // Explicit STORED and constraints without ENFORCED/NOT ENFORCED, NOT VALID.
      'ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT VALID;',
      'ALTER TABLE t ADD CONSTRAINT t_u_fkey FOREIGN KEY (u) REFERENCES u (id) NOT VALID;',
      'CREATE TABLE t (a int NOT NULL, b int CONSTRAINT t_b_not_null NOT NULL, UNIQUE (a));',
      'ALTER TABLE t ALTER CONSTRAINT t_u_fkey DEFERRABLE INITIALLY DEFERRED;',
      'ALTER TABLE events DETACH PARTITION events_2020;',
      'CREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM (2020) TO (2021);',
      'REINDEX (VERBOSE) TABLE t;',
      'SELECT * FROM t ORDER BY a FETCH FIRST 3 ROWS ONLY;',
    ];
    for (const sql of older) expect(await messages(ID, sql, { postgresVersion: 10 }), sql).toEqual([]);
  });

  it("calls a bare function name the history's own function, pg_catalog's only when qualified", async () => {
    const own = "CREATE FUNCTION util.uuidv7() RETURNS uuid LANGUAGE sql AS 'SELECT gen_random_uuid()';";
    const uses = 'CREATE TABLE tokens (id uuid PRIMARY KEY DEFAULT uuidv7(), other uuid DEFAULT pg_catalog.uuidv7());';
    const findings = await lintHistory(ID, [{ revision: '20260101000000', up: own }, { revision: '20260102000000', up: uses }], { postgresVersion: 16 });
    expect(findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`)).toEqual([
      'migrations/20260102000000_test.sql:6:79 The function uuidv7() needs PostgreSQL 18 or later; lint.postgresVersion is 16, where this statement fails.',
    ]);
  });

  it('counts aggregates, functions a DO block spells out, and extensions that do not come with PostgreSQL as possibly the database\'s own', async () => {
    const uses = 'CREATE TABLE t (id uuid DEFAULT uuidv7(), g int, v text);\nCREATE VIEW firsts AS SELECT g, any_value(v) AS v FROM t GROUP BY g;';
    const on15 = async (before: string) => {
      const findings = await lintHistory(ID, [{ revision: '20260101000000', up: before }, { revision: '20260102000000', up: uses }], { postgresVersion: 15 });
      return findings.map((f) => f.message.replace(/ needs .*/, ''));
    };
    const aggregate = 'CREATE FUNCTION first_agg(anyelement, anyelement) RETURNS anyelement LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT $1 $$;\nCREATE AGGREGATE any_value(anyelement) (SFUNC = first_agg, STYPE = anyelement);';
    expect(await on15(aggregate)).toEqual(['The function uuidv7()']);
    expect(await on15(`${aggregate}\nDROP AGGREGATE any_value(anyelement);`)).toEqual(['The function uuidv7()', 'The function any_value()']);
    // Dynamic SQL that spells the name (a DO block that only names it is bounded by its words anyway).
    expect(await on15("DO $$ BEGIN EXECUTE 'CREATE FUNCTION uuidv7() RETURNS uuid LANGUAGE sql AS ''SELECT gen_random_uuid()'''; END $$;")).toEqual(['The function any_value()']);
    expect(await on15("DO $$ BEGIN EXECUTE format('CREATE FUNCTION %I() RETURNS int LANGUAGE sql AS %L', 'f', 'SELECT 1'); END $$;")).toEqual(['The function uuidv7()', 'The function any_value()']);
    // An extension from elsewhere may define anything; PostgreSQL's own extensions define none of these.
    expect(await on15('CREATE EXTENSION IF NOT EXISTS pg_uuidv7;')).toEqual([]);
    expect(await on15('CREATE EXTENSION pg_uuidv7;\nDROP EXTENSION pg_uuidv7;')).toEqual(['The function uuidv7()', 'The function any_value()']);
    expect(await on15('CREATE EXTENSION pgcrypto;\nCREATE EXTENSION "uuid-ossp";')).toEqual(['The function uuidv7()', 'The function any_value()']);
  });

  it('says how to keep a bare call of a function the database has of its own, which lint cannot see', async () => {
    const [finding] = await lintRule(ID, 'CREATE TABLE t (id uuid DEFAULT uuidv7());', { postgresVersion: 15 });
    expect(finding!.help).toContain('If the database has a function uuidv7() of its own that lint cannot see (created before the first migration, or by SQL built at run time), a call without pg_catalog. means that one: say so on the statement with -- pgwarden-ignore requires-newer-postgres <reason>.');
  });

  it('checks down sections too', async () => {
    const findings = await lintHistory(ID, [{ revision: '20260101000000', up: 'CREATE TABLE t (a int);', down: 'MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DELETE;' }], { postgresVersion: 14 });
    expect(findings.map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual(['8:1 MERGE needs PostgreSQL 15 or later; lint.postgresVersion is 14, where this statement fails.']);
  });
});
