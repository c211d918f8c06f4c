import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../../src/catalog/diff.js';
import { openSnapshotSession, readSnapshot, snapshotDatabase, snapshotOf } from '../../../src/catalog/snapshot.js';
import type { CatalogSnapshot } from '../../../src/catalog/types.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { ensureParser, parseSql } from '../../../src/sql/parse.js';
import { createTestDatabase, query } from '../../support/db.js';

const schema = `
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE TYPE job_status AS ENUM ('pending', 'running', 'done');
  CREATE DOMAIN email AS text COLLATE "C" NOT NULL DEFAULT 'nobody@example.com' CONSTRAINT email_at CHECK (VALUE LIKE '%@%');
  CREATE TYPE pair AS (a int, b text);
  CREATE TYPE float_range AS RANGE (subtype = float8);
  CREATE TABLE targets (id bigint GENERATED ALWAYS AS IDENTITY (START 10 INCREMENT 5) PRIMARY KEY, platform text NOT NULL, name text COLLATE "C", doubled bigint GENERATED ALWAYS AS (id * 2) STORED);
  CREATE INDEX idx_targets_platform ON targets (platform) INCLUDE (name) WHERE platform <> 'retired';
  CREATE INDEX idx_targets_lower_name ON targets (lower(name));
  CREATE TABLE jobs (id bigserial PRIMARY KEY, status job_status NOT NULL DEFAULT 'pending', target_id bigint REFERENCES targets ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, contact email, created_at timestamptz DEFAULT now());
  ALTER TABLE jobs ADD CONSTRAINT jobs_id_positive CHECK (id > 0) NOT VALID;
  COMMENT ON TABLE jobs IS 'Work to run on targets';
  COMMENT ON COLUMN jobs.status IS 'Where the job is';
  CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
  CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
  CREATE VIEW running_jobs AS SELECT id, target_id FROM jobs WHERE status = 'running';
  CREATE MATERIALIZED VIEW job_counts AS SELECT status, count(*) AS n FROM jobs GROUP BY status;
  CREATE FUNCTION jobs_touch() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$BEGIN RETURN NEW; END$$;
  CREATE TRIGGER jobs_touch BEFORE INSERT OR UPDATE ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_touch();
  CREATE FUNCTION add_one(n integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN n + 1;
  ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
  ALTER TABLE jobs FORCE ROW LEVEL SECURITY;
  CREATE POLICY jobs_visible ON jobs FOR SELECT TO PUBLIC USING (status <> 'done');
  CREATE SEQUENCE invoice_numbers START 1000 CACHE 10 OWNED BY jobs.id;
  GRANT SELECT ON targets TO PUBLIC;
  GRANT UPDATE (name) ON targets TO PUBLIC;
  REVOKE EXECUTE ON FUNCTION add_one(integer) FROM PUBLIC;
  ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;
  CREATE SCHEMA pgwarden;
  CREATE TABLE pgwarden.ledger (revision text);
`;

describe('catalog snapshot', () => {
  let db: DatabaseHandle;
  let client: pg.Client;
  let snapshot: CatalogSnapshot;
  beforeAll(async () => {
    db = await createTestDatabase();
    await query(db.url, schema);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    snapshot = await snapshotDatabase(client);
  });
  afterAll(async () => {
    await client?.end();
    await db?.close();
  });

  it('is the same value on every read, by every reader', async () => {
    const again = await snapshotDatabase(client);
    expect(JSON.stringify(again)).toBe(JSON.stringify(snapshot));
    const session = await openSnapshotSession(db);
    try {
      expect(JSON.stringify(await session.snapshot())).toBe(JSON.stringify(snapshot));
      expect(JSON.stringify(await session.snapshot())).toBe(JSON.stringify(snapshot));
    } finally {
      await session.close();
    }
    await client.query('BEGIN');
    expect(JSON.stringify(await readSnapshot(client))).toBe(JSON.stringify(snapshot));
    await client.query('ROLLBACK');
    expect(JSON.stringify(await snapshotOf(db))).toBe(JSON.stringify(snapshot));
  });

  it('is keyed by qualified names and sorted', () => {
    expect(Object.keys(snapshot.tables)).toEqual(['public.events', 'public.events_2026', 'public.jobs', 'public.targets']);
    expect(Object.keys(snapshot.views)).toEqual(['public.job_counts', 'public.running_jobs']);
    expect(Object.keys(snapshot.functions)).toEqual(['public.add_one(integer)', 'public.jobs_touch()']);
    expect(Object.keys(snapshot.sequences)).toEqual(['public.invoice_numbers', 'public.jobs_id_seq']);
    expect(JSON.stringify(snapshot)).not.toMatch(/"oid"|"relid"|"rel"/);
  });

  it('leaves out the ledger schema and objects that belong to extensions', () => {
    expect(Object.keys(snapshot.schemas)).toEqual(['public']);
    expect(Object.keys(snapshot.functions).some((k) => k.includes('similarity'))).toBe(false);
    expect(snapshot.extensions.pg_trgm).toMatchObject({ name: 'pg_trgm', schema: 'public' });
  });

  it('describes columns: type, default, nullability, identity, generation, collation, comment, position', () => {
    const targets = snapshot.tables['public.targets']!;
    expect(targets.columns.map((c) => c.name)).toEqual(['id', 'platform', 'name', 'doubled']);
    expect(targets.columns[0]).toMatchObject({ position: 1, type: 'bigint', nullable: false, default: null, identity: { generation: 'always', sequence: { start: '10', increment: '5' } } });
    expect(targets.columns[2]).toMatchObject({ collation: 'pg_catalog."C"', nullable: true });
    expect(targets.columns[3]).toMatchObject({ generated: { kind: 'stored', expression: '(id * 2)' }, default: null });
    const status = snapshot.tables['public.jobs']!.columns.find((c) => c.name === 'status')!;
    expect(status).toMatchObject({ type: 'public.job_status', default: "'pending'::public.job_status", comment: 'Where the job is' });
  });

  it('describes constraints, indexes, triggers, policies and row level security', () => {
    const jobs = snapshot.tables['public.jobs']!;
    expect(jobs.constraints.find((c) => c.type === 'foreign key')).toMatchObject({
      name: 'jobs_target_id_fkey',
      columns: ['target_id'],
      deferrable: true,
      initiallyDeferred: true,
      references: { table: 'public.targets', columns: ['id'], onDelete: 'cascade', onUpdate: 'no action', match: 'simple' },
    });
    expect(jobs.constraints.find((c) => c.name === 'jobs_id_positive')).toMatchObject({ type: 'check', validated: false, definition: 'CHECK ((id > 0)) NOT VALID' });
    expect(jobs.constraints.find((c) => c.type === 'primary key')).toMatchObject({ index: 'jobs_pkey', columns: ['id'] });
    expect(jobs.rowSecurity).toEqual({ enabled: true, forced: true });
    expect(jobs.policies).toEqual([{ name: 'jobs_visible', command: 'select', permissive: true, roles: ['PUBLIC'], using: "(status <> 'done'::public.job_status)", withCheck: null, comment: null }]);
    expect(jobs.triggers).toMatchObject([{ name: 'jobs_touch', timing: 'before', events: ['insert', 'update'], level: 'row', function: 'public.jobs_touch()' }]);
    const indexes = snapshot.tables['public.targets']!.indexes;
    expect(indexes.find((i) => i.name === 'idx_targets_platform')).toMatchObject({ method: 'btree', keys: ['platform'], include: ['name'], predicate: "(platform <> 'retired'::text)", unique: false, valid: true });
    expect(indexes.find((i) => i.name === 'idx_targets_lower_name')!.keys).toEqual(['lower(name)']);
  });

  it('describes partitions, views, sequences (never their value), functions and types', async () => {
    expect(snapshot.tables['public.events']).toMatchObject({ kind: 'partitioned table', partitionKey: 'RANGE (at)' });
    expect(snapshot.tables['public.events_2026']!.partitionOf).toEqual({ parent: 'public.events', bound: "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')" });
    expect(snapshot.views['public.running_jobs']!.definition).toContain('FROM public.jobs');
    expect(snapshot.views['public.job_counts']).toMatchObject({ materialized: true });
    expect(snapshot.sequences['public.invoice_numbers']).toMatchObject({ start: '1000', cache: '10', ownedBy: 'public.jobs.id' });
    expect(snapshot.functions['public.jobs_touch()']).toMatchObject({ language: 'plpgsql', securityDefiner: true, config: ['search_path=pg_catalog'], volatility: 'volatile', returns: 'trigger' });
    expect(snapshot.functions['public.add_one(integer)']).toMatchObject({ kind: 'function', identity: 'integer', arguments: 'n integer', volatility: 'immutable' });
    expect(snapshot.functions['public.add_one(integer)']!.bodyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(snapshot.enums['public.job_status']!.labels).toEqual(['pending', 'running', 'done']);
    expect(snapshot.domains['public.email']).toMatchObject({ baseType: 'text', nullable: false, collation: 'pg_catalog."C"', constraints: [{ name: 'email_at', validated: true }] });
    expect(snapshot.compositeTypes['public.pair']!.attributes.map((a) => `${a.name} ${a.type}`)).toEqual(['a integer', 'b text']);
    expect(snapshot.rangeTypes['public.float_range']).toMatchObject({ subtype: 'double precision' });
    await query(db.url, "SELECT nextval('invoice_numbers'), nextval('jobs_id_seq')");
    expect(JSON.stringify(await snapshotDatabase(client))).toBe(JSON.stringify(snapshot));
  });

  it('makes privileges explicit, with column privileges on their table, and reads default privileges', () => {
    const privileges = snapshot.tables['public.targets']!.privileges;
    expect(privileges.filter((p) => p.grantee === 'PUBLIC')).toEqual([
      { grantee: 'PUBLIC', privilege: 'SELECT', grantable: false, grantor: 'postgres' },
      { grantee: 'PUBLIC', privilege: 'UPDATE', grantable: false, grantor: 'postgres', column: 'name' },
    ].sort((a, b) => ((a.column ?? '') < (b.column ?? '') ? -1 : 1)));
    expect(snapshot.functions['public.add_one(integer)']!.privileges.map((p) => p.grantee)).toEqual(['postgres']);
    expect(snapshot.functions['public.jobs_touch()']!.privileges.map((p) => p.grantee)).toEqual(['PUBLIC', 'postgres']);
    expect(snapshot.defaultPrivileges).toContainEqual({ role: 'postgres', schema: null, objectType: 'table', grantee: 'PUBLIC', privilege: 'SELECT', grantable: false });
    expect(snapshot.tables['public.jobs']!.owner).toBe('postgres');
  });

  it('is the same for the same schema built another way: other order, dropped columns, other oids', async () => {
    const other = await createTestDatabase();
    try {
      // Create objects in another order, with a column added and dropped on the way, like a restore would not.
      await ensureParser();
      const statements = parseSql(schema).map((s) => s.text);
      const reordered = [...statements.slice(0, 5), 'CREATE TABLE scratch (x int)', 'DROP TABLE scratch', ...statements.slice(5)];
      await query(other.url, reordered.join(';\n').replace('platform text NOT NULL,', 'platform text NOT NULL, obsolete int,'));
      await query(other.url, 'ALTER TABLE targets DROP COLUMN obsolete');
      const rebuilt = await snapshotOf(other);
      expect(diffSnapshots(snapshot, rebuilt)).toEqual([]);
      expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(snapshot));
    } finally {
      await other.close();
    }
  });

  it('includes the ledger schema when asked to', async () => {
    const all = await snapshotDatabase(client, { excludeSchemas: [] });
    expect(Object.keys(all.schemas)).toEqual(['pgwarden', 'public']);
    expect(all.tables['pgwarden.ledger']).toBeDefined();
    const narrowed = await snapshotDatabase(client, { schemas: ['pgwarden'], excludeSchemas: [] });
    expect(Object.keys(narrowed.tables)).toEqual(['pgwarden.ledger']);
  });
});
