/**
 * What create-existing-object and missing-object report about constraints, enum labels, extensions,
 * routines, triggers, policies, composite types and names one statement gives twice, Postgres
 * refuses: each case's history runs on a real server, whose last statement fails with the error the
 * finding speaks of, and lint (set to the server's version) reports that statement.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintSources } from '../../../src/lint/engine.js';
import { ruleById } from '../../../src/lint/registry.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { createTestDatabase } from '../../support/db.js';
import { sqlMigration } from '../../support/project.js';

interface Case {
  name: string;
  rule: 'create-existing-object' | 'missing-object';
  /** The migrations before the one that fails. */
  before: string[];
  /** The last migration: Postgres refuses it. */
  last: string;
  error: RegExp;
  /** The first PostgreSQL version that refuses it (older ones accept it, and lint set to them says nothing). */
  since?: number;
}

const ORDERS = `CREATE TABLE accounts (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint, total int, account_id bigint, owner text, CONSTRAINT orders_total_check CHECK (total >= 0));
ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts;
ALTER TABLE orders ADD CONSTRAINT orders_id_key UNIQUE (id);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'begin return new; end';
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE POLICY orders_owner ON orders USING (owner = current_user);
CREATE POLICY orders_admin ON orders USING (true);`;
const ROUTINES = `CREATE SCHEMA billing;
CREATE FUNCTION order_total(id bigint, currency varchar(3)) RETURNS numeric LANGUAGE sql AS 'select 1';
CREATE FUNCTION billing.order_total(id bigint, currency varchar) RETURNS numeric LANGUAGE sql AS 'select 1';
CREATE FUNCTION order_sum(id bigint, currency varchar) RETURNS numeric LANGUAGE sql AS 'select 1';
CREATE PROCEDURE close_order(id integer) LANGUAGE sql AS 'select 1';`;
const TYPES = "CREATE SCHEMA archive;\nCREATE SEQUENCE archive.pair;\nCREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);\nCREATE SEQUENCE ticket;\nCREATE TYPE pair AS (a int, b int);\nCREATE TYPE order_state AS ENUM ('new', 'paid');";

const DUPLICATE_CONSTRAINT = /constraint "\w+" for relation "\w+" already exists/;
const CASES: Case[] = [
  // Constraints: a name is unique per table, whatever the kinds.
  { name: 'a second CHECK of a name', rule: 'create-existing-object', before: [ORDERS], last: 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0);', error: DUPLICATE_CONSTRAINT },
  { name: 'a second FOREIGN KEY of a name', rule: 'create-existing-object', before: [ORDERS], last: 'ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts NOT VALID;', error: DUPLICATE_CONSTRAINT },
  { name: 'a UNIQUE constraint of a CHECK constraint\'s name', rule: 'create-existing-object', before: [ORDERS], last: 'ALTER TABLE orders ADD CONSTRAINT orders_total_check UNIQUE (total);', error: DUPLICATE_CONSTRAINT },
  { name: 'an EXCLUDE constraint of a foreign key\'s name', rule: 'create-existing-object', before: [ORDERS], last: 'ALTER TABLE orders ADD CONSTRAINT orders_account_fk EXCLUDE USING btree (id WITH =);', error: DUPLICATE_CONSTRAINT },
  { name: 'a CHECK of a UNIQUE constraint\'s name', rule: 'create-existing-object', before: [ORDERS], last: 'ALTER TABLE orders ADD CONSTRAINT orders_id_key CHECK (id > 0);', error: DUPLICATE_CONSTRAINT },
  { name: 'ADD COLUMN with a taken constraint name', rule: 'create-existing-object', before: [ORDERS], last: "ALTER TABLE orders ADD COLUMN note text CONSTRAINT orders_total_check CHECK (note <> '');", error: DUPLICATE_CONSTRAINT },
  { name: 'a constraint of a renamed table', rule: 'create-existing-object', before: [ORDERS, 'ALTER TABLE orders RENAME TO purchases;'], last: 'ALTER TABLE purchases ADD CONSTRAINT orders_total_check CHECK (total > 0);', error: DUPLICATE_CONSTRAINT },
  { name: 'RENAME CONSTRAINT to a taken name', rule: 'create-existing-object', before: [ORDERS], last: 'ALTER TABLE orders RENAME CONSTRAINT orders_account_fk TO orders_total_check;', error: DUPLICATE_CONSTRAINT },
  { name: 'a constraint index renamed to a taken constraint name', rule: 'create-existing-object', before: [ORDERS], last: 'ALTER INDEX orders_id_key RENAME TO orders_account_fk;', error: DUPLICATE_CONSTRAINT },
  { name: 'a CHECK of a named NOT NULL constraint\'s name', rule: 'create-existing-object', before: ['CREATE TABLE t (id int CONSTRAINT t_id_present NOT NULL);'], last: 'ALTER TABLE t ADD CONSTRAINT t_id_present CHECK (id > 0);', error: DUPLICATE_CONSTRAINT, since: 18 },
  // Enum labels.
  { name: 'ADD VALUE of a label CREATE TYPE gave', rule: 'create-existing-object', before: [TYPES], last: "ALTER TYPE order_state ADD VALUE 'paid';", error: /enum label "paid" already exists/ },
  { name: 'ADD VALUE of a label ADD VALUE gave', rule: 'create-existing-object', before: [TYPES, "ALTER TYPE order_state ADD VALUE 'shipped';"], last: "ALTER TYPE order_state ADD VALUE 'shipped';", error: /enum label "shipped" already exists/ },
  { name: 'RENAME VALUE to a taken label', rule: 'create-existing-object', before: [TYPES], last: "ALTER TYPE order_state RENAME VALUE 'new' TO 'paid';", error: /enum label "paid" already exists/ },
  // Extensions, routines, triggers, policies.
  { name: 'CREATE EXTENSION of an installed extension', rule: 'create-existing-object', before: ['CREATE EXTENSION citext;'], last: 'CREATE EXTENSION citext;', error: /extension "citext" already exists/ },
  { name: 'CREATE FUNCTION of the same input types written another way', rule: 'create-existing-object', before: [ROUTINES], last: "CREATE FUNCTION order_total(order_id int8, currency character varying(10), OUT total numeric) LANGUAGE sql AS 'select 1';", error: /function "order_total" already exists with same argument types/ },
  { name: 'CREATE FUNCTION of a procedure\'s name and types', rule: 'create-existing-object', before: [ROUTINES], last: "CREATE FUNCTION close_order(id int) RETURNS void LANGUAGE sql AS 'select';", error: /function "close_order" already exists with same argument types/ },
  { name: 'ALTER FUNCTION ... RENAME onto an overload', rule: 'create-existing-object', before: [ROUTINES], last: 'ALTER FUNCTION order_sum(bigint, varchar) RENAME TO order_total;', error: /function order_total\(bigint, character varying\) already exists in schema "public"/ },
  { name: 'ALTER FUNCTION ... SET SCHEMA onto an overload', rule: 'create-existing-object', before: [ROUTINES], last: 'ALTER FUNCTION order_total(bigint, varchar) SET SCHEMA billing;', error: /function order_total\(bigint, character varying\) already exists in schema "billing"/ },
  { name: 'a second CREATE TRIGGER of a name', rule: 'create-existing-object', before: [ORDERS], last: 'CREATE TRIGGER orders_touch BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION touch();', error: /trigger "orders_touch" for relation "orders" already exists/ },
  { name: 'ALTER TRIGGER ... RENAME to a taken name', rule: 'create-existing-object', before: [ORDERS], last: 'ALTER TRIGGER orders_audit ON orders RENAME TO orders_touch;', error: /trigger "orders_touch" for relation "orders" already exists/ },
  { name: 'a second CREATE POLICY of a name', rule: 'create-existing-object', before: [ORDERS], last: 'CREATE POLICY orders_owner ON orders FOR SELECT USING (true);', error: /policy "orders_owner" for table "orders" already exists/ },
  { name: 'ALTER POLICY ... RENAME to a taken name', rule: 'create-existing-object', before: [ORDERS], last: 'ALTER POLICY orders_admin ON orders RENAME TO orders_owner;', error: /policy "orders_owner" for table "orders" already exists/ },
  // A composite type is a relation: its name clashes with an index's or a sequence's.
  { name: 'a composite type of a sequence\'s name', rule: 'create-existing-object', before: [TYPES], last: 'CREATE TYPE ticket AS (a int);', error: /relation "ticket" already exists/ },
  { name: 'a composite type of an index\'s name', rule: 'create-existing-object', before: [TYPES], last: 'CREATE TYPE t_id AS (a int);', error: /relation "t_id" already exists/ },
  { name: 'a composite type renamed to a sequence\'s name', rule: 'create-existing-object', before: [TYPES], last: 'ALTER TYPE pair RENAME TO ticket;', error: /relation "ticket" already exists/ },
  { name: 'a composite type moved onto a sequence\'s name', rule: 'create-existing-object', before: [TYPES], last: 'ALTER TYPE pair SET SCHEMA archive;', error: /relation "pair" already exists in schema "archive"/ },
  // A name one statement gives twice.
  { name: 'ADD COLUMN twice in one ALTER TABLE', rule: 'create-existing-object', before: [ORDERS], last: 'ALTER TABLE orders ADD COLUMN note text, ADD COLUMN note text;', error: /column "note" of relation "orders" already exists/ },
  { name: 'ADD COLUMN after ADD COLUMN IF NOT EXISTS of the name', rule: 'create-existing-object', before: [ORDERS], last: 'ALTER TABLE orders ADD COLUMN IF NOT EXISTS note text, ADD COLUMN note int;', error: /column "note" of relation "orders" already exists/ },
  { name: 'two CHECK constraints of a name in one ALTER TABLE', rule: 'create-existing-object', before: [ORDERS], last: 'ALTER TABLE orders ADD CONSTRAINT orders_positive CHECK (total > 0), ADD CONSTRAINT orders_positive CHECK (total > 1);', error: DUPLICATE_CONSTRAINT },
  { name: 'a UNIQUE and a CHECK constraint of a name in one ALTER TABLE', rule: 'create-existing-object', before: [ORDERS], last: 'ALTER TABLE orders ADD CONSTRAINT orders_one UNIQUE (owner), ADD CONSTRAINT orders_one CHECK (total > 0);', error: DUPLICATE_CONSTRAINT },
  { name: 'two UNIQUE constraints of a name in one ALTER TABLE', rule: 'create-existing-object', before: [ORDERS], last: 'ALTER TABLE orders ADD CONSTRAINT orders_one UNIQUE (owner), ADD CONSTRAINT orders_one UNIQUE (total);', error: /relation "orders_one" already exists/ },
  { name: 'a column\'s constraint and ADD CONSTRAINT of a name', rule: 'create-existing-object', before: [ORDERS], last: "ALTER TABLE orders ADD COLUMN note text CONSTRAINT orders_note_check CHECK (note <> ''), ADD CONSTRAINT orders_note_check CHECK (total > 0);", error: DUPLICATE_CONSTRAINT },
  { name: 'two constraints of a name after a DROP CONSTRAINT of it', rule: 'create-existing-object', before: [ORDERS], last: 'ALTER TABLE orders DROP CONSTRAINT orders_total_check, ADD CONSTRAINT orders_total_check CHECK (total > 0), ADD CONSTRAINT orders_total_check CHECK (total > 1);', error: DUPLICATE_CONSTRAINT },
  { name: 'two CHECK constraints of a name in one CREATE TABLE', rule: 'create-existing-object', before: [], last: 'CREATE TABLE items (a int CONSTRAINT items_check CHECK (a > 0), b int, CONSTRAINT items_check CHECK (b > 0));', error: /check constraint "items_check" already exists/ },
  { name: 'a UNIQUE and a CHECK constraint of a name in one CREATE TABLE', rule: 'create-existing-object', before: [], last: 'CREATE TABLE items (a int CONSTRAINT items_key UNIQUE, b int CONSTRAINT items_key CHECK (b > 0));', error: /constraint "items_key" for relation "items" already exists/ },
  { name: 'two UNIQUE constraints of a name in one CREATE TABLE', rule: 'create-existing-object', before: [], last: 'CREATE TABLE items (a int CONSTRAINT items_key UNIQUE, b int CONSTRAINT items_key UNIQUE);', error: /relation "items_key" already exists/ },
  { name: 'an enum label given twice', rule: 'create-existing-object', before: [], last: "CREATE TYPE order_state AS ENUM ('new', 'paid', 'new');", error: /duplicate key value violates unique constraint "pg_enum_typid_label_index"/ },
  // What the history dropped.
  { name: 'DROP CONSTRAINT of a dropped constraint', rule: 'missing-object', before: [ORDERS, 'ALTER TABLE orders DROP CONSTRAINT orders_total_check;'], last: 'ALTER TABLE orders DROP CONSTRAINT orders_total_check;', error: /constraint "orders_total_check" of relation "orders" does not exist/ },
  { name: 'VALIDATE CONSTRAINT of a renamed constraint', rule: 'missing-object', before: [ORDERS, 'ALTER TABLE orders RENAME CONSTRAINT orders_account_fk TO orders_account_ref;'], last: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_account_fk;', error: /constraint "orders_account_fk" of relation "orders" does not exist/ },
  { name: 'DROP CONSTRAINT of a constraint its column took', rule: 'missing-object', before: [ORDERS, 'ALTER TABLE orders DROP COLUMN total;'], last: 'ALTER TABLE orders DROP CONSTRAINT orders_total_check;', error: /constraint "orders_total_check" of relation "orders" does not exist/ },
  { name: 'RENAME VALUE of a renamed label', rule: 'missing-object', before: [TYPES, "ALTER TYPE order_state RENAME VALUE 'paid' TO 'settled';"], last: "ALTER TYPE order_state RENAME VALUE 'paid' TO 'done';", error: /"paid" is not an existing enum label/ },
  { name: 'ADD VALUE BEFORE a label the enum never had', rule: 'missing-object', before: [TYPES], last: "ALTER TYPE order_state ADD VALUE 'shipped' BEFORE 'cancelled';", error: /"cancelled" is not an existing enum label/ },
  { name: 'DROP EXTENSION of a dropped extension', rule: 'missing-object', before: ['CREATE EXTENSION citext;', 'DROP EXTENSION citext;'], last: 'DROP EXTENSION citext;', error: /extension "citext" does not exist/ },
  { name: 'DROP FUNCTION of a dropped function', rule: 'missing-object', before: [ROUTINES, 'DROP FUNCTION order_total(bigint, varchar);'], last: 'DROP FUNCTION order_total(int8, character varying(3));', error: /function order_total\(bigint, character varying\) does not exist/ },
  { name: 'DROP TRIGGER of a dropped trigger', rule: 'missing-object', before: [ORDERS, 'DROP TRIGGER orders_touch ON orders;'], last: 'DROP TRIGGER orders_touch ON orders;', error: /trigger "orders_touch" for table "orders" does not exist/ },
  { name: 'ALTER POLICY of a dropped policy', rule: 'missing-object', before: [ORDERS, 'DROP POLICY orders_owner ON orders;'], last: 'ALTER POLICY orders_owner ON orders USING (true);', error: /policy "orders_owner" for table "orders" does not exist/ },
];

const revision = (i: number) => `202601010${String(i).padStart(5, '0')}`;

/** The findings of a case's rule for its history, with lint.postgresVersion `version`. */
async function findings(c: Case, version: number): Promise<string[]> {
  const ups = [...c.before, c.last];
  const sources = ups.map((up, i) => ({ path: `migrations/${revision(i)}_m.sql`, text: sqlMigration(revision(i), i > 0 ? revision(i - 1) : undefined, up) }));
  const report = await lintSources(sources, { root: '/project', rules: [ruleById(c.rule)!], config: { postgresVersion: version } });
  return report.findings.map((f) => `${f.file === sources[sources.length - 1]!.path ? 'last' : f.file}: ${f.message}`);
}

describe('duplicate and missing objects on a real Postgres', () => {
  let db: DatabaseHandle;
  let client: pg.Client;
  /** The server's major version: lint is set to it. */
  let version: number;
  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    version = Math.floor(Number((await client.query('SHOW server_version_num')).rows[0].server_version_num) / 10000);
  });
  afterAll(async () => {
    await client?.end();
    await db?.close();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: Postgres refuses it, and lint reports it', async (_name, c) => {
    const refused = c.since === undefined || version >= c.since;
    await client.query('BEGIN');
    try {
      for (const sql of c.before) await client.query(sql);
      if (refused) await expect(client.query(c.last)).rejects.toThrow(c.error);
      else await client.query(c.last);
    } finally {
      await client.query('ROLLBACK');
    }
    const found = await findings(c, version);
    expect(found).toHaveLength(refused ? 1 : 0);
    if (refused) expect(found[0]).toMatch(/^last: /);
  });

  it('reports nothing on the same histories without the failing statement', async () => {
    for (const c of CASES) expect(await findings({ ...c, last: 'SELECT 1;' }, version), c.name).toEqual([]);
  });

  it('accepts a name given twice where Postgres skips the second or generates the names, and lint says nothing', async () => {
    const accepted = [
      'ALTER TABLE orders ADD COLUMN note text, ADD COLUMN IF NOT EXISTS note text;',
      'ALTER TABLE orders ADD COLUMN IF NOT EXISTS note text, ADD COLUMN IF NOT EXISTS note text;',
      "ALTER TABLE orders ADD COLUMN IF NOT EXISTS owner text CONSTRAINT orders_owner_check CHECK (owner <> ''), ADD CONSTRAINT orders_owner_check CHECK (total > 0);",
      'ALTER TABLE IF EXISTS missing ADD COLUMN a int, ADD COLUMN a int;',
      'ALTER TABLE orders ADD CHECK (total > 0), ADD CHECK (total > 0);',
      "CREATE TYPE order_state AS ENUM ('new', 'New');",
    ];
    for (const last of accepted) {
      await client.query('BEGIN');
      try {
        await client.query(ORDERS);
        await client.query(last);
      } finally {
        await client.query('ROLLBACK');
      }
      expect(await findings({ name: last, rule: 'create-existing-object', before: [ORDERS], last, error: /./ }, version), last).toEqual([]);
    }
  });

  it('keeps a temporary table for the session: a later migration of the same run sees it, one of a later run does not', async () => {
    const later = new pg.Client({ connectionString: db.url });
    await later.connect();
    try {
      await client.query('CREATE TEMP TABLE scratch (id int)');
      await expect(client.query('CREATE TEMP TABLE scratch (id int)')).rejects.toThrow(/relation "scratch" already exists/);
      await later.query('CREATE TEMP TABLE scratch (id int)');
    } finally {
      await later.end();
      await client.query('DROP TABLE IF EXISTS pg_temp.scratch');
    }
    // So lint reports neither, and takes DROP TABLE of the name as either relation's.
    const c: Case = { name: 'temp', rule: 'create-existing-object', before: ['CREATE TABLE t (id int);', 'CREATE TEMP TABLE scratch (id int);\nCREATE TEMP TABLE t (id int);', 'CREATE TEMP TABLE scratch (id int);\nDROP TABLE t;'], last: 'CREATE TABLE t (id int);', error: /./ };
    expect(await findings(c, version)).toEqual([]);
    expect(await findings({ ...c, rule: 'missing-object', last: 'DROP TABLE public.t;' }, version)).toEqual([]);
  });
});
