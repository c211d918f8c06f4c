import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import type { VerifyReport } from '../../../src/verify/types.js';
import { verifyHistory } from '../../../src/verify/verify.js';
import { createTestDatabase } from '../../support/db.js';
import { projectWith, type Step } from './history.js';

// Every kind of object, created by an up and removed (or put back) exactly by its down.
const steps: Step[] = [
  {
    name: 'tables',
    up: `CREATE TYPE job_status AS ENUM ('pending', 'running', 'done');
CREATE TABLE targets (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, platform text NOT NULL, name text COLLATE "C");
CREATE TABLE jobs (id bigserial PRIMARY KEY, status job_status NOT NULL DEFAULT 'pending', target_id bigint REFERENCES targets ON DELETE CASCADE);
COMMENT ON TABLE jobs IS 'Work to run';`,
    down: 'DROP TABLE jobs;\nDROP TABLE targets;\nDROP TYPE job_status;',
  },
  { name: 'column', up: 'ALTER TABLE targets ADD COLUMN note text;', down: 'ALTER TABLE targets DROP COLUMN note;' },
  {
    name: 'index',
    up: "CREATE TABLE job_logs (job_id bigint NOT NULL, line text, level text);\nCREATE INDEX idx_job_logs_job ON job_logs (job_id) INCLUDE (level) WHERE level <> 'debug';",
    down: 'DROP TABLE job_logs;',
  },
  { name: 'constraint', up: 'ALTER TABLE targets ADD CONSTRAINT targets_platform_known CHECK (platform IN (\'linux\', \'windows\')) NOT VALID;', down: 'ALTER TABLE targets DROP CONSTRAINT targets_platform_known;' },
  { name: 'validate', up: 'ALTER TABLE targets VALIDATE CONSTRAINT targets_platform_known;', extra: ['--! Irreversible: validation cannot be undone'] },
  { name: 'enum_type', up: "CREATE TYPE mood AS ENUM ('sad', 'happy');", down: 'DROP TYPE mood;' },
  { name: 'view', up: 'CREATE VIEW running_jobs AS SELECT id, target_id FROM jobs WHERE status = \'running\';', down: 'DROP VIEW running_jobs;' },
  { name: 'matview', up: 'CREATE MATERIALIZED VIEW job_counts AS SELECT status, count(*) FROM jobs GROUP BY status;\nCREATE UNIQUE INDEX ON job_counts (status);', down: 'DROP MATERIALIZED VIEW job_counts;' },
  {
    name: 'function_trigger',
    up: `CREATE FUNCTION jobs_touch() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER jobs_touch BEFORE UPDATE ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_touch();`,
    down: 'DROP TRIGGER jobs_touch ON jobs;\nDROP FUNCTION jobs_touch();',
  },
  { name: 'procedure', up: 'CREATE PROCEDURE noop(n int) LANGUAGE sql AS $$SELECT 1$$;', down: 'DROP PROCEDURE noop(int);' },
  { name: 'sequence', up: 'CREATE SEQUENCE invoice_numbers START 1000 OWNED BY jobs.id;', down: 'DROP SEQUENCE invoice_numbers;' },
  { name: 'domain', up: "CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');", down: 'DROP DOMAIN email;' },
  { name: 'composite', up: 'CREATE TYPE pair AS (a int, b text);', down: 'DROP TYPE pair;' },
  { name: 'extension', up: 'CREATE EXTENSION IF NOT EXISTS pg_trgm;', down: 'DROP EXTENSION pg_trgm;' },
  { name: 'grant', up: 'GRANT SELECT ON targets TO PUBLIC;\nGRANT UPDATE (name) ON targets TO PUBLIC;', down: 'REVOKE UPDATE (name) ON targets FROM PUBLIC;\nREVOKE SELECT ON targets FROM PUBLIC;' },
  { name: 'comment', up: "COMMENT ON COLUMN jobs.status IS 'Where the job is';", down: 'COMMENT ON COLUMN jobs.status IS NULL;' },
  { name: 'default', up: "ALTER TABLE jobs ALTER COLUMN status SET DEFAULT 'running';", down: "ALTER TABLE jobs ALTER COLUMN status SET DEFAULT 'pending';" },
  { name: 'rls', up: 'ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;\nCREATE POLICY jobs_visible ON jobs FOR SELECT USING (status <> \'done\');', down: 'DROP POLICY jobs_visible ON jobs;\nALTER TABLE jobs DISABLE ROW LEVEL SECURITY;' },
  { name: 'partitions', up: 'CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM (\'2026-01-01\') TO (\'2027-01-01\');', down: 'DROP TABLE events;' },
  { name: 'default_privileges', up: 'ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;', down: 'ALTER DEFAULT PRIVILEGES REVOKE SELECT ON TABLES FROM PUBLIC;' },
  { name: 'data_only', up: "INSERT INTO targets (platform) VALUES ('linux');", extra: ['--! Irreversible: data'] },
  { name: 'no_transaction', up: 'CREATE INDEX CONCURRENTLY idx_targets_name ON targets (name);', down: 'DROP INDEX CONCURRENTLY idx_targets_name;', extra: ['--! Transaction: none'] },
  // Renames last: the migrations after them would have to use the new names.
  {
    name: 'detach_partition',
    up: 'ALTER TABLE events DETACH PARTITION events_2026;',
    // A validated CHECK that implies the bound spares ATTACH its scan under an ACCESS EXCLUSIVE lock.
    // Each statement commits on its own: in one transaction, VALIDATE would scan under the ACCESS
    // EXCLUSIVE lock that ADD CONSTRAINT took, which verify rightly flags.
    extra: ['--! Transaction: none'],
    down: `ALTER TABLE events_2026 ADD CONSTRAINT events_2026_bound CHECK (at >= '2026-01-01' AND at < '2027-01-01') NOT VALID;
ALTER TABLE events_2026 VALIDATE CONSTRAINT events_2026_bound;
ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
ALTER TABLE events_2026 DROP CONSTRAINT events_2026_bound;`,
  },
  { name: 'rename_table', up: 'ALTER TABLE targets RENAME TO machines;', down: 'ALTER TABLE machines RENAME TO targets;' },
  { name: 'rename_column', up: 'ALTER TABLE jobs RENAME COLUMN status TO state;', down: 'ALTER TABLE jobs RENAME COLUMN state TO status;' },
  { name: 'rename_label', up: "ALTER TYPE job_status RENAME VALUE 'done' TO 'finished';", down: "ALTER TYPE job_status RENAME VALUE 'finished' TO 'done';" },
  { name: 'recreate_function', up: 'CREATE OR REPLACE FUNCTION jobs_touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.id := NEW.id; RETURN NEW; END$$;', down: 'CREATE OR REPLACE FUNCTION jobs_touch() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog AS $$BEGIN RETURN NEW; END$$;' },
];

describe('verify passes migrations whose down is right', () => {
  let db: DatabaseHandle;
  let report: VerifyReport;
  let project: ReturnType<typeof projectWith>;
  beforeAll(async () => {
    project = projectWith(steps);
    db = await createTestDatabase();
    report = await verifyHistory(project.config, db, { snapshots: 'checked' });
  });
  afterAll(async () => {
    await db?.close();
    project?.cleanup();
  });

  it('finds no error', () => {
    expect(report.findings.filter((f) => f.level === 'error')).toEqual([]);
    expect(report.clean).toBe(true);
  });

  it('verifies every reversible migration, and says which downs it skipped and why', () => {
    const outcomes = Object.fromEntries(report.migrations.map((m) => [m.name.replace(/^\d+_/, ''), m.outcome]));
    expect(outcomes).toEqual(Object.fromEntries(steps.map((s) => [s.name, s.extra?.some((e) => e.includes('Irreversible')) ? 'irreversible' : 'verified'])));
    expect(report.migrations.find((m) => m.name.endsWith('data_only'))!.irreversibleReason).toBe('data');
  });

  it('records empty differences for each verified migration', () => {
    for (const m of report.migrations.filter((x) => x.outcome === 'verified')) {
      expect(m.downDiff).toEqual([]);
      expect(m.reupDiff).toEqual([]);
    }
  });

  it('notes that statements outside a transaction cannot be traced', () => {
    const m = report.migrations.find((x) => x.name.endsWith('no_transaction'))!;
    expect(m.statements.map((s) => [s.direction, s.traced])).toEqual([
      ['up', false],
      ['down', false],
    ]);
  });
});
