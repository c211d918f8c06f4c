import { describe, expect, it } from 'vitest';
import { chain, lint } from '../history-support.js';

const ID = 'create-existing-object';

type Specs = Parameters<typeof chain>[0];

async function messages(specs: Specs): Promise<string[]> {
  return (await lint(chain(specs), { rules: [ID] })).map((f) => f.message);
}

/** `line: message` of each finding, for the file of the last migration. */
async function lines(specs: Specs): Promise<string[]> {
  return (await lint(chain(specs), { rules: [ID] })).map((f) => `${f.file.replace(/^migrations\/\d+_/, '')}:${f.line} ${f.message}`);
}

const FIRST = 'migrations/20260101000000_change.sql, revision 20260101000000';

describe(ID, () => {
  it('reports a CREATE of each kind of object an earlier migration created, naming that migration', async () => {
    const first = `CREATE SCHEMA app;
CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE VIEW active_users AS SELECT id FROM users;
CREATE MATERIALIZED VIEW user_count AS SELECT count(*) AS n FROM users;
CREATE INDEX users_email_idx ON users (email);
CREATE SEQUENCE ticket_seq;
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE DOMAIN email_address AS text;
CREATE TYPE pair AS (a int, b int);
CREATE TABLE app.jobs AS SELECT id FROM users;`;
    expect(await messages([{ up: first }, { up: first }])).toEqual([
      `schema app already exists at this point of the history (created by ${FIRST})`,
      `table public.users already exists at this point of the history (created by ${FIRST})`,
      `view public.active_users already exists at this point of the history (created by ${FIRST})`,
      `materialized view public.user_count already exists at this point of the history (created by ${FIRST})`,
      `index public.users_email_idx already exists at this point of the history (created by ${FIRST})`,
      `sequence public.ticket_seq already exists at this point of the history (created by ${FIRST})`,
      `enum public.mood already exists at this point of the history (created by ${FIRST})`,
      `domain public.email_address already exists at this point of the history (created by ${FIRST})`,
      `type public.pair already exists at this point of the history (created by ${FIRST})`,
      `table app.jobs already exists at this point of the history (created by ${FIRST})`,
    ]);
  });

  it('pins the message, help and fix of a duplicate CREATE TABLE', async () => {
    const findings = await lint(chain([{ up: 'CREATE TABLE audit_log (id bigint PRIMARY KEY);' }, { up: 'CREATE TABLE audit_log (id bigint PRIMARY KEY, actor text);' }]), { rules: [ID] });
    expect(findings).toEqual([
      expect.objectContaining({
        rule: ID,
        severity: 'error',
        file: 'migrations/20260101000100_change.sql',
        line: 6,
        message: 'table public.audit_log already exists at this point of the history (created by migrations/20260101000000_change.sql, revision 20260101000000)',
        help: expect.stringContaining('relation ... already exists'),
        fix: {
          description:
            'Remove the duplicate CREATE TABLE (created by migrations/20260101000000_change.sql, revision 20260101000000); write CREATE TABLE IF NOT EXISTS only if both definitions are the same, since it keeps whichever ran first',
        },
      }),
    ]);
  });

  it('reports names that clash across kinds in one namespace: relations, and types with row types', async () => {
    expect(
      await messages([
        { up: 'CREATE TABLE things (id int);\nCREATE TYPE status AS ENUM (\'a\');\nCREATE INDEX things_idx ON things (id);' },
        { up: 'CREATE VIEW things AS SELECT 1 AS x;' },
        { up: 'CREATE TABLE status (id int);' },
        { up: 'CREATE SEQUENCE things_idx;' },
        { up: "CREATE TYPE things AS ENUM ('b');" },
      ]),
    ).toEqual([
      `table public.things already exists at this point of the history (created by ${FIRST})`,
      `enum public.status already exists at this point of the history (created by ${FIRST})`,
      `index public.things_idx already exists at this point of the history (created by ${FIRST})`,
      `table public.things already exists at this point of the history (created by ${FIRST})`,
    ]);
    // An index or a sequence has no row type: a type may have its name.
    expect(await messages([{ up: 'CREATE TABLE t (id int);\nCREATE INDEX t_idx ON t (id);\nCREATE SEQUENCE t_seq;' }, { up: "CREATE TYPE t_idx AS ENUM ('a');\nCREATE TYPE t_seq AS ENUM ('a');" }])).toEqual([]);
  });

  it('reports ADD COLUMN of a column the table has, from its CREATE or a later ADD', async () => {
    expect(
      await lines([
        { up: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);' },
        { up: 'ALTER TABLE users ADD COLUMN nickname text;' },
        { up: 'ALTER TABLE users ADD COLUMN email text;\nALTER TABLE users ADD COLUMN nickname text, ADD COLUMN bio text;' },
      ]),
    ).toEqual([
      `change.sql:6 column public.users.email already exists at this point of the history (created with table public.users by ${FIRST})`,
      'change.sql:7 column public.users.nickname already exists at this point of the history (added by migrations/20260101000100_change.sql, revision 20260101000100)',
    ]);
  });

  it('reports a rename or SET SCHEMA to a name that is taken', async () => {
    const base = { up: 'CREATE SCHEMA archive;\nCREATE TABLE users (id int, email text, mail text);\nCREATE TABLE people (id int);\nCREATE TABLE archive.people (id int);' };
    const found: string[] = [];
    for (const rename of ['ALTER TABLE people RENAME TO users;', 'ALTER TABLE users RENAME COLUMN mail TO email;', 'ALTER TABLE people SET SCHEMA archive;', 'ALTER TABLE people RENAME TO persons;']) found.push(...(await messages([base, { up: rename }])));
    expect(found).toEqual([
      `renames public.people to public.users, but table public.users already exists at this point of the history (created by ${FIRST})`,
      `renames column public.users.mail to public.users.email, but column public.users.email already exists at this point of the history (created with table public.users by ${FIRST})`,
      `renames public.people to archive.people, but table archive.people already exists at this point of the history (created by ${FIRST})`,
    ]);
  });

  it('reports a named primary key, unique or exclusion constraint whose index name is taken', async () => {
    const first = 'CREATE TABLE users (id bigint CONSTRAINT users_pk PRIMARY KEY, email text);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);';
    expect(
      await messages([
        { up: first },
        {
          up: `ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
ALTER TABLE users ADD COLUMN nick text CONSTRAINT users_pk UNIQUE;
CREATE TABLE accounts (id bigint, CONSTRAINT users_email_key PRIMARY KEY (id));`,
        },
      ]),
    ).toEqual([
      `constraint users_email_key gives its index the name public.users_email_key, but index public.users_email_key already exists at this point of the history (created by ${FIRST})`,
      `constraint users_pk gives its index the name public.users_pk, but index public.users_pk already exists at this point of the history (created by ${FIRST})`,
      `constraint users_email_key gives its index the name public.users_email_key, but index public.users_email_key already exists at this point of the history (created by ${FIRST})`,
    ]);
    expect(await messages([{ up: first }, { up: 'SELECT 1;', down: 'ALTER TABLE users ADD CONSTRAINT users_pk UNIQUE (email);' }])).toEqual([
      `constraint users_pk gives its index the name public.users_pk, but index public.users_pk exists after up (created by ${FIRST}; up does not drop it)`,
    ]);
    const [finding] = await lint(chain([{ up: first }, { up: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);' }]), { rules: [ID] });
    expect(finding!.fix?.description).toBe(`Remove the duplicate constraint (created by ${FIRST}), or give this one another name: its index takes the constraint's name, and public.users_email_key is taken`);
    // Dropped first (by the statement itself, or one before), or with its column: free again.
    expect(
      await messages([
        { up: first },
        {
          up: `ALTER TABLE users DROP CONSTRAINT users_pk, ADD CONSTRAINT users_pk PRIMARY KEY (id, email);
ALTER TABLE users DROP CONSTRAINT users_email_key;
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
ALTER TABLE users DROP COLUMN email, ADD COLUMN email text CONSTRAINT users_email_key UNIQUE;`,
        },
      ]),
    ).toEqual([]);
  });

  it('reports a second CREATE within one migration', async () => {
    expect(await messages([{ up: 'CREATE TABLE t (id int);\nCREATE TABLE t (id int);' }])).toEqual(['table public.t already exists at this point of the history (created by an earlier statement of this migration)']);
  });

  it('in a down section, says whether up created the object or left it in place', async () => {
    expect(
      await lines([
        { up: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);' },
        {
          up: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\nCREATE TABLE audit (id int);',
          down: 'ALTER TABLE users ADD COLUMN email text;\nCREATE TABLE audit (id int);\nCREATE TABLE users (id int);',
        },
      ]),
    ).toEqual([
      `change.sql:10 down creates column public.users.email, which still exists after up (created with table public.users by ${FIRST}; up does not drop it)`,
      'change.sql:11 down creates table public.audit, which still exists after up (up creates it)',
      `change.sql:12 down creates table public.users, which still exists after up (created by ${FIRST}; up does not drop it)`,
    ]);
    // A down that recreates what up dropped is right.
    expect(await messages([{ up: 'CREATE TABLE t (id int, x int);' }, { up: 'DROP TABLE t;\nALTER TABLE IF EXISTS u DROP COLUMN x;', down: 'CREATE TABLE t (id int, x int);' }])).toEqual([]);
  });

  it('accepts IF NOT EXISTS, OR REPLACE, and a CREATE after the object was dropped or renamed away', async () => {
    expect(
      await messages([
        { up: 'CREATE SCHEMA app;\nCREATE TABLE t (id int, a int);\nCREATE INDEX t_a ON t (a);\nCREATE VIEW v AS SELECT id FROM t;\nCREATE SEQUENCE s;\nCREATE TABLE old (id int);' },
        {
          up: `CREATE SCHEMA IF NOT EXISTS app;
CREATE TABLE IF NOT EXISTS t (id int);
CREATE INDEX IF NOT EXISTS t_a ON t (a);
CREATE OR REPLACE VIEW v AS SELECT id FROM t;
CREATE SEQUENCE IF NOT EXISTS s;
ALTER TABLE t ADD COLUMN IF NOT EXISTS a int;
ALTER TABLE t DROP COLUMN a, ADD COLUMN a bigint;
ALTER TABLE old RENAME TO older;
CREATE TABLE old (id int);
DROP VIEW v;
CREATE VIEW v AS SELECT 1 AS one;`,
        },
      ]),
    ).toEqual([]);
  });

  it('accepts a CREATE INDEX of an index that went with a column it read: in an expression, a WHERE clause, INCLUDE', async () => {
    const first = `CREATE TABLE users (id bigint PRIMARY KEY, email text, deleted_at timestamptz, name text, nick text);
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
CREATE INDEX users_live ON users (id) WHERE deleted_at IS NULL;
CREATE INDEX users_id_cover ON users (id) INCLUDE (name);
ALTER TABLE users ADD CONSTRAINT users_id_nick UNIQUE (id) INCLUDE (nick);`;
    const again = `CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
CREATE INDEX users_live ON users (id) WHERE deleted_at IS NULL;
CREATE INDEX users_id_cover ON users (id, name);
CREATE INDEX users_id_nick ON users (id, nick);`;
    const drops = 'ALTER TABLE users DROP COLUMN email, DROP COLUMN deleted_at, DROP COLUMN name, DROP COLUMN nick;\nALTER TABLE users ADD COLUMN email text, ADD COLUMN deleted_at timestamptz, ADD COLUMN name text, ADD COLUMN nick text;';
    expect(await messages([{ up: first }, { up: drops }, { up: again }])).toEqual([]);
    // Without the drop, each is still there.
    expect(await messages([{ up: first }, { up: again }])).toHaveLength(4);
    // An index follows its columns' renames.
    expect(await messages([{ up: first }, { up: 'ALTER TABLE users RENAME COLUMN deleted_at TO removed_at;\nALTER TABLE users DROP COLUMN removed_at;' }, { up: again }])).toHaveLength(3);
  });

  it('stays quiet when a DO block that names the object, dynamic SQL or a function called at migration time may have dropped it', async () => {
    const base = { up: 'CREATE TABLE t (id int);\nCREATE TABLE u (id int);' };
    // A DO block is bounded by the names its body mentions.
    expect(await messages([base, { up: "DO $$ BEGIN IF to_regclass('t') IS NOT NULL THEN DROP TABLE t; END IF; END $$;" }, { up: 'CREATE TABLE t (id int);\nCREATE TABLE u (id int);' }])).toEqual([
      `table public.u already exists at this point of the history (created by ${FIRST})`,
    ]);
    for (const unseen of ["DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'u'; END $$;", 'DO $$ BEGIN PERFORM cleanup_tables(); END $$;', 'SELECT cleanup_tables();', 'CALL cleanup();', "DO LANGUAGE plpython3u $$ plpy.execute('DROP TABLE u') $$;"]) {
      expect(await messages([base, { up: unseen }, { up: 'CREATE TABLE u (id int);' }]), unseen).toEqual([]);
    }
    // Built-in functions run no DDL.
    expect(await messages([base, { up: "SELECT setval('x_seq', 10);\nSELECT pg_catalog.set_config('lock_timeout', '1s', false);" }, { up: 'CREATE TABLE u (id int);' }])).toHaveLength(1);
  });

  it('stays quiet when a DO block names what the object goes with: its table or column, what a view reads, a sequence\'s owner', async () => {
    const base = {
      up: `CREATE TYPE mood AS ENUM ('a');
CREATE TABLE legacy (id bigint, b int, m mood);
CREATE INDEX idx_legacy_id ON legacy (id);
CREATE INDEX idx_b ON legacy (b);
CREATE VIEW legacy_ids AS SELECT id FROM legacy;
CREATE SEQUENCE legacy_ticket OWNED BY legacy.id;
CREATE TABLE other (id bigint, b int, m mood);`,
    };
    const again = `CREATE INDEX idx_legacy_id ON other (id);
CREATE VIEW legacy_ids AS SELECT 1 AS id;
CREATE SEQUENCE legacy_ticket;`;
    expect(await messages([base, { up: 'DO $$ BEGIN DROP TABLE legacy CASCADE; END $$;' }, { up: again }])).toEqual([]);
    expect(await messages([base, { up: 'DO $$ BEGIN ALTER TABLE legacy DROP COLUMN b; END $$;' }, { up: 'CREATE INDEX idx_b ON other (b);' }])).toEqual([]);
    expect(await messages([base, { up: 'DO $$ BEGIN DROP TYPE mood CASCADE; END $$;' }, { up: 'ALTER TABLE other ADD COLUMN m text;' }])).toEqual([]);
    // A DO block about something else (even the same column names) leaves them certain.
    expect(await messages([base, { up: 'DO $$ BEGIN UPDATE other SET b = 1 WHERE id = 0; END $$;' }, { up: again }])).toHaveLength(3);
  });

  it('stays quiet after a DROP ... CASCADE of a type or function, DROP OWNED, or a migration that does not parse', async () => {
    const base = { up: 'CREATE TYPE mood AS ENUM (\'a\');\nCREATE TABLE t (id int, m mood);' };
    for (const between of ['DROP TYPE mood CASCADE;', 'DROP FUNCTION f CASCADE;', 'DROP OWNED BY someone;', 'DROP EXTENSION postgis;', 'CREATE TABLE (;']) {
      expect(await messages([base, { up: between }, { up: 'ALTER TABLE t ADD COLUMN m mood;' }]), between).toEqual([]);
    }
  });

  it('leaves names Postgres generates, temporary tables and the system schemas alone', async () => {
    expect(
      await messages([
        { up: 'CREATE TABLE t (id serial PRIMARY KEY, a int UNIQUE);\nCREATE INDEX ON t (a);\nCREATE TEMP TABLE scratch (id int);' },
        { up: 'CREATE SEQUENCE t_id_seq;\nCREATE INDEX t_a_key ON t (a);\nCREATE INDEX t_a_idx ON t (a);\nCREATE TABLE scratch (id int);\nCREATE TEMP TABLE t (id int);' },
      ]),
    ).toEqual([]);
    expect(await messages([{ up: 'CREATE TABLE pg_catalog.x (id int);' }, { up: 'CREATE TABLE pg_catalog.x (id int);' }])).toEqual([]);
  });

  it('accepts a CREATE VIEW of a view that went with a relation it names in a regclass constant', async () => {
    const first = `CREATE SCHEMA app;
CREATE SEQUENCE app."Ticket";
CREATE TABLE audit (id bigint);
CREATE VIEW next_ticket AS SELECT nextval('app."Ticket"') AS n;
CREATE VIEW audit_info AS SELECT 'audit'::regclass AS rel, pg_relation_size('audit') AS size;`;
    const again = 'CREATE VIEW next_ticket AS SELECT 1 AS n;\nCREATE VIEW audit_info AS SELECT 1 AS size;';
    expect(await messages([{ up: first }, { up: 'DROP SEQUENCE app."Ticket" CASCADE;\nDROP TABLE audit CASCADE;' }, { up: again }])).toEqual([]);
    // The view follows the sequence's rename.
    expect(await messages([{ up: first }, { up: 'ALTER SEQUENCE app."Ticket" RENAME TO tickets;\nDROP SEQUENCE app.tickets CASCADE;' }, { up: 'CREATE VIEW next_ticket AS SELECT 1 AS n;' }])).toEqual([]);
    // A string that is not a regclass is no dependency.
    expect(await messages([{ up: `${first}\nCREATE VIEW named AS SELECT 'audit' AS name;` }, { up: 'DROP TABLE audit CASCADE;' }, { up: 'CREATE VIEW named AS SELECT 1 AS one;' }])).toEqual([
      `view public.named already exists at this point of the history (created by ${FIRST})`,
    ]);
  });

  it('moves a materialized view\'s indexes with it, and drops them with it after a rename', async () => {
    const first = 'CREATE SCHEMA archive;\nCREATE TABLE t (id bigint);\nCREATE MATERIALIZED VIEW mv AS SELECT id FROM t;\nCREATE UNIQUE INDEX mv_id ON mv (id);';
    expect(await messages([{ up: first }, { up: 'ALTER MATERIALIZED VIEW mv SET SCHEMA archive;\nCREATE INDEX mv_id ON t (id);' }])).toEqual([]);
    expect(await messages([{ up: first }, { up: 'ALTER MATERIALIZED VIEW mv RENAME TO mv2;\nDROP MATERIALIZED VIEW mv2;\nCREATE INDEX mv_id ON t (id);' }])).toEqual([]);
    expect(await messages([{ up: first }, { up: 'ALTER MATERIALIZED VIEW mv RENAME TO mv2;\nCREATE INDEX mv_id ON t (id);' }])).toEqual([`index public.mv_id already exists at this point of the history (created by ${FIRST})`]);
  });

  it('knows that a view of a temporary table is temporary: it hides a permanent view, and does not take its name', async () => {
    expect(await messages([{ up: 'CREATE TEMP TABLE staging (a int);\nCREATE VIEW staged AS SELECT a FROM staging;' }, { up: 'CREATE VIEW staged AS SELECT 1 AS a;' }])).toEqual([]);
    expect(await messages([{ up: 'CREATE VIEW staged AS SELECT 1 AS a;' }, { up: 'CREATE TEMP TABLE staging (a int);\nCREATE VIEW staged AS SELECT a FROM staging;' }])).toEqual([]);
    expect(await messages([{ up: 'CREATE VIEW staged AS SELECT 1 AS a;' }, { up: 'CREATE TABLE staging (a int);\nCREATE VIEW staged AS SELECT a FROM staging;' }])).toEqual([
      `view public.staged already exists at this point of the history (created by ${FIRST})`,
    ]);
  });

  it('tells quoted names from unquoted ones', async () => {
    expect(await messages([{ up: 'CREATE TABLE "Users" (id int);' }, { up: 'CREATE TABLE users (id int);\nCREATE TABLE "USERS" (id int);' }])).toEqual([]);
    expect(await messages([{ up: 'CREATE TABLE "Users" (id int);' }, { up: 'CREATE TABLE "Users" (id int);' }])).toEqual([`table public.Users already exists at this point of the history (created by ${FIRST})`]);
  });

  it('leaves unqualified names alone where the search path may not be public', async () => {
    const base = { up: 'CREATE SCHEMA app;\nCREATE TABLE t (id int);' };
    expect(await messages([base, { up: 'SET search_path = app;\nCREATE TABLE t (id int);' }])).toEqual([]);
    // A SET lasts for the session: on a fresh database, later migrations run with it too.
    expect(await messages([base, { up: 'SET search_path = app, public;' }, { up: 'CREATE TABLE t (id int);' }])).toEqual([]);
    expect(await messages([base, { up: "SELECT pg_catalog.set_config('search_path', '', false);\nCREATE TABLE t (id int);" }])).toEqual([]);
    expect(await messages([base, { up: 'ALTER ROLE app SET search_path = app;' }, { up: 'CREATE TABLE t (id int);' }])).toEqual([]);
    // Back to public, and qualified names, are certain.
    expect(await messages([base, { up: 'SET search_path = app;' }, { up: 'SET search_path = public;\nCREATE TABLE t (id int);\nCREATE TABLE public.t (id int);' }])).toHaveLength(2);
  });

  it('leaves columns alone where the model does not know them all: inheritance, partitions, LIKE, CREATE TABLE AS *', async () => {
    expect(
      await messages([
        {
          up: `CREATE TABLE parent (id int, a int) PARTITION BY RANGE (id);
CREATE TABLE part PARTITION OF parent FOR VALUES FROM (0) TO (10);
CREATE TABLE base (id int, a int);
CREATE TABLE heir (b int) INHERITS (base);
CREATE TABLE copy (LIKE external_table);
CREATE TABLE snap AS SELECT * FROM base;
CREATE TABLE IF NOT EXISTS maybe (id int, a int);`,
        },
        { up: 'ALTER TABLE parent DROP COLUMN a;\nALTER TABLE base DROP COLUMN a;' },
        { up: 'ALTER TABLE part ADD COLUMN a int;\nALTER TABLE heir ADD COLUMN a int;\nALTER TABLE snap ADD COLUMN id int;\nALTER TABLE maybe ADD COLUMN a int;' },
      ]),
    ).toEqual([]);
  });

  it('reports a named constraint of any kind whose name a constraint of its table has', async () => {
    const first = `CREATE TABLE accounts (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint, total int, account_id bigint, CONSTRAINT orders_total_check CHECK (total >= 0));
ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts;
ALTER TABLE orders ADD CONSTRAINT orders_id_key UNIQUE (id);`;
    expect(
      await lines([
        { up: first },
        {
          up: `ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0);
ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_total_check UNIQUE (total);
ALTER TABLE orders ADD CONSTRAINT orders_id_key CHECK (id > 0);
ALTER TABLE orders ADD COLUMN note text CONSTRAINT orders_account_fk CHECK (note <> '');`,
        },
      ]),
    ).toEqual([
      `change.sql:6 constraint orders_total_check of table public.orders already exists at this point of the history (created by ${FIRST})`,
      `change.sql:7 constraint orders_account_fk of table public.orders already exists at this point of the history (created by ${FIRST})`,
      `change.sql:8 constraint orders_total_check of table public.orders already exists at this point of the history (created by ${FIRST})`,
      `change.sql:9 constraint orders_id_key of table public.orders already exists at this point of the history (created by ${FIRST})`,
      `change.sql:10 constraint orders_account_fk of table public.orders already exists at this point of the history (created by ${FIRST})`,
    ]);
    const [finding] = await lint(chain([{ up: first }, { up: 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0);' }]), { rules: [ID] });
    expect(finding!.fix?.description).toBe(
      `Remove the duplicate constraint (created by ${FIRST}), or give this one another name: a table's constraints need names of their own, and constraint orders_total_check of table public.orders is taken`,
    );
    // It follows its table's rename; a rename of a constraint to a taken name, of its index too.
    expect(
      await messages([
        { up: first },
        { up: 'ALTER TABLE orders RENAME TO purchases;\nALTER TABLE purchases ADD CONSTRAINT orders_total_check CHECK (total > 0);' },
      ]),
    ).toEqual([`constraint orders_total_check of table public.purchases already exists at this point of the history (created by ${FIRST})`]);
    const renames: string[] = [];
    for (const up of ['ALTER TABLE orders RENAME CONSTRAINT orders_account_fk TO orders_total_check;', 'ALTER INDEX orders_id_key RENAME TO orders_account_fk;', 'ALTER TABLE orders RENAME CONSTRAINT orders_id_key TO accounts;']) renames.push(...(await messages([{ up: first }, { up }])));
    expect(renames).toEqual([
      `renames constraint orders_account_fk of table public.orders to orders_total_check, but constraint orders_total_check of table public.orders already exists at this point of the history (created by ${FIRST})`,
      `renames public.orders_id_key to public.orders_account_fk, but constraint orders_account_fk of table public.orders already exists at this point of the history (created by ${FIRST})`,
      `renames constraint orders_id_key of table public.orders to accounts, but table public.accounts already exists at this point of the history (created by ${FIRST})`,
    ]);
  });

  it('accepts a constraint name another table has, or one its table no longer has', async () => {
    const first = `CREATE TABLE accounts (id bigint CONSTRAINT accounts_pk PRIMARY KEY);
CREATE TABLE orders (id bigint, total int, account_id bigint, CONSTRAINT orders_total_check CHECK (total >= 0), CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts);
CREATE TABLE refunds (id bigint, total int);`;
    const again = 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0);';
    const fkAgain = 'ALTER TABLE orders ADD CONSTRAINT orders_account_fk CHECK (account_id > 0);';
    expect(await messages([{ up: first }, { up: 'ALTER TABLE refunds ADD CONSTRAINT orders_total_check CHECK (total >= 0);\nCREATE INDEX orders_total_check ON refunds (total);' }])).toEqual([]);
    for (const between of [
      'ALTER TABLE orders DROP CONSTRAINT orders_total_check;',
      'ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_total_check;',
      'ALTER TABLE orders DROP COLUMN total;\nALTER TABLE orders ADD COLUMN total int;',
      'ALTER TABLE orders RENAME CONSTRAINT orders_total_check TO orders_total_nonnegative;',
      'DROP TABLE orders;\nCREATE TABLE orders (id bigint, total int);',
      // A DO block that names the table may have dropped it; so may a function called at migration time.
      'DO $$ BEGIN ALTER TABLE orders DROP CONSTRAINT orders_total_check; END $$;',
      'SELECT cleanup_constraints();',
    ]) {
      expect(await messages([{ up: first }, { up: between }, { up: again }]), between).toEqual([]);
    }
    expect(await messages([{ up: first }, { up: 'ALTER TABLE orders DROP CONSTRAINT orders_total_check, ADD CONSTRAINT orders_total_check CHECK (total > 0);' }])).toEqual([]);
    // A foreign key goes with the table it references (DROP ... CASCADE) or the column it references.
    for (const between of ['DROP TABLE accounts CASCADE;', 'ALTER TABLE accounts DROP COLUMN id CASCADE;', 'ALTER TABLE orders DROP COLUMN account_id;\nALTER TABLE orders ADD COLUMN account_id bigint;']) {
      expect(await messages([{ up: first }, { up: between }, { up: fkAgain }]), between).toEqual([]);
    }
    // DROP CONSTRAINT ... CASCADE of the key it references may take it (Postgres picks the unique index a foreign key uses).
    expect(await messages([{ up: first }, { up: 'ALTER TABLE accounts DROP CONSTRAINT accounts_pk CASCADE;' }, { up: fkAgain }])).toEqual([]);
    // Without CASCADE those drops fail: the foreign key stays.
    expect(await messages([{ up: first }, { up: 'DROP TABLE accounts;' }, { up: fkAgain }])).toEqual([]);
  });

  it('leaves alone constraint names Postgres generates, a table it cannot be sure of, and names given without NOT NULL before PostgreSQL 18', async () => {
    // t_total_check is the name Postgres gives the unnamed CHECK: the model's guess.
    expect(await messages([{ up: 'CREATE TABLE t (id int, total int CHECK (total > 0));' }, { up: 'ALTER TABLE t ADD CONSTRAINT t_total_check CHECK (total >= 0);' }])).toEqual([]);
    expect(await messages([{ up: 'CREATE TABLE t (id int);\nALTER TABLE t ADD CONSTRAINT c CHECK (id > 0);' }, { up: 'SET search_path = app, public;\nALTER TABLE t ADD CONSTRAINT c CHECK (id > 0);' }])).toEqual([]);
    // CREATE TABLE IF NOT EXISTS of a table the history never showed may leave an older one, without the constraint.
    expect(await messages([{ up: 'CREATE TABLE IF NOT EXISTS t (id int, CONSTRAINT c CHECK (id > 0));' }, { up: 'ALTER TABLE t ADD CONSTRAINT c CHECK (id > 0);' }])).toEqual([]);
    expect(await messages([{ up: 'CREATE TABLE t (id int, CONSTRAINT c CHECK (id > 0));' }, { up: 'ALTER TABLE t ADD CONSTRAINT c CHECK (id > 0);' }])).toHaveLength(1);
    const notNull = [{ up: 'CREATE TABLE t (id int CONSTRAINT t_id_present NOT NULL, total int);' }, { up: 'ALTER TABLE t ADD CONSTRAINT t_id_present CHECK (id > 0);\nALTER TABLE t ADD COLUMN note text CONSTRAINT t_id_present NOT NULL;' }];
    expect((await lint(chain(notNull), { rules: [ID], config: { postgresVersion: 17 } })).map((f) => f.message)).toEqual([]);
    expect((await lint(chain(notNull), { rules: [ID], config: { postgresVersion: 18 } })).map((f) => f.message)).toEqual([
      `constraint t_id_present of table public.t already exists at this point of the history (created by ${FIRST})`,
      `constraint t_id_present of table public.t already exists at this point of the history (created by ${FIRST})`,
    ]);
    // DROP NOT NULL drops the constraint.
    expect(await messages([notNull[0]!, { up: 'ALTER TABLE t ALTER COLUMN id DROP NOT NULL;\nALTER TABLE t ADD CONSTRAINT t_id_present CHECK (id > 0);' }])).toEqual([]);
  });

  it('reports ADD VALUE of a label the enum has, and RENAME VALUE to one', async () => {
    const first = "CREATE TYPE order_state AS ENUM ('new', 'paid');";
    expect(await messages([{ up: first }, { up: "ALTER TYPE order_state ADD VALUE 'shipped';" }, { up: "ALTER TYPE order_state ADD VALUE 'paid' BEFORE 'shipped';\nALTER TYPE order_state ADD VALUE 'shipped';\nALTER TYPE order_state RENAME VALUE 'new' TO 'paid';" }])).toEqual([
      `label 'paid' of enum public.order_state already exists at this point of the history (created with enum public.order_state by ${FIRST})`,
      "label 'shipped' of enum public.order_state already exists at this point of the history (added by migrations/20260101000100_change.sql, revision 20260101000100)",
      `renames label 'new' of enum public.order_state to 'paid', but label 'paid' of enum public.order_state already exists at this point of the history (created with enum public.order_state by ${FIRST})`,
    ]);
    const [finding] = await lint(chain([{ up: first }, { up: "ALTER TYPE order_state ADD VALUE 'paid';" }]), { rules: [ID] });
    expect(finding!.fix?.description).toBe(`Remove the duplicate ADD VALUE (created with enum public.order_state by ${FIRST}); write ADD VALUE IF NOT EXISTS only if databases built another way may lack the label`);
    // It follows the enum's rename.
    expect(await messages([{ up: first }, { up: "ALTER TYPE order_state RENAME TO state;\nALTER TYPE state ADD VALUE 'new';" }])).toHaveLength(1);
    for (const between of [
      "ALTER TYPE order_state RENAME VALUE 'paid' TO 'settled';",
      "DO $$ BEGIN ALTER TYPE order_state RENAME VALUE 'paid' TO 'settled'; END $$;",
      // The DO block says the enum's old name.
      "DO $$ BEGIN ALTER TYPE order_state RENAME VALUE 'paid' TO 'settled'; END $$;\nALTER TYPE order_state RENAME TO state;\nALTER TYPE state RENAME TO order_state;",
      "DROP TYPE order_state;\nCREATE TYPE order_state AS ENUM ('new');",
    ]) {
      expect(await messages([{ up: first }, { up: between }, { up: "ALTER TYPE order_state ADD VALUE 'paid';" }]), between).toEqual([]);
    }
    expect(await messages([{ up: first }, { up: "ALTER TYPE order_state ADD VALUE IF NOT EXISTS 'paid';\nALTER TYPE order_state ADD VALUE 'refunded';" }])).toEqual([]);
    // An enum the history did not create: its labels are unknown.
    expect(await messages([{ up: "ALTER TYPE legacy_state ADD VALUE 'a';" }, { up: "ALTER TYPE legacy_state ADD VALUE 'a';" }])).toEqual([]);
  });

  it('reports CREATE EXTENSION of an installed extension', async () => {
    expect(await messages([{ up: 'CREATE EXTENSION citext;' }, { up: 'CREATE EXTENSION IF NOT EXISTS pg_trgm;' }, { up: 'CREATE EXTENSION citext;\nCREATE EXTENSION pg_trgm SCHEMA public;' }])).toEqual([
      `extension citext already exists at this point of the history (created by ${FIRST})`,
      'extension pg_trgm already exists at this point of the history (created by migrations/20260101000100_change.sql, revision 20260101000100)',
    ]);
    for (const between of ['DROP EXTENSION citext;', 'DROP EXTENSION IF EXISTS citext CASCADE;', 'ALTER EXTENSION citext UPDATE;', 'DROP SCHEMA public CASCADE;', "DO $$ BEGIN EXECUTE 'DROP EXTENSION citext'; END $$;"]) {
      expect(await messages([{ up: 'CREATE EXTENSION citext;' }, { up: between }, { up: 'CREATE EXTENSION citext;' }]), between).toEqual([]);
    }
  });

  it('reports CREATE FUNCTION and CREATE PROCEDURE of a name and input argument types that exist', async () => {
    const first = `CREATE FUNCTION order_total(id bigint, currency varchar(3)) RETURNS numeric LANGUAGE sql AS 'select 1';
CREATE PROCEDURE close_order(id integer) LANGUAGE sql AS 'select 1';`;
    expect(
      await messages([
        { up: first },
        {
          up: `CREATE FUNCTION order_total(order_id int8, currency character varying(10), OUT total numeric) LANGUAGE sql AS 'select 1';
CREATE FUNCTION close_order(id int) RETURNS void LANGUAGE sql AS 'select';
CREATE FUNCTION order_total(id bigint) RETURNS numeric LANGUAGE sql AS 'select 1';
CREATE FUNCTION order_total(id bigint, currency text) RETURNS numeric LANGUAGE sql AS 'select 1';
CREATE OR REPLACE FUNCTION order_total(id bigint, currency varchar) RETURNS numeric LANGUAGE sql AS 'select 2';`,
        },
      ]),
    ).toEqual([`function public.order_total(int8,varchar) already exists at this point of the history (created by ${FIRST})`, `procedure public.close_order(int4) already exists at this point of the history (created by ${FIRST})`]);
    const [finding] = await lint(chain([{ up: first }, { up: "CREATE PROCEDURE close_order(id int) LANGUAGE sql AS 'select 1';" }]), { rules: [ID] });
    expect(finding!.fix?.description).toBe(
      `Remove the duplicate CREATE PROCEDURE (created by ${FIRST}), write CREATE OR REPLACE PROCEDURE if this definition is meant to replace it, or give this one other argument types if it is another overload`,
    );
    // A rename or SET SCHEMA onto one, of the overload it names only.
    const second = "CREATE SCHEMA billing;\nCREATE FUNCTION billing.order_total(id bigint, currency varchar) RETURNS numeric LANGUAGE sql AS 'select 1';\nCREATE FUNCTION order_sum(id bigint, currency varchar) RETURNS numeric LANGUAGE sql AS 'select 1';\nCREATE FUNCTION order_total(id bigint) RETURNS numeric LANGUAGE sql AS 'select 1';";
    const moved: string[] = [];
    for (const up of ['ALTER FUNCTION order_sum(bigint, varchar) RENAME TO order_total;', 'ALTER FUNCTION order_total(bigint, varchar) SET SCHEMA billing;', 'ALTER FUNCTION order_total(bigint) RENAME TO order_sum;']) moved.push(...(await messages([{ up: first }, { up: second }, { up }])));
    expect(moved).toEqual([
      `renames function public.order_sum(int8,varchar) to public.order_total(int8,varchar), but function public.order_total(int8,varchar) already exists at this point of the history (created by ${FIRST})`,
      'renames function public.order_total(int8,varchar) to billing.order_total(int8,varchar), but function billing.order_total(int8,varchar) already exists at this point of the history (created by migrations/20260101000100_change.sql, revision 20260101000100)',
    ]);
    expect(await messages([{ up: first }, { up: second }, { up: "ALTER FUNCTION order_total(bigint) RENAME TO order_sum;\nCREATE FUNCTION order_total(id bigint) RETURNS numeric LANGUAGE sql AS 'select 1';\nCREATE FUNCTION order_total(id bigint, currency varchar) RETURNS numeric LANGUAGE sql AS 'select 1';" }])).toEqual([
      `function public.order_total(int8,varchar) already exists at this point of the history (created by ${FIRST})`,
    ]);
  });

  it('stays quiet about routines where argument types cannot be compared or the routine may be gone', async () => {
    const first = "CREATE TYPE mood AS ENUM ('a');\nCREATE TABLE t (id bigint);\nCREATE FUNCTION f(m mood, x t.id%TYPE) RETURNS int LANGUAGE sql AS 'select 1';\nCREATE FUNCTION g(m mood) RETURNS int LANGUAGE sql AS 'select 1';";
    expect(
      await messages([{ up: first }, { up: "CREATE FUNCTION f(m mood, x t.id%TYPE) RETURNS int LANGUAGE sql AS 'select 1';\nCREATE FUNCTION g(m public.mood) RETURNS int LANGUAGE sql AS 'select 1';" }]),
    ).toEqual([]);
    for (const between of ['DROP FUNCTION g(mood);', 'DROP FUNCTION g;', 'DROP ROUTINE g(public.mood);', 'DROP TYPE mood CASCADE;', 'DO $$ BEGIN DROP FUNCTION g(mood); END $$;', 'ALTER FUNCTION g(mood) RENAME TO h;', 'SET search_path = app, public;']) {
      expect(await messages([{ up: first }, { up: between }, { up: "CREATE FUNCTION g(m mood) RETURNS int LANGUAGE sql AS 'select 1';" }]), between).toEqual([]);
    }
  });

  it('reports CREATE TRIGGER and CREATE POLICY of a name their table has, and a rename to one', async () => {
    const first = `CREATE TABLE orders (id bigint, owner text);
CREATE TABLE refunds (id bigint, owner text);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'begin return new; end';
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE POLICY orders_owner ON orders USING (owner = current_user);
CREATE POLICY orders_admin ON orders USING (true);`;
    expect(
      await messages([
        { up: first },
        {
          up: `CREATE TRIGGER orders_touch BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE POLICY orders_owner ON orders FOR SELECT USING (true);
ALTER TRIGGER orders_audit ON orders RENAME TO orders_touch;
ALTER POLICY orders_admin ON orders RENAME TO orders_owner;
CREATE TRIGGER orders_touch BEFORE UPDATE ON refunds FOR EACH ROW EXECUTE FUNCTION touch();
CREATE POLICY orders_owner ON refunds USING (true);
CREATE OR REPLACE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();`,
        },
      ]),
    ).toEqual([
      `trigger orders_touch of table public.orders already exists at this point of the history (created by ${FIRST})`,
      `policy orders_owner of table public.orders already exists at this point of the history (created by ${FIRST})`,
      `renames trigger orders_audit of table public.orders to orders_touch, but trigger orders_touch of table public.orders already exists at this point of the history (created by ${FIRST})`,
      `renames policy orders_admin of table public.orders to orders_owner, but policy orders_owner of table public.orders already exists at this point of the history (created by ${FIRST})`,
    ]);
    const again = "CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();\nCREATE POLICY orders_owner ON orders USING (true);";
    expect(await messages([{ up: first }, { up: 'ALTER TABLE orders RENAME TO purchases;\nALTER TABLE purchases RENAME TO orders;' }, { up: again }])).toHaveLength(2);
    for (const between of [
      'DROP TRIGGER orders_touch ON orders;\nDROP POLICY orders_owner ON orders;',
      'ALTER TRIGGER orders_touch ON orders RENAME TO orders_touched;\nALTER POLICY orders_owner ON orders RENAME TO orders_owned;',
      'DROP TABLE orders;\nCREATE TABLE orders (id bigint, owner text);',
      'DO $$ BEGIN DROP TABLE orders; CREATE TABLE orders (id bigint, owner text); END $$;',
    ]) {
      expect(await messages([{ up: first }, { up: between }, { up: again }]), between).toEqual([]);
    }
    // CREATE OR REPLACE TRIGGER is offered from PostgreSQL 14 on.
    const trigger = chain([{ up: first }, { up: 'CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();' }]);
    expect((await lint(trigger, { rules: [ID], config: { postgresVersion: 13 } }))[0]!.fix?.description).toBe(`Remove the duplicate CREATE TRIGGER (created by ${FIRST}), or give this one another name`);
    expect((await lint(trigger, { rules: [ID] }))[0]!.fix?.description).toContain('CREATE OR REPLACE TRIGGER');
  });

  it('reports a composite type over any relation name, and a type over a sequence before PostgreSQL 14', async () => {
    const first = "CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);\nCREATE SEQUENCE ticket;\nCREATE TYPE pair AS (a int, b int);\nCREATE TYPE mood AS ENUM ('a');";
    const found: string[] = [];
    for (const up of ['CREATE TYPE t_id AS (a int);', 'CREATE TYPE ticket AS (a int);', 'CREATE INDEX pair ON t (id);', 'ALTER TYPE pair RENAME TO ticket;', "CREATE TYPE ticket AS ENUM ('a');", 'ALTER TYPE mood RENAME TO ticket;', 'ALTER SEQUENCE ticket RENAME TO mood;']) found.push(...(await messages([{ up: first }, { up }])));
    expect(found).toEqual([
      `index public.t_id already exists at this point of the history (created by ${FIRST})`,
      `sequence public.ticket already exists at this point of the history (created by ${FIRST})`,
      `type public.pair already exists at this point of the history (created by ${FIRST})`,
      `renames public.pair to public.ticket, but sequence public.ticket already exists at this point of the history (created by ${FIRST})`,
    ]);
    const [finding] = await lint(chain([{ up: first }, { up: 'CREATE TYPE ticket AS (a int);' }]), { rules: [ID] });
    expect(finding!.fix?.description).toBe(`Remove the duplicate CREATE TYPE (created by ${FIRST}); Postgres has no CREATE TYPE IF NOT EXISTS, so give this one another name if it is a different type`);
    // Before PostgreSQL 14 a sequence had a row type: a type's name clashed with it, both ways.
    const older: string[] = [];
    for (const up of ["CREATE TYPE ticket AS ENUM ('a');", 'ALTER TYPE mood RENAME TO ticket;', 'ALTER SEQUENCE ticket RENAME TO mood;']) older.push(...(await lint(chain([{ up: first }, { up }]), { rules: [ID], config: { postgresVersion: 13 } })).map((f) => f.message));
    expect(older).toEqual([
      `sequence public.ticket already exists at this point of the history (created by ${FIRST})`,
      `renames public.mood to public.ticket, but sequence public.ticket already exists at this point of the history (created by ${FIRST})`,
      `renames public.ticket to public.mood, but enum public.mood already exists at this point of the history (created by ${FIRST})`,
    ]);
  });

  it('knows a temporary relation may outlive its migration in the session, and leaves its name alone from then on', async () => {
    const base = { up: 'CREATE TABLE t (id int);' };
    // A later migration's DROP TABLE t drops the temporary table when the two run in one session, the permanent one when not.
    expect(await messages([base, { up: 'CREATE TEMP TABLE t (x int);' }, { up: 'DROP TABLE t;' }, { up: 'CREATE TABLE public.t (id int);' }])).toEqual([]);
    expect(await messages([base, { up: 'CREATE TEMP TABLE t (x int);' }, { up: 'ALTER TABLE t ADD COLUMN id int;\nCREATE INDEX t_x ON t (x);' }, { up: 'CREATE INDEX t_x ON public.t (id);' }])).toEqual([]);
    // A CREATE TEMP TABLE of the same name later is not a duplicate: a later run has none.
    expect(await messages([{ up: 'CREATE TEMP TABLE scratch (id int);' }, { up: 'CREATE TEMP TABLE scratch (id int);\nCREATE TABLE t (id int);' }, { up: 'CREATE TABLE t (id int);' }])).toEqual([
      'table public.t already exists at this point of the history (created by migrations/20260101000100_change.sql, revision 20260101000100)',
    ]);
    // Dropped in its own migration, or by DISCARD TEMP, it is certainly gone; other names stay certain.
    expect(await messages([base, { up: 'CREATE TEMP TABLE t (x int);\nDROP TABLE t;' }, { up: 'CREATE TABLE t (id int);' }])).toHaveLength(1);
    expect(await messages([base, { up: 'CREATE TEMP TABLE t (x int);' }, { up: 'DISCARD TEMP;\nCREATE INDEX t_id ON t (id);' }, { up: 'CREATE INDEX t_id ON t (id);' }])).toHaveLength(1);
    expect(await messages([base, { up: 'CREATE TEMP TABLE scratch (x int);' }, { up: 'CREATE TABLE t (id int);' }])).toHaveLength(1);
  });

  it('does not report a foreign key to a table that exists or not (fk-target-exists does)', async () => {
    expect(await messages([{ up: 'CREATE TABLE t (id int PRIMARY KEY);' }, { up: 'CREATE TABLE u (t_id int REFERENCES t, x int REFERENCES nowhere);' }])).toEqual([]);
  });

  it('reports a column, constraint or enum label one statement gives twice, at the second one', async () => {
    const base = { up: 'CREATE TABLE orders (id bigint, total int);' };
    expect(
      await messages([
        base,
        {
          up: `ALTER TABLE orders ADD COLUMN note text, ADD COLUMN note text;
ALTER TABLE orders ADD COLUMN IF NOT EXISTS memo text, ADD COLUMN memo text;
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0), ADD CONSTRAINT orders_total_check CHECK (total > 1);
ALTER TABLE orders ADD CONSTRAINT orders_id_key UNIQUE (id), ADD CONSTRAINT orders_id_key CHECK (id > 0);
ALTER TABLE orders ADD COLUMN flag int CONSTRAINT orders_flag_check CHECK (flag > 0), ADD CONSTRAINT orders_flag_check CHECK (id > 0);
CREATE TABLE items (a int, CONSTRAINT items_a_check CHECK (a > 0), CONSTRAINT items_a_check CHECK (a > 1));
CREATE TABLE parts (a int CONSTRAINT parts_key UNIQUE, b int CONSTRAINT parts_key CHECK (b > 0));
CREATE TYPE state AS ENUM ('new', 'paid', 'new');
ALTER TABLE orders DROP CONSTRAINT IF EXISTS k, ADD CONSTRAINT k CHECK (id > 0), ADD CONSTRAINT k CHECK (id > 1);`,
        },
      ]),
    ).toEqual([
      'column note of table orders is given twice in this statement',
      'column memo of table orders is given twice in this statement',
      'constraint orders_total_check of table orders is given twice in this statement',
      'constraint orders_id_key of table orders is given twice in this statement',
      'constraint orders_flag_check of table orders is given twice in this statement',
      'constraint items_a_check of table items is given twice in this statement',
      'constraint parts_key of table parts is given twice in this statement',
      "label 'new' of enum state is given twice in this statement",
      'constraint k of table orders is given twice in this statement',
    ]);
    const findings = await lint(chain([base, { up: 'ALTER TABLE app.orders ADD COLUMN note text,\n  ADD COLUMN note int;' }]), { rules: [ID] });
    expect(findings).toEqual([
      expect.objectContaining({
        line: 7,
        column: 14,
        message: 'column note of table app.orders is given twice in this statement',
        help: expect.stringContaining('column ... of relation ... already exists'),
        fix: { description: 'Remove the second ADD COLUMN note, or give that column another name' },
      }),
    ]);
  });

  it('stays quiet about names given twice that Postgres may skip, generates, or refuses for another reason', async () => {
    const base = { up: 'CREATE TABLE orders (id bigint, total int, note text);\nCREATE TABLE s (a int);' };
    expect(
      await messages([
        base,
        {
          up: `ALTER TABLE orders ADD COLUMN memo text, ADD COLUMN IF NOT EXISTS memo text;
ALTER TABLE orders ADD COLUMN IF NOT EXISTS extra text, ADD COLUMN IF NOT EXISTS extra text;
ALTER TABLE orders ADD COLUMN other int, DROP COLUMN other, ADD COLUMN other int;
ALTER TABLE IF EXISTS missing ADD COLUMN a int, ADD COLUMN a int;
ALTER TABLE orders ADD COLUMN IF NOT EXISTS note text CONSTRAINT g_check CHECK (note <> ''), ADD CONSTRAINT g_check CHECK (id > 0);
ALTER TABLE orders ADD COLUMN IF NOT EXISTS f int CONSTRAINT f_check CHECK (f > 0), ADD CONSTRAINT f_check CHECK (id > 0);
ALTER TABLE orders ADD CONSTRAINT orders_x_check CHECK (id > 0), ADD CONSTRAINT orders_y_check CHECK (id > 1);
ALTER TABLE orders ADD CONSTRAINT n1 NOT NULL id, ADD CONSTRAINT n1 NOT NULL total;
ALTER TABLE orders ADD CHECK (id > 0), ADD CHECK (id > 0);
CREATE TABLE IF NOT EXISTS maybe (a int, CONSTRAINT c CHECK (a > 0), CONSTRAINT c CHECK (a > 1));
CREATE TABLE t6 (LIKE s, b int, CONSTRAINT t6_check CHECK (b > 0));
CREATE TABLE t7 (a int) INHERITS (s);
CREATE TYPE state AS ENUM ('new', 'New', 'paid');
ALTER TABLE orders ADD COLUMN last int, ADD COLUMN last int;`,
        },
      ]),
      // The last statement says the migration was read: the others are quiet on their own.
    ).toEqual(['column last of table orders is given twice in this statement']);
    // A column the table already has is reported once per ADD COLUMN, as already there, not also as given twice.
    expect(await messages([base, { up: 'ALTER TABLE orders ADD COLUMN note text, ADD COLUMN note text;' }])).toEqual([
      `column public.orders.note already exists at this point of the history (created with table public.orders by ${FIRST})`,
      `column public.orders.note already exists at this point of the history (created with table public.orders by ${FIRST})`,
    ]);
  });
});
