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

describe('incremental snapshots', () => {
  let db: DatabaseHandle;
  let client: pg.Client;
  let session: ChangeTrackingSession;
  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    session = await openChangeTrackingSession(db, {}, 'checked');
  });
  afterAll(async () => {
    await session?.close();
    await client?.end();
    await db?.close();
  });

  it('equal a full read after every kind of change, and re-read little', async () => {
    const name = new URL(db.url).pathname.slice(1);
    await session.snapshot();
    for (const step of steps) {
      await client.query(step.replace('$DB', name));
      // checked mode throws when the incremental snapshot differs from a full read.
      await session.snapshot();
    }
    expect(session.mode).toBe('checked');
    // Renames and GRANT need full reads; everything else is read incrementally.
    expect(session.stats.incremental).toBeGreaterThanOrEqual(10);
    expect(session.stats.full).toBeLessThanOrEqual(6);
  });

  it('returns the same object when nothing changed, and leaves out its own log', async () => {
    const a = await session.snapshot();
    const b = await session.snapshot();
    expect(b).toBe(a);
    expect(Object.keys(a.schemas)).toEqual(['public']);
    expect(JSON.stringify(await snapshotOf(db, { excludeSchemas: ['pgwarden', 'pgwarden_changes'] }))).toBe(JSON.stringify(a));
  });
});

describe('incremental snapshots read at the end of the step that changed the schema', () => {
  let db: DatabaseHandle;
  let client: pg.Client;
  let session: ChangeTrackingSession;
  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    session = await openChangeTrackingSession(db, {}, 'checked');
  });
  afterAll(async () => {
    await session?.close();
    await client?.end();
    await db?.close();
  });

  it('equal a full read after every kind of change, with no round trip of their own', async () => {
    const name = new URL(db.url).pathname.slice(1);
    await session.snapshot();
    for (const step of steps) {
      const tail = session.tail();
      expect(tail).toBeDefined();
      // As verify sends a step: its statements, COMMIT, then the tail, in one message.
      const results = (await client.query(`BEGIN; ${step.replace('$DB', name)}; COMMIT; ${tail!.sql}`)) as unknown as pg.QueryResult[];
      const value = results[results.length - 1]!.rows[0].pgwarden_delta;
      await session.snapshot({ since: tail!.since, value });
    }
    expect(session.stats.viaTail).toBe(steps.length);
    expect(session.stats.incremental).toBeGreaterThanOrEqual(14);
  });

  it('works after a step switched to a role of little privilege, and ignores a stale tail', async () => {
    await client.query('CREATE ROLE pgwarden_test_low NOLOGIN; CREATE SCHEMA lowly AUTHORIZATION pgwarden_test_low');
    try {
      await session.snapshot();
      const tail = session.tail()!;
      const results = (await client.query(`SET ROLE pgwarden_test_low; CREATE TABLE lowly.things (id int); ${tail.sql}`)) as unknown as pg.QueryResult[];
      await client.query('RESET ROLE');
      const value = results[results.length - 1]!.rows[0].pgwarden_delta;
      expect(value.error).toBeUndefined();
      const before = session.stats.viaTail;
      const snapshot = await session.snapshot({ since: tail.since, value });
      expect(session.stats.viaTail).toBe(before + 1);
      expect(snapshot.tables['lowly.things']?.owner).toBe('pgwarden_test_low');
      // A tail read from an older point of the log is not used: the session reads for itself.
      await client.query('DROP TABLE lowly.things');
      const after = await session.snapshot({ since: tail.since, value });
      expect(session.stats.viaTail).toBe(before + 1);
      expect(after.tables['lowly.things']).toBeUndefined();
    } finally {
      await client.query('RESET ROLE');
      await client.query('DROP SCHEMA lowly CASCADE; DROP ROLE pgwarden_test_low');
    }
  });
});
