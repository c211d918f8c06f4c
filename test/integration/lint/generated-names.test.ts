/**
 * The names lint's model gives unnamed constraints, indexes and serial sequences are the ones
 * Postgres gives them: the same SQL runs on a real server, and the catalog says what it chose.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/db.js';
import { modelOf } from '../../unit/lint/model/support.js';

const SQL = `
CREATE TABLE t (a int, b int, c int, d int UNIQUE, CHECK (a <> b), CHECK (a > 0 AND a < 10), CHECK (t IS NOT NULL));
CREATE UNIQUE INDEX ON t (a);
CREATE INDEX ON t (a) INCLUDE (b);
CREATE INDEX ON t (a, a);
CREATE INDEX ON t (lower(a::text), (coalesce(b, c)), (b + c));
ALTER TABLE t ADD UNIQUE (b) INCLUDE (c);
ALTER TABLE t ADD UNIQUE (b, d);
ALTER TABLE t ADD CHECK (true);
ALTER TABLE t ADD CHECK (b > c);
ALTER TABLE t ADD EXCLUDE USING btree (c WITH =, lower(a::text) WITH =);
CREATE TABLE u (x int REFERENCES t (d), y int, FOREIGN KEY (y, x) REFERENCES t (b, d));
ALTER TABLE t RENAME TO t_old;
CREATE TABLE t (a int CHECK (a > 0), d int UNIQUE, CHECK (a < d));
CREATE TABLE w_y_key (id int);
CREATE TABLE w_x_seq (id int);
CREATE INDEX w_y_idx ON w_y_key (id);
CREATE TABLE w (x serial PRIMARY KEY, y int UNIQUE);
CREATE INDEX ON w (y);
CREATE UNIQUE INDEX w_y_uq ON w (y);
ALTER TABLE w ADD CONSTRAINT w_y_uq UNIQUE USING INDEX w_y_uq;
CREATE UNIQUE INDEX w_x_y ON w (x, y);
ALTER TABLE w ADD UNIQUE USING INDEX w_x_y;
`;

/** `table: name` of each constraint, index and sequence, in a stable order. */
function sorted(lines: string[]): string[] {
  return [...lines].sort();
}

describe('generated names', () => {
  it('names unnamed constraints, indexes and serial sequences as Postgres does', async () => {
    const db = await createTestDatabase();
    const client = new pg.Client({ connectionString: db.url });
    let constraints: string[];
    let indexes: string[];
    let sequences: string[];
    try {
      await client.connect();
      await client.query(SQL);
      // Not-null constraints (PostgreSQL 18 records them) are not the model's.
      constraints = (await client.query(`SELECT conrelid::regclass::text || ': ' || conname AS line FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype <> 'n' AND conrelid <> 0`)).rows.map((r) => r.line);
      indexes = (await client.query(`SELECT indrelid::regclass::text || ': ' || indexrelid::regclass::text AS line FROM pg_index JOIN pg_class c ON c.oid = indrelid WHERE c.relnamespace = 'public'::regnamespace`)).rows.map((r) => r.line);
      sequences = (await client.query(`SELECT relname AS line FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace`)).rows.map((r) => r.line);
    } finally {
      await client.end();
      await db.close();
    }
    const model = await modelOf(SQL);
    const tables = [...model.tableMap.values()];
    expect(sorted(tables.flatMap((t) => [...t.constraints.keys()].map((c) => `${t.name}: ${c}`)))).toEqual(sorted(constraints));
    expect(sorted(tables.flatMap((t) => [...t.indexes].map((i) => `${t.name}: ${i.slice(i.indexOf('.') + 1)}`)))).toEqual(sorted(indexes));
    expect(sorted([...model.sequences.values()].map((s) => s.qualified.slice(s.qualified.indexOf('.') + 1)))).toEqual(sorted(sequences));
    // The names the earlier model got wrong.
    expect(constraints).toEqual(expect.arrayContaining(['t_old: t_check', 't_old: t_a_check', 't_old: t_check1', 't: t_a_check1', 't: t_check4', 'w: w_y_key1', 'w: w_x_y']));
    expect(indexes).toEqual(expect.arrayContaining(['t_old: t_a_idx', 't_old: t_a_b_idx', 't_old: t_a_a1_idx', 't_old: t_lower_coalesce_expr_idx', 'w: w_y_idx1']));
    expect(sequences).toContain('w_x_seq1');
  });
});
