import { describe, expect, it } from 'vitest';
import { chain, lint } from '../history-support.js';

const ID = 'down-reverses-up';
const base = { up: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);', down: 'DROP TABLE users;' };

async function messages(up: string, down: string, header: string[] = []): Promise<string[]> {
  const findings = await lint(chain([base, { up, down, header }]), { rules: [ID] });
  return findings.map((f) => f.message);
}

describe(ID, () => {
  it('follows the names Postgres gives unnamed constraints and indexes: a down that drops them by those names undoes up', async () => {
    expect(
      await messages(
        `ALTER TABLE users ADD COLUMN a int, ADD COLUMN b int;
         ALTER TABLE users ADD CHECK (a < b), ADD CHECK (a > 0 AND a < 10);
         ALTER TABLE users ADD UNIQUE (a) INCLUDE (b);
         CREATE UNIQUE INDEX ON users (lower(email));`,
        `DROP INDEX users_lower_idx;
         ALTER TABLE users DROP CONSTRAINT users_a_b_key;
         ALTER TABLE users DROP CONSTRAINT users_a_check, DROP CONSTRAINT users_check;
         ALTER TABLE users DROP COLUMN b, DROP COLUMN a;`,
      ),
    ).toEqual([]);
  });

  it('accepts a down section that undoes everything', async () => {
    expect(
      await messages(
        `CREATE TABLE jobs (id bigint PRIMARY KEY, user_id bigint REFERENCES users, status text);
         CREATE INDEX jobs_user_id_idx ON jobs (user_id);
         ALTER TABLE users ADD COLUMN name text NOT NULL DEFAULT '';
         ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
         CREATE TYPE mood AS ENUM ('ok', 'sad');
         CREATE VIEW active AS SELECT id FROM jobs;
         CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
         CREATE TRIGGER users_f BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION f();
         CREATE SEQUENCE ticket_seq;
         CREATE EXTENSION IF NOT EXISTS citext;
         GRANT SELECT ON users TO reader;`,
        `REVOKE SELECT ON users FROM reader;
         DROP EXTENSION citext;
         DROP SEQUENCE ticket_seq;
         DROP TRIGGER users_f ON users;
         DROP FUNCTION f();
         DROP VIEW active;
         DROP TYPE mood;
         ALTER TABLE users DROP CONSTRAINT users_email_key;
         ALTER TABLE users DROP COLUMN name;
         DROP TABLE jobs;`,
      ),
    ).toEqual([]);
  });

  it('does not count a schema that a table only names (created outside the history) as created by up', async () => {
    expect(await messages('CREATE TABLE app.d (id bigint PRIMARY KEY);', 'DROP TABLE app.d;')).toEqual([]);
    // One that up does create is still reported when down leaves it.
    expect(await messages('CREATE SCHEMA app;\nCREATE TABLE app.d (id bigint PRIMARY KEY);', 'DROP TABLE app.d;')).toEqual([expect.stringContaining('schema app')]);
  });

  it('says what down leaves behind', async () => {
    expect(
      await messages(
        `CREATE TABLE jobs (id bigint PRIMARY KEY);
         ALTER TABLE users ADD COLUMN name text;
         CREATE INDEX users_email_idx ON users (email);
         ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
         CREATE TYPE mood AS ENUM ('ok');
         CREATE VIEW v AS SELECT id FROM users;
         CREATE FUNCTION g(a int) RETURNS int LANGUAGE sql AS 'select 1';
         CREATE SEQUENCE s;
         CREATE EXTENSION pgcrypto;
         GRANT SELECT ON users TO reader;`,
        'SELECT 1;',
      ),
    ).toEqual(
      expect.arrayContaining([
        'up creates table public.jobs and down leaves it behind',
        'up creates column public.users.name and down leaves it behind',
        'up creates unique constraint users_email_key on public.users and down leaves it behind',
        'up creates view public.v and down leaves it behind',
        'up creates index public.users_email_idx and down leaves it behind',
        'up creates sequence public.s and down leaves it behind',
        'up creates enum public.mood and down leaves it behind',
        'up creates function public.g(int4) and down leaves it behind',
        'up creates extension pgcrypto and down leaves it behind',
        'up creates the grant SELECT ON table public.users TO reader and down leaves it behind',
      ]),
    );
  });

  it('does not repeat the indexes, sequences and grants of a table it reports', async () => {
    expect(await messages('CREATE TABLE jobs (id serial PRIMARY KEY, x int UNIQUE); CREATE INDEX ON jobs (x); GRANT SELECT ON jobs TO r;', 'SELECT 1;')).toEqual(['up creates table public.jobs and down leaves it behind']);
  });

  it('says what down does not recreate, and the types and nullability it does not restore', async () => {
    const up = 'ALTER TABLE users DROP COLUMN email; ALTER TABLE users ALTER COLUMN id TYPE int;';
    expect(await messages(up, 'ALTER TABLE users ALTER COLUMN id TYPE bigint; ALTER TABLE users ADD COLUMN email text;')).toEqual([]);
    expect((await messages(up, 'SELECT 1;')).sort()).toEqual(['column public.users.id is int8 before the migration but int4 after up and down', 'up drops column public.users.email and down does not recreate it']);
    expect(await messages('ALTER TABLE users ALTER COLUMN email SET NOT NULL;', 'ALTER TABLE users ADD COLUMN x int;')).toEqual([
      'down creates column public.users.x, which did not exist before the migration: up did not drop it',
      'column public.users.email is nullable before the migration but NOT NULL after up and down',
    ]);
    expect(await messages('ALTER TABLE users DROP CONSTRAINT users_pkey;', 'SELECT 1;')).toEqual(['up drops primary key constraint users_pkey on public.users and down does not recreate it']);
  });

  it('blames down, not up, for dropping what existed before the migration (CREATE ... IF NOT EXISTS created nothing)', async () => {
    // chains-lab/places-svc's 002_timetable: up runs CREATE EXTENSION IF NOT EXISTS btree_gist, down drops it,
    // but an earlier migration had already created it.
    const files = chain([
      { up: 'CREATE EXTENSION IF NOT EXISTS btree_gist;\nCREATE TABLE users (id bigint PRIMARY KEY);', down: 'DROP TABLE users;\nDROP EXTENSION btree_gist;' },
      { up: 'CREATE EXTENSION IF NOT EXISTS btree_gist;\nCREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\nCREATE TABLE slots (id bigint);', down: 'DROP TABLE slots;\nDROP TABLE users;\nDROP EXTENSION IF EXISTS btree_gist;' },
    ]);
    expect((await lint(files, { rules: [ID] })).map((f) => f.message).sort()).toEqual([
      'down drops extension btree_gist, which existed before the migration: up did not create it',
      'down drops table public.users, which existed before the migration: up did not create it',
    ]);
    expect(await messages('SELECT 1;', 'ALTER TABLE users DROP COLUMN email;')).toEqual([
      'down drops column public.users.email, which existed before the migration: up did not create it',
    ]);
    expect(await messages('ALTER TABLE users DROP COLUMN email;', 'SELECT 1;')).toEqual(['up drops column public.users.email and down does not recreate it']);
  });

  it('explains that an added enum value cannot be dropped', async () => {
    const files = chain([{ up: "CREATE TYPE status AS ENUM ('new');", down: 'DROP TYPE status;' }, { up: "ALTER TYPE status ADD VALUE 'done';", down: 'SELECT 1;' }]);
    expect((await lint(files, { rules: [ID] })).map((f) => f.message)).toEqual([
      'up adds the value \'done\' to enum public.status, and Postgres cannot drop an enum value: down must recreate the type without it, or the migration must declare "--! Irreversible: <reason>"',
    ]);
  });

  it('accepts a down section that recreates what up drops, and reports at the down marker', async () => {
    const files = chain([base, { up: 'DROP TABLE users;', down: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);' }]);
    expect(await lint(files, { rules: [ID] })).toEqual([]);
    const broken = chain([base, { up: 'DROP TABLE users;', down: 'CREATE TABLE users (id bigint);' }]);
    const findings = await lint(broken, { rules: [ID] });
    expect(findings.every((f) => f.line === 8)).toBe(true);
    expect(findings.map((f) => f.message).sort()).toEqual([
      'column public.users.id is NOT NULL before the migration but nullable after up and down',
      'up drops column public.users.email and down does not recreate it',
      'up drops primary key constraint users_pkey on public.users and down does not recreate it',
    ]);
  });

  it('skips migrations without a down section (require-down reports those) and unparsable ones', async () => {
    expect(await lint(chain([{ up: 'CREATE TABLE t (id int);' }]), { rules: [ID] })).toEqual([]);
    expect(await lint(chain([{ up: 'CREATE TABLE t (id int);', down: 'DROP TABL t;' }]), { rules: [ID] })).toEqual([]);
  });
});
