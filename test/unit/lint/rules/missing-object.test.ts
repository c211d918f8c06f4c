import { describe, expect, it } from 'vitest';
import { chain, lint, source } from '../history-support.js';

const ID = 'missing-object';

type Specs = Parameters<typeof chain>[0];

async function messages(specs: Specs): Promise<string[]> {
  return (await lint(chain(specs), { rules: [ID] })).map((f) => f.message);
}

/** Each statement of `statements` alone on top of `base`: the messages it gets. */
async function eachOn(base: Specs, statements: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const up of statements) out.push(...(await messages([...base, { up }])));
  return out;
}

const FIRST = 'migrations/20260101000000_change.sql, revision 20260101000000';
const SECOND = 'migrations/20260101000100_change.sql, revision 20260101000100';

describe(ID, () => {
  it('reports a DROP of each kind of object an earlier migration dropped, naming that migration', async () => {
    const create = `CREATE SCHEMA app;
CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE VIEW active_users AS SELECT id FROM users;
CREATE MATERIALIZED VIEW user_count AS SELECT count(*) AS n FROM users;
CREATE INDEX users_email_idx ON users (email);
CREATE SEQUENCE ticket_seq;
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE DOMAIN email_address AS text;`;
    const drop = `DROP INDEX users_email_idx;
DROP VIEW active_users;
DROP MATERIALIZED VIEW user_count;
DROP TABLE users;
DROP SEQUENCE ticket_seq;
DROP TYPE mood;
DROP DOMAIN email_address;
DROP SCHEMA app;`;
    expect(await messages([{ up: create }, { up: drop }, { up: drop }])).toEqual([
      `index public.users_email_idx does not exist at this point of the history (dropped by ${SECOND})`,
      `view public.active_users does not exist at this point of the history (dropped by ${SECOND})`,
      `materialized view public.user_count does not exist at this point of the history (dropped by ${SECOND})`,
      `table public.users does not exist at this point of the history (dropped by ${SECOND})`,
      `sequence public.ticket_seq does not exist at this point of the history (dropped by ${SECOND})`,
      `type public.mood does not exist at this point of the history (dropped by ${SECOND})`,
      `domain public.email_address does not exist at this point of the history (dropped by ${SECOND})`,
      `schema app does not exist at this point of the history (dropped by ${SECOND})`,
    ]);
  });

  it('pins the message, help and fix of a second DROP TABLE', async () => {
    const findings = await lint(chain([{ up: 'CREATE TABLE legacy_sessions (id int);' }, { up: 'DROP TABLE legacy_sessions;' }, { up: 'DROP TABLE legacy_sessions;' }]), { rules: [ID] });
    expect(findings).toEqual([
      expect.objectContaining({
        rule: ID,
        severity: 'error',
        file: 'migrations/20260101000200_change.sql',
        line: 6,
        message: `table public.legacy_sessions does not exist at this point of the history (dropped by ${SECOND})`,
        help: expect.stringContaining('relation ... does not exist'),
        fix: { description: `Remove the duplicate DROP TABLE (dropped by ${SECOND}); write DROP TABLE IF EXISTS only if databases built another way may still have it` },
      }),
    ]);
  });

  it('reports ALTER, RENAME, SET SCHEMA, COMMENT and CREATE INDEX ON an object that is gone', async () => {
    const base: Specs = [{ up: "CREATE SCHEMA archive;\nCREATE TABLE t (id int, a int);\nCREATE SEQUENCE s;\nCREATE TYPE mood AS ENUM ('a');\nCREATE INDEX t_a ON t (a);" }, { up: 'DROP TABLE t;\nDROP SEQUENCE s;\nDROP TYPE mood;' }];
    expect(
      await eachOn(base, [
        'ALTER TABLE t ADD COLUMN b int;',
        'ALTER TABLE t RENAME TO u;',
        'ALTER TABLE t SET SCHEMA archive;',
        "COMMENT ON TABLE t IS 'x';",
        "COMMENT ON COLUMN t.a IS 'x';",
        'CREATE INDEX t_id ON t (id);',
        'ALTER SEQUENCE s RESTART;',
        "ALTER TYPE mood ADD VALUE 'b';",
        'ALTER INDEX t_a RENAME TO t_a2;',
      ]),
    ).toEqual([
      `table public.t does not exist at this point of the history (dropped by ${SECOND})`,
      `table public.t does not exist at this point of the history (dropped by ${SECOND})`,
      `table public.t does not exist at this point of the history (dropped by ${SECOND})`,
      `table public.t does not exist at this point of the history (dropped by ${SECOND})`,
      `table public.t does not exist at this point of the history (dropped by ${SECOND})`,
      `table public.t does not exist at this point of the history (dropped by ${SECOND})`,
      `sequence public.s does not exist at this point of the history (dropped by ${SECOND})`,
      `type public.mood does not exist at this point of the history (dropped by ${SECOND})`,
      `index public.t_a does not exist at this point of the history (dropped with table public.t by ${SECOND})`,
    ]);
  });

  it('names the new name of an object renamed or moved away, and the fix uses it', async () => {
    const findings = await lint(chain([{ up: 'CREATE SCHEMA archive;\nCREATE TABLE people (id int);\nCREATE TABLE jobs (id int);' }, { up: 'ALTER TABLE people RENAME TO persons;\nALTER TABLE jobs SET SCHEMA archive;' }, { up: 'ALTER TABLE people ADD COLUMN x int;\nDROP TABLE public.jobs;' }]), { rules: [ID] });
    expect(findings.map((f) => [f.message, f.fix?.description])).toEqual([
      [`table public.people does not exist at this point of the history (renamed to public.persons by ${SECOND})`, `Use its current name, public.persons (renamed to public.persons by ${SECOND})`],
      [`table public.jobs does not exist at this point of the history (moved to archive.jobs by ${SECOND})`, `Use its current name, archive.jobs (moved to archive.jobs by ${SECOND})`],
    ]);
  });

  it('reports a column dropped or renamed earlier, and one its table was created without', async () => {
    const base: Specs = [{ up: 'CREATE TABLE users (id bigint PRIMARY KEY, email text, nick text);' }, { up: 'ALTER TABLE users DROP COLUMN email;\nALTER TABLE users RENAME COLUMN nick TO nickname;' }];
    expect(
      await eachOn(base, [
        'ALTER TABLE users DROP COLUMN email;',
        'ALTER TABLE users ALTER COLUMN nick SET NOT NULL;',
        'ALTER TABLE users RENAME COLUMN nick TO handle;',
        'ALTER TABLE users ALTER COLUMN phone TYPE text;',
        'CREATE INDEX users_phone ON users (phone);',
        // Added and used by one statement, or added by IF NOT EXISTS: fine.
        'ALTER TABLE users ADD COLUMN phone text, ALTER COLUMN phone SET NOT NULL;',
        'ALTER TABLE users DROP COLUMN IF EXISTS email;',
      ]),
    ).toEqual([
      `column public.users.email does not exist at this point of the history (dropped by ${SECOND})`,
      `column public.users.nick does not exist at this point of the history (renamed to nickname by ${SECOND})`,
      `column public.users.nick does not exist at this point of the history (renamed to nickname by ${SECOND})`,
      `column public.users.phone does not exist at this point of the history (table public.users was created without it by ${FIRST})`,
      `column public.users.phone does not exist at this point of the history (table public.users was created without it by ${FIRST})`,
    ]);
  });

  it('reports an index that went with a column it read (an expression, a WHERE clause, INCLUDE)', async () => {
    const base: Specs = [
      { up: 'CREATE TABLE users (id bigint PRIMARY KEY, email text, deleted_at timestamptz);\nCREATE INDEX users_email_lower ON users (lower(email));\nCREATE INDEX users_live ON users (id) WHERE deleted_at IS NULL;' },
      { up: 'ALTER TABLE users DROP COLUMN email;\nALTER TABLE users DROP COLUMN deleted_at;' },
    ];
    expect(await eachOn(base, ['DROP INDEX users_email_lower;', 'ALTER INDEX users_live RENAME TO users_active;'])).toEqual([
      `index public.users_email_lower does not exist at this point of the history (dropped with column public.users.email by ${SECOND})`,
      `index public.users_live does not exist at this point of the history (dropped with column public.users.deleted_at by ${SECOND})`,
    ]);
  });

  it('reports an object of a dropped schema, and a second DROP after DROP ... IF EXISTS', async () => {
    expect(await messages([{ up: 'CREATE SCHEMA app;\nCREATE TABLE app.t (id int);' }, { up: 'DROP SCHEMA app CASCADE;' }, { up: 'DROP TABLE app.t;\nDROP TABLE app.other;' }])).toEqual([
      `table app.t does not exist at this point of the history (dropped with schema app by ${SECOND})`,
      `table app.other does not exist at this point of the history (schema app was dropped by ${SECOND})`,
    ]);
    // A table the history never showed: after DROP ... IF EXISTS (or DROP) it is certainly gone.
    expect(await messages([{ up: 'DROP TABLE IF EXISTS legacy;' }, { up: 'DROP TABLE legacy;' }])).toEqual([`table public.legacy does not exist at this point of the history (dropped by ${FIRST})`]);
  });

  it('in a down section, says whether up dropped the object', async () => {
    expect(
      await messages([
        { up: 'CREATE TABLE a (id int, x int);\nCREATE TABLE b (id int);' },
        { up: 'DROP TABLE b;' },
        { up: 'DROP TABLE a;', down: 'DROP TABLE a;\nDROP TABLE b;' },
        { up: 'CREATE TABLE c (id int);', down: 'ALTER TABLE c DROP COLUMN x;\nDROP TABLE c;' },
      ]),
    ).toEqual([
      'down drops table public.a, which does not exist after up (up drops it)',
      `down drops table public.b, which does not exist after up (dropped by ${SECOND}; up does not create it)`,
      'down drops column public.c.x, which does not exist after up (table public.c was created without it by up; up does not create it)',
    ]);
  });

  it('does not report objects the history never mentions: they may have been there before the first migration', async () => {
    expect(await messages([{ up: 'ALTER TABLE legacy ADD COLUMN x int;\nDROP INDEX legacy_idx;\nALTER TABLE legacy DROP COLUMN y;\nDROP TYPE old_enum;\nDROP SCHEMA old;' }])).toEqual([]);
    // A column of a table the history did not create, dropped twice: the second one is certain.
    expect(await messages([{ up: 'ALTER TABLE legacy DROP COLUMN y;' }, { up: 'ALTER TABLE legacy DROP COLUMN y;' }])).toEqual([]);
  });

  it('accepts IF EXISTS, and a use after the object was created again', async () => {
    expect(
      await messages([
        { up: 'CREATE TABLE t (id int, a int);\nCREATE INDEX t_a ON t (a);' },
        { up: 'DROP TABLE t;' },
        { up: 'DROP TABLE IF EXISTS t;\nDROP INDEX IF EXISTS t_a;\nALTER TABLE IF EXISTS t ADD COLUMN b int;\nALTER TABLE IF EXISTS t RENAME TO u;\nCREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN a int;\nDROP TABLE t;' },
      ]),
    ).toEqual([]);
  });

  it('stays quiet when something the model cannot see may have created the object again', async () => {
    const base: Specs = [{ up: 'CREATE TABLE t (id int);\nCREATE TABLE u (id int);' }, { up: 'DROP TABLE t;\nDROP TABLE u;' }];
    for (const unseen of [
      'DO $$ BEGIN CREATE TABLE u (id int); EXCEPTION WHEN duplicate_table THEN NULL; END $$;',
      "DO $$ BEGIN EXECUTE format('CREATE TABLE %I (id int)', 'x'); END $$;",
      'SELECT recreate_tables();',
      'CREATE TABLE log AS SELECT recreate_tables();',
      'CALL recreate_tables();',
      'CREATE EXTENSION some_extension;',
      'IMPORT FOREIGN SCHEMA remote FROM SERVER s INTO public;',
      'CREATE FOREIGN TABLE u (id int) SERVER s;',
      'SELECT * INTO u FROM generate_series(1, 2);',
      'CREATE SCHEMA x CREATE TABLE u (id int);',
      'CREATE TABLE (;',
    ]) {
      expect(await messages([...base, { up: unseen }, { up: 'ALTER TABLE u ADD COLUMN x int;' }]), unseen).toEqual([]);
    }
    // CREATE SCHEMA AUTHORIZATION creates the schema named after the role.
    expect(await messages([{ up: 'CREATE SCHEMA joe;' }, { up: 'DROP SCHEMA joe;' }, { up: 'CREATE SCHEMA AUTHORIZATION joe;' }, { up: 'DROP SCHEMA joe;' }])).toEqual([]);
    expect(await messages([{ up: 'CREATE SCHEMA joe;' }, { up: 'DROP SCHEMA joe;' }, { up: 'DROP SCHEMA joe;' }])).toHaveLength(1);
    // A DO block touches only what its body names.
    expect(await messages([...base, { up: "DO $$ BEGIN RAISE NOTICE 'v'; CREATE TABLE IF NOT EXISTS t (id int); END $$;" }, { up: 'ALTER TABLE u ADD COLUMN x int;' }])).toEqual([
      `table public.u does not exist at this point of the history (dropped by ${SECOND})`,
    ]);
  });

  it('stays quiet about a name Postgres may have generated for a table a DO block names', async () => {
    const base: Specs = [{ up: 'CREATE TABLE t (a int);\nCREATE INDEX t_a_idx ON t (a);\nCREATE INDEX t_a_key ON t (a);' }, { up: 'DROP INDEX t_a_idx;\nDROP INDEX t_a_key;' }];
    for (const unseen of ['DO $$ BEGIN CREATE INDEX ON t (a); END $$;', 'DO $$ BEGIN ALTER TABLE t ADD UNIQUE (a); END $$;']) {
      expect(await messages([...base, { up: unseen }, { up: 'DROP INDEX t_a_idx;\nALTER INDEX t_a_key RENAME TO t_a_unique;' }]), unseen).toEqual([]);
    }
    // One that names another table does not.
    expect(await messages([...base, { up: 'DO $$ BEGIN CREATE INDEX ON u (a); END $$;' }, { up: 'DROP INDEX t_a_idx;' }])).toHaveLength(1);
  });

  it('stays quiet where a script failed to build its SQL', async () => {
    const specs = chain([{ up: 'CREATE TABLE t (id int);' }, { up: 'DROP TABLE t;' }]);
    const script = { path: 'migrations/20260101000200_script.js', text: 'exports.up = (pgm) => { throw new Error("cannot build") };\n' };
    const after = source({ revision: '20260101000300', revises: '20260101000200', up: 'ALTER TABLE t ADD COLUMN x int;' });
    expect((await lint([...specs, script, after], { rules: [ID] })).map((f) => f.message)).toEqual([]);
    expect((await lint([...specs, after], { rules: [ID] })).map((f) => f.message)).toHaveLength(1);
  });

  it('stays quiet about views, inheriting tables and schema contents a drop without CASCADE would have refused to take', async () => {
    expect(
      await messages([
        { up: 'CREATE SCHEMA app;\nCREATE TABLE app.t (id int);\nCREATE TABLE parent (id int);\nCREATE VIEW v AS SELECT id FROM parent;\nCREATE TABLE heir (x int) INHERITS (parent);' },
        { up: 'DROP TABLE parent;\nDROP SCHEMA app;' },
        { up: 'DROP VIEW v;\nDROP TABLE heir;\nDROP TABLE app.t;' },
      ]),
    ).toEqual([]);
    // With CASCADE they are gone; partitions go with their table in any case.
    expect(
      await messages([
        { up: 'CREATE TABLE parent (id int);\nCREATE VIEW v AS SELECT id FROM parent;\nCREATE TABLE p (id int) PARTITION BY RANGE (id);\nCREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);' },
        { up: 'DROP TABLE parent CASCADE;\nDROP TABLE p;' },
        { up: 'DROP VIEW v;\nDROP TABLE p1;' },
      ]),
    ).toEqual([`view public.v does not exist at this point of the history (dropped with table public.parent by ${SECOND})`, `table public.p1 does not exist at this point of the history (dropped with table public.p by ${SECOND})`]);
  });

  it('stays quiet about names Postgres may generate again, and temporary tables', async () => {
    const base: Specs = [{ up: 'CREATE TABLE t (id int, a int);\nCREATE INDEX t_a_idx ON t (a);' }, { up: 'DROP INDEX t_a_idx;' }];
    for (const again of ['CREATE INDEX ON t (a);', 'ALTER TABLE t ADD UNIQUE (a);', 'ALTER TABLE t ADD COLUMN b serial;', 'ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;']) {
      expect(await messages([...base, { up: again }, { up: 'ALTER INDEX t_a_idx RENAME TO t_a_index;' }]), again).toEqual([]);
    }
    expect(await messages([{ up: 'CREATE TABLE t (id int);' }, { up: 'CREATE TEMP TABLE t (id int);\nDROP TABLE t;' }, { up: 'ALTER TABLE t ADD COLUMN x int;' }])).toEqual([]);
    expect(await messages([{ up: 'CREATE TABLE pg_catalog.x (id int);\nDROP TABLE pg_catalog.x;' }, { up: 'DROP TABLE pg_catalog.x;' }])).toEqual([]);
  });

  it('reports a view that went with a sequence it calls nextval() on', async () => {
    expect(await messages([{ up: "CREATE SEQUENCE ticket;\nCREATE VIEW next_ticket AS SELECT nextval('ticket') AS n;" }, { up: 'DROP SEQUENCE ticket CASCADE;' }, { up: 'DROP VIEW next_ticket;' }])).toEqual([
      `view public.next_ticket does not exist at this point of the history (dropped with sequence public.ticket by ${SECOND})`,
    ]);
  });

  it('tells a temporary table from the permanent one it hides: its drop takes only what depends on it', async () => {
    const base: Specs = [{ up: 'CREATE TABLE t (id bigint PRIMARY KEY);\nCREATE VIEW v AS SELECT id FROM t;\nCREATE INDEX t_id ON t (id);' }];
    expect(await messages([...base, { up: 'CREATE TEMP TABLE t (id bigint);\nDROP TABLE t CASCADE;\nDROP VIEW v;\nDROP INDEX t_id;' }])).toEqual([]);
    // The second DROP takes the permanent table, and the third finds nothing.
    expect(await messages([...base, { up: 'CREATE TEMP TABLE t (id bigint);\nDROP TABLE t CASCADE;\nDROP TABLE t CASCADE;\nDROP VIEW v;' }])).toEqual([
      'view public.v does not exist at this point of the history (dropped with table public.t by an earlier statement of this migration)',
    ]);
  });

  it('leaves unqualified names alone where the search path may not be public, and tells quoted names apart', async () => {
    const base: Specs = [{ up: 'CREATE TABLE t (id int);' }, { up: 'DROP TABLE t;' }];
    expect(await messages([...base, { up: 'SET search_path = app, public;\nDROP TABLE t;' }])).toEqual([]);
    expect(await messages([...base, { up: 'SET search_path = app, public;' }, { up: 'DROP TABLE t;' }])).toEqual([]);
    expect(await messages([...base, { up: 'SET search_path = app, public;' }, { up: 'DROP TABLE public.t;' }])).toHaveLength(1);
    expect(await messages([...base, { up: 'DROP TABLE "T";\nDROP TABLE t;' }])).toEqual([`table public.t does not exist at this point of the history (dropped by ${SECOND})`]);
  });

  it('leaves columns alone where the model does not know them all', async () => {
    expect(
      await messages([
        {
          up: `CREATE TABLE parent (id int, a int) PARTITION BY RANGE (id);
CREATE TABLE part PARTITION OF parent FOR VALUES FROM (0) TO (10);
CREATE TABLE base (id int);
CREATE TABLE heir (b int) INHERITS (base);
CREATE TABLE copy (LIKE external_table);
CREATE TABLE typed OF some_type;
CREATE TABLE snap AS SELECT * FROM base;
CREATE TABLE counted AS SELECT count(*) FROM base;
CREATE TABLE IF NOT EXISTS maybe (id int);`,
        },
        { up: 'ALTER TABLE parent ADD COLUMN z int;\nALTER TABLE base ADD COLUMN z int;' },
        { up: 'ALTER TABLE part DROP COLUMN z;\nALTER TABLE heir DROP COLUMN z;\nALTER TABLE copy DROP COLUMN c;\nALTER TABLE typed DROP COLUMN c;\nALTER TABLE snap DROP COLUMN id;\nALTER TABLE counted DROP COLUMN count;\nALTER TABLE maybe DROP COLUMN c;' },
      ]),
    ).toEqual([]);
    // A DO block that names the table may have added columns to it.
    expect(await messages([{ up: 'CREATE TABLE t (id int);' }, { up: 'DO $$ BEGIN ALTER TABLE t ADD COLUMN x int; END $$;' }, { up: 'ALTER TABLE t DROP COLUMN x;' }])).toEqual([]);
  });

  it('reports a constraint its table no longer has: dropped, renamed, or gone with a column', async () => {
    const base: Specs = [
      { up: 'CREATE TABLE orders (id bigint, total int, note text, CONSTRAINT orders_total_check CHECK (total >= 0), CONSTRAINT orders_note_check CHECK (note <> \'\'));' },
      { up: 'ALTER TABLE orders DROP CONSTRAINT orders_total_check;\nALTER TABLE orders DROP COLUMN note;' },
    ];
    expect(
      await eachOn(base, [
        'ALTER TABLE orders DROP CONSTRAINT orders_total_check;',
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;',
        'ALTER TABLE orders RENAME CONSTRAINT orders_total_check TO orders_total_nonnegative;',
        "COMMENT ON CONSTRAINT orders_total_check ON orders IS 'x';",
        'ALTER TABLE orders DROP CONSTRAINT orders_note_check;',
      ]),
    ).toEqual([
      `constraint orders_total_check of table public.orders does not exist at this point of the history (dropped by ${SECOND})`,
      `constraint orders_total_check of table public.orders does not exist at this point of the history (dropped by ${SECOND})`,
      `constraint orders_total_check of table public.orders does not exist at this point of the history (dropped by ${SECOND})`,
      `constraint orders_total_check of table public.orders does not exist at this point of the history (dropped by ${SECOND})`,
      `constraint orders_note_check of table public.orders does not exist at this point of the history (dropped with column public.orders.note by ${SECOND})`,
    ]);
    const [finding] = await lint(chain([...base, { up: 'ALTER TABLE orders DROP CONSTRAINT orders_total_check;' }]), { rules: [ID] });
    expect(finding!.fix?.description).toBe(`Remove the duplicate DROP CONSTRAINT (dropped by ${SECOND}); write DROP CONSTRAINT IF EXISTS only if databases built another way may still have it`);
    expect(await messages([base[0]!, { up: 'ALTER TABLE orders RENAME CONSTRAINT orders_total_check TO orders_total_nonnegative;' }, { up: 'ALTER TABLE orders DROP CONSTRAINT orders_total_check;' }])).toEqual([
      `constraint orders_total_check of table public.orders does not exist at this point of the history (renamed to orders_total_nonnegative by ${SECOND})`,
    ]);
    // Added again, IF EXISTS, a DO block that names the table, a table the history never created, one never dropped: no finding.
    for (const up of [
      'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0);\nALTER TABLE orders DROP CONSTRAINT orders_total_check;',
      'ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_total_check;',
      'DO $$ BEGIN ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0); END $$;\nALTER TABLE orders DROP CONSTRAINT orders_total_check;',
      'ALTER TABLE legacy DROP CONSTRAINT legacy_check;\nALTER TABLE legacy DROP CONSTRAINT legacy_check;',
      'ALTER TABLE orders DROP CONSTRAINT orders_id_check;',
    ]) {
      expect(await messages([...base, { up }]), up).toEqual([]);
    }
    // A foreign key a DROP TABLE without CASCADE would have kept (the DROP fails instead).
    expect(await messages([{ up: 'CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (a_id int CONSTRAINT b_a_fk REFERENCES a);' }, { up: 'DROP TABLE a;' }, { up: 'ALTER TABLE b DROP CONSTRAINT b_a_fk;' }])).toEqual([]);
    expect(await messages([{ up: 'CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (a_id int CONSTRAINT b_a_fk REFERENCES a);' }, { up: 'DROP TABLE a CASCADE;' }, { up: 'ALTER TABLE b DROP CONSTRAINT b_a_fk;' }])).toEqual([
      `constraint b_a_fk of table public.b does not exist at this point of the history (dropped with table public.a by ${SECOND})`,
    ]);
  });

  it('reports an enum label renamed away, or one the enum was created without', async () => {
    const base: Specs = [{ up: "CREATE TYPE order_state AS ENUM ('new', 'paid');" }, { up: "ALTER TYPE order_state RENAME VALUE 'paid' TO 'settled';" }];
    expect(await eachOn(base, ["ALTER TYPE order_state RENAME VALUE 'paid' TO 'done';", "ALTER TYPE order_state ADD VALUE 'shipped' AFTER 'paid';", "ALTER TYPE order_state ADD VALUE 'shipped' BEFORE 'cancelled';"])).toEqual([
      `label 'paid' of enum public.order_state does not exist at this point of the history (renamed to settled by ${SECOND})`,
      `label 'paid' of enum public.order_state does not exist at this point of the history (renamed to settled by ${SECOND})`,
      `label 'cancelled' of enum public.order_state does not exist at this point of the history (enum public.order_state was created without it by ${FIRST})`,
    ]);
    for (const up of ["ALTER TYPE order_state ADD VALUE IF NOT EXISTS 'x' BEFORE 'cancelled';", "DO $$ BEGIN ALTER TYPE order_state ADD VALUE 'cancelled'; END $$;\nALTER TYPE order_state RENAME VALUE 'cancelled' TO 'void';", "ALTER TYPE legacy_state RENAME VALUE 'a' TO 'b';"]) {
      expect(await messages([...base, { up }]), up).toEqual([]);
    }
  });

  it('reports an extension, function, procedure, trigger or policy the history dropped', async () => {
    const base: Specs = [
      {
        up: `CREATE EXTENSION citext;
CREATE TABLE orders (id bigint, owner text);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'begin return new; end';
CREATE FUNCTION order_total(id bigint) RETURNS numeric LANGUAGE sql AS 'select 1';
CREATE PROCEDURE close_order(id bigint) LANGUAGE sql AS 'select 1';
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE POLICY orders_owner ON orders USING (owner = current_user);`,
      },
      { up: 'DROP EXTENSION citext;\nDROP FUNCTION order_total(int8);\nDROP PROCEDURE close_order(bigint);\nDROP TRIGGER orders_touch ON orders;\nDROP POLICY orders_owner ON orders;' },
    ];
    expect(
      await eachOn(base, [
        'DROP EXTENSION citext;',
        'ALTER EXTENSION citext UPDATE;',
        'DROP FUNCTION order_total(bigint);',
        'ALTER FUNCTION order_total(bigint) STABLE;',
        'DROP ROUTINE close_order(int8);',
        'DROP TRIGGER orders_touch ON orders;',
        'ALTER TABLE orders DISABLE TRIGGER orders_touch;',
        'ALTER POLICY orders_owner ON orders USING (true);',
        'DROP POLICY orders_owner ON orders;',
      ]),
    ).toEqual([
      `extension citext does not exist at this point of the history (dropped by ${SECOND})`,
      `extension citext does not exist at this point of the history (dropped by ${SECOND})`,
      `function public.order_total(int8) does not exist at this point of the history (dropped by ${SECOND})`,
      `function public.order_total(int8) does not exist at this point of the history (dropped by ${SECOND})`,
      `procedure public.close_order(int8) does not exist at this point of the history (dropped by ${SECOND})`,
      `trigger orders_touch of table public.orders does not exist at this point of the history (dropped by ${SECOND})`,
      `trigger orders_touch of table public.orders does not exist at this point of the history (dropped by ${SECOND})`,
      `policy orders_owner of table public.orders does not exist at this point of the history (dropped by ${SECOND})`,
      `policy orders_owner of table public.orders does not exist at this point of the history (dropped by ${SECOND})`,
    ]);
    // A rename away names the new name; the table gone is the finding, not its members.
    expect(await messages([base[0]!, { up: 'ALTER FUNCTION order_total(bigint) RENAME TO order_sum;\nALTER TRIGGER orders_touch ON orders RENAME TO orders_touched;' }, { up: 'DROP FUNCTION order_total(bigint);\nDROP TRIGGER orders_touch ON orders;' }])).toEqual([
      `function public.order_total(int8) does not exist at this point of the history (renamed to public.order_sum(int8) by ${SECOND})`,
      `trigger orders_touch of table public.orders does not exist at this point of the history (renamed to orders_touched by ${SECOND})`,
    ]);
    expect(await messages([base[0]!, { up: 'DROP TABLE orders;' }, { up: 'DROP TRIGGER orders_touch ON orders;' }])).toEqual([`table public.orders does not exist at this point of the history (dropped by ${SECOND})`]);
    // Quiet: IF EXISTS, created again (CREATE EXTENSION may create others), without argument types, a built-in's name, a search path that may not be public.
    for (const up of [
      'DROP EXTENSION IF EXISTS citext;\nDROP FUNCTION IF EXISTS order_total(bigint);\nDROP TRIGGER IF EXISTS orders_touch ON orders;\nDROP POLICY IF EXISTS orders_owner ON orders;',
      'CREATE EXTENSION hstore CASCADE;\nDROP EXTENSION citext;',
      "CREATE FUNCTION order_total(id bigint) RETURNS numeric LANGUAGE sql AS 'select 2';\nDROP FUNCTION order_total(bigint);",
      'DROP FUNCTION order_total;',
      'SET search_path = billing, public;\nDROP FUNCTION order_total(bigint);',
    ]) {
      expect(await messages([...base, { up }]), up).toEqual([]);
    }
    expect(await messages([{ up: "CREATE FUNCTION lower(t text) RETURNS text LANGUAGE sql AS 'select t';" }, { up: 'DROP FUNCTION public.lower(text);' }, { up: 'ALTER FUNCTION lower(text) STABLE;\nDROP FUNCTION public.lower(text);' }])).toEqual([
      `function public.lower(text) does not exist at this point of the history (dropped by ${SECOND})`,
    ]);
  });

  it('leaves the name of a temporary relation an earlier migration may have left alone', async () => {
    const base: Specs = [{ up: 'CREATE TABLE t (id int);' }, { up: 'CREATE TEMP TABLE t (x int);' }];
    // DROP TABLE t drops the temporary table in the same session, the permanent one in a later run.
    expect(await messages([...base, { up: 'DROP TABLE t;' }, { up: 'DROP TABLE t;' }])).toEqual([]);
    expect(await messages([...base, { up: 'DROP TABLE t;' }, { up: 'DROP TABLE public.t;' }])).toEqual([]);
    // After DISCARD TEMP there is none.
    expect(await messages([...base, { up: 'DISCARD TEMP;\nDROP TABLE t;' }, { up: 'DROP TABLE t;' }])).toEqual([
      'table public.t does not exist at this point of the history (dropped by migrations/20260101000200_change.sql, revision 20260101000200)',
    ]);
  });

  it('does not report a foreign key to a missing table (fk-target-exists does)', async () => {
    expect(await messages([{ up: 'CREATE TABLE t (id int PRIMARY KEY);' }, { up: 'DROP TABLE t;' }, { up: 'CREATE TABLE u (t_id int REFERENCES t);\nALTER TABLE u ADD FOREIGN KEY (t_id) REFERENCES t;' }])).toEqual([]);
  });
});
