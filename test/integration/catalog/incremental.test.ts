import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    expect(t.session.stats.incremental).toBeGreaterThanOrEqual(10);
    expect(t.session.stats.full).toBeLessThanOrEqual(6);
  });

  it('returns the same object when nothing changed, and leaves out its own log', async () => {
    const a = await t.session.snapshot();
    const b = await t.session.snapshot();
    expect(b).toBe(a);
    expect(Object.keys(a.schemas)).toEqual(['public']);
    expect(JSON.stringify(await snapshotOf(t.db, { excludeSchemas: ['pgwarden', 'pgwarden_changes'] }))).toBe(JSON.stringify(a));
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
      // As verify sends a step: its statements, COMMIT, then the tail, in one message.
      const results = (await t.client.query(`BEGIN; ${step.replace('$DB', name)}; COMMIT; ${tail!.sql}`)) as unknown as pg.QueryResult[];
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
