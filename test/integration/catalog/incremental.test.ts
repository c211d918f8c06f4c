import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDelta } from '../../../src/catalog/delta.js';
import { openChangeTrackingSession, type ChangeTrackingSession } from '../../../src/catalog/incremental.js';
import { snapshotOf } from '../../../src/catalog/snapshot.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { createTestDatabase } from '../../support/db.js';

// Each step changes the schema; after each, the session's incremental snapshot must equal a full read.
const steps = [
  "CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE TABLE people (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, mood mood DEFAULT 'happy')",
  'CREATE TABLE pets (id serial PRIMARY KEY, owner_id bigint REFERENCES people, name text)',
  'CREATE INDEX pets_name ON pets (name)',
  'DROP INDEX pets_name',
  "COMMENT ON COLUMN people.name IS 'Full name'",
  'ALTER TABLE people ADD CONSTRAINT name_length CHECK (length(name) < 100)',
  'ALTER TABLE people DROP CONSTRAINT name_length',
  'CREATE VIEW happy_people AS SELECT id, name FROM people',
  // Changes that touch one part of a table: the delta reads that part again and keeps the others.
  "ALTER TABLE people ALTER COLUMN name SET DEFAULT 'anon'",
  'ALTER TABLE people ALTER COLUMN name DROP DEFAULT',
  "COMMENT ON COLUMN people.name IS NULL",
  'ALTER TABLE pets ADD COLUMN tag text UNIQUE',
  'ALTER TABLE pets ALTER COLUMN tag TYPE varchar(40)',
  'ALTER TABLE pets ALTER COLUMN name SET NOT NULL',
  'ALTER TABLE pets ALTER COLUMN name DROP NOT NULL',
  "COMMENT ON INDEX pets_tag_key IS 'Tags are unique'",
  'COMMENT ON INDEX pets_tag_key IS NULL',
  'ALTER INDEX pets_tag_key SET (fillfactor = 70)',
  'ALTER TABLE pets CLUSTER ON pets_tag_key',
  'CREATE INDEX CONCURRENTLY pets_owner ON pets (owner_id)',
  'REINDEX TABLE CONCURRENTLY pets',
  'ALTER TABLE pets ADD CONSTRAINT pets_name_length CHECK (length(name) < 50) NOT VALID',
  'ALTER TABLE pets VALIDATE CONSTRAINT pets_name_length',
  "COMMENT ON CONSTRAINT pets_name_length ON pets IS 'Short names'",
  'COMMENT ON CONSTRAINT pets_name_length ON pets IS NULL',
  'CREATE FUNCTION pets_touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$; CREATE TRIGGER pets_touch BEFORE UPDATE ON pets FOR EACH ROW EXECUTE FUNCTION pets_touch()',
  "COMMENT ON TRIGGER pets_touch ON pets IS 'Touches'",
  'ALTER TABLE pets DISABLE TRIGGER pets_touch',
  'DROP TRIGGER pets_touch ON pets',
  'ALTER TABLE pets ENABLE ROW LEVEL SECURITY; CREATE POLICY pets_all ON pets USING (true)',
  "COMMENT ON POLICY pets_all ON pets IS 'Everyone'",
  'ALTER POLICY pets_all ON pets USING (owner_id IS NOT NULL)',
  'DROP POLICY pets_all ON pets',
  'ALTER TABLE people ALTER COLUMN id SET INCREMENT BY 5',
  'ALTER SEQUENCE people_id_seq CACHE 10',
  'ALTER TABLE pets ADD COLUMN number serial',
  'ALTER SEQUENCE pets_number_seq OWNED BY NONE',
  'ALTER SEQUENCE pets_number_seq OWNED BY pets.number',
  'ALTER TABLE pets DROP COLUMN number',
  'ALTER TABLE pets ADD COLUMN born date; ALTER TABLE pets ALTER COLUMN born SET STATISTICS 200',
  'CREATE TYPE address AS (street text, city text)',
  'ALTER TYPE address ADD ATTRIBUTE zip text',
  'CREATE DOMAIN short_text AS text',
  'ALTER DOMAIN short_text ADD CONSTRAINT short CHECK (length(VALUE) < 10)',
  "ALTER TYPE mood ADD VALUE 'calm'",
  'ALTER TABLE people RENAME COLUMN name TO full_name',
  'ALTER TABLE pets RENAME TO animals',
  'GRANT SELECT ON animals TO PUBLIC',
  'CREATE TABLE log (id bigint, at date) PARTITION BY RANGE (at); CREATE TABLE log_2026 PARTITION OF log FOR VALUES FROM (\'2026-01-01\') TO (\'2027-01-01\')',
  'ALTER TABLE log ADD COLUMN note text',
  'ALTER TABLE log DETACH PARTITION log_2026',
  'DROP VIEW happy_people; DROP TABLE animals CASCADE',
  'CREATE SCHEMA app',
  "COMMENT ON SCHEMA app IS 'The application'",
  'ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO PUBLIC',
  'CREATE TABLE app.things (id int PRIMARY KEY)',
  'ALTER DEFAULT PRIVILEGES IN SCHEMA app REVOKE SELECT ON TABLES FROM PUBLIC',
  'DROP SCHEMA app CASCADE',
  "COMMENT ON DATABASE current_database IS 'x'".replace('current_database', '"$DB"'),
];

/** A throwaway database with a connection for changes and a checked change-tracking session on it. */
function trackedDatabase(): { db: DatabaseHandle; client: pg.Client; session: ChangeTrackingSession } {
  const t = {} as { db: DatabaseHandle; client: pg.Client; session: ChangeTrackingSession };
  beforeAll(async () => {
    t.db = await createTestDatabase();
    t.client = new pg.Client({ connectionString: t.db.url });
    await t.client.connect();
    t.session = await openChangeTrackingSession(t.db, {}, 'checked');
  });
  afterAll(async () => {
    await t.session?.close();
    await t.client?.end();
    await t.db?.close();
  });
  return t;
}

describe('incremental snapshots', () => {
  const t = trackedDatabase();

  it('equal a full read after every kind of change, and re-read little', async () => {
    const name = new URL(t.db.url).pathname.slice(1);
    await t.session.snapshot();
    for (const step of steps) {
      await t.client.query(step.replace('$DB', name));
      // checked mode throws when the incremental snapshot differs from a full read.
      await t.session.snapshot();
    }
    expect(t.session.mode).toBe('checked');
    // Renames and GRANT need full reads; everything else is read incrementally.
    expect(t.session.stats.incremental).toBeGreaterThanOrEqual(40);
    // Roles are global: a role another test file creates on the shared server meanwhile forces a
    // full read here too, which says nothing of this history's steps.
    expect(t.session.stats.full - t.session.stats.fullForRoles).toBeLessThanOrEqual(6);
    // Most changes touch one part of a table: the others come from the cache.
    expect(t.session.stats.partsKept).toBeGreaterThanOrEqual(150);
  });

  it('returns the same object when nothing changed, and leaves out its own log', async () => {
    const a = await t.session.snapshot();
    const b = await t.session.snapshot();
    expect(b).toBe(a);
    expect(Object.keys(a.schemas)).toEqual(['public']);
    expect(JSON.stringify(await snapshotOf(t.db, { excludeSchemas: ['pgwarden', 'pgwarden_changes'] }))).toBe(JSON.stringify(a));
  });
});

describe('the delta of a change to a table', () => {
  const t = trackedDatabase();

  it('reads again only the parts of the table whose rows the change wrote or names', async () => {
    await t.client.query('CREATE TABLE jobs (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL)');
    await t.session.snapshot();
    const jobs = Number((await t.client.query(`SELECT 'public.jobs'::pg_catalog.regclass::pg_catalog.oid AS oid`)).rows[0].oid);
    const partsAfter = async (statement: string) => {
      const tail = t.session.tail()!;
      const results = (await t.client.query(`BEGIN; ${statement}; COMMIT; ${tail.sql}`)) as unknown as pg.QueryResult[];
      const value = results[results.length - 1]!.rows[0].pgwarden_delta;
      await t.session.snapshot({ since: tail.since, value });
      return Object.entries(parseDelta(value)!.parts)
        .filter(([, relations]) => relations.includes(jobs))
        .map(([part]) => part)
        .sort();
    };
    expect(await partsAfter('CREATE INDEX jobs_name ON jobs (name)')).toEqual(['indexes']);
    expect(await partsAfter('DROP INDEX jobs_name')).toEqual(['indexes']);
    expect(await partsAfter("COMMENT ON COLUMN jobs.name IS 'What to run'")).toEqual(['acl', 'columns']);
    expect(await partsAfter("ALTER TABLE jobs ALTER COLUMN name SET DEFAULT 'job'")).toEqual(['acl', 'columns']);
    expect(await partsAfter('ALTER TABLE jobs ADD CONSTRAINT jobs_name_length CHECK (length(name) < 80)')).toEqual(expect.arrayContaining(['constraints']));
    expect(await partsAfter('ALTER TABLE jobs ADD CONSTRAINT jobs_name_length2 CHECK (length(name) < 90)')).not.toContain('indexes');
    expect(await partsAfter('ALTER TABLE jobs ALTER COLUMN id SET INCREMENT BY 2')).toEqual(expect.arrayContaining(['columns', 'sequences']));
    expect(await partsAfter('ALTER TABLE jobs ADD COLUMN note text')).not.toContain('indexes');
    expect(await partsAfter('ALTER TABLE jobs DROP COLUMN note')).not.toContain('triggers');
    // Every one of them was served by the delta and the cache: none read the table again whole.
    expect(t.session.stats.readWhole).toBe(0);
  });
});

describe('incremental snapshots read at the end of the step that changed the schema', () => {
  const t = trackedDatabase();

  it('equal a full read after every kind of change, with no round trip of their own', async () => {
    const name = new URL(t.db.url).pathname.slice(1);
    await t.session.snapshot();
    for (const step of steps) {
      const tail = t.session.tail();
      expect(tail).toBeDefined();
      // As verify sends a step: its statements, COMMIT, then the tail, in one message (a statement
      // that cannot run in a transaction block: on its own, then the tail).
      const text = step.replace('$DB', name);
      if (/CONCURRENTLY/.test(text)) await t.client.query(text);
      const results = [(await t.client.query(/CONCURRENTLY/.test(text) ? tail!.sql : `BEGIN; ${text}; COMMIT; ${tail!.sql}`)) as unknown as pg.QueryResult | pg.QueryResult[]].flat();
      const value = results[results.length - 1]!.rows[0].pgwarden_delta;
      await t.session.snapshot({ since: tail!.since, value });
    }
    expect(t.session.stats.viaTail).toBe(steps.length);
    expect(t.session.stats.incremental).toBeGreaterThanOrEqual(14);
  });

  it('works after a step switched to a role of little privilege, and ignores a stale tail', async () => {
    await t.client.query('CREATE ROLE pgwarden_test_low NOLOGIN; CREATE SCHEMA lowly AUTHORIZATION pgwarden_test_low');
    try {
      await t.session.snapshot();
      const tail = t.session.tail()!;
      const results = (await t.client.query(`SET ROLE pgwarden_test_low; CREATE TABLE lowly.things (id int); ${tail.sql}`)) as unknown as pg.QueryResult[];
      await t.client.query('RESET ROLE');
      const value = results[results.length - 1]!.rows[0].pgwarden_delta;
      expect(value.error).toBeUndefined();
      const before = t.session.stats.viaTail;
      const snapshot = await t.session.snapshot({ since: tail.since, value });
      expect(t.session.stats.viaTail).toBe(before + 1);
      expect(snapshot.tables['lowly.things']?.owner).toBe('pgwarden_test_low');
      // A tail read from an older point of the log is not used: the t.session reads for itself.
      await t.client.query('DROP TABLE lowly.things');
      const after = await t.session.snapshot({ since: tail.since, value });
      expect(t.session.stats.viaTail).toBe(before + 1);
      expect(after.tables['lowly.things']).toBeUndefined();
    } finally {
      await t.client.query('RESET ROLE');
      await t.client.query('DROP SCHEMA lowly CASCADE; DROP ROLE pgwarden_test_low');
    }
  });
});
