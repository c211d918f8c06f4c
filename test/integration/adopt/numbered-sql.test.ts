import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planAdoption, PROPOSED_DOWN_MARK, writeAdoption } from '../../../src/adopt/adopt.js';
import { markAdoptedApplied } from '../../../src/adopt/mark-applied.js';
import { lintHistory } from '../../../src/lint/engine.js';
import { loadMigrations } from '../../../src/migrations/load.js';
import { linearHistory } from '../../../src/migrations/graph.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { readEvents, readLedger } from '../../../src/runner/ledger.js';
import { getStatus, runMigrations } from '../../../src/runner/run.js';
import { ensureParser, parseSql } from '../../../src/sql/parse.js';
import { verifyHistory } from '../../../src/verify/verify.js';
import { createTestDatabase, query } from '../../support/db.js';
import { tempProject, type TempProject } from '../../support/project.js';

/** A project of plain numbered SQL files, each managing its own transaction, as a team writes them by hand. */
const LEGACY: Record<string, string> = {
  '001_add_target_groups.sql': `-- Named groups of targets.
BEGIN;
CREATE TABLE target_groups (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE
);
CREATE INDEX target_groups_lower_name_idx ON target_groups (lower(name));
COMMENT ON TABLE target_groups IS 'Named groups of targets.';
COMMIT;
`,
  '002_add_targets.sql': `BEGIN;
CREATE TYPE target_kind AS ENUM ('host', 'container');
CREATE TABLE targets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  group_id bigint REFERENCES target_groups (id),
  kind target_kind NOT NULL
);
CREATE INDEX targets_group_id_idx ON targets (group_id);
ALTER TABLE target_groups ADD COLUMN description text;
COMMENT ON COLUMN target_groups.description IS 'What the group is for.';
CREATE FUNCTION targets_in_group(g bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM targets WHERE group_id = g $$;
GRANT SELECT ON target_groups TO PUBLIC;
COMMIT;
`,
  '003_backfill_descriptions.sql': `UPDATE target_groups SET description = 'none' WHERE description IS NULL;
CREATE INDEX CONCURRENTLY targets_kind_idx ON targets (kind);
`,
  '004_views_and_policies.sql': `BEGIN;
CREATE VIEW group_names AS SELECT id, name FROM target_groups;
CREATE FUNCTION touch_target() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER targets_touch BEFORE UPDATE ON targets FOR EACH ROW EXECUTE FUNCTION touch_target();
ALTER TABLE targets ENABLE ROW LEVEL SECURITY;
CREATE POLICY targets_all ON targets USING (true);
ALTER TABLE target_groups RENAME COLUMN description TO summary;
ALTER TABLE target_groups ADD CONSTRAINT ck_target_groups_name CHECK (name <> '');
CREATE SCHEMA audit;
CREATE TABLE audit.events (id bigint PRIMARY KEY, at timestamptz NOT NULL);
CREATE SEQUENCE audit.event_ids;
COMMENT ON TABLE targets IS 'Machines and containers that jobs run on.';
COMMIT;
`,
};

function writeLegacy(project: TempProject): string {
  const dir = join(project.root, 'db', 'sql');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(LEGACY)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('adopting plain numbered SQL files', () => {
  let project: TempProject;
  let dbs: DatabaseHandle[];
  beforeEach(async () => {
    project = tempProject();
    dbs = [];
    await ensureParser();
  });
  afterEach(async () => {
    for (const db of dbs) await db.close();
    project.cleanup();
  });

  it('writes headers, a linear chain of timestamp revisions, strips BEGIN/COMMIT and proposes downs that verify proves', async () => {
    writeLegacy(project);
    const plan = await planAdoption(project.config, { from: 'db/sql', cwd: project.root, now: new Date('2026-03-01T12:00:00Z') });
    expect(plan.layout).toBe('numbered-sql');
    expect(plan.migrations.map((m) => [m.target, m.revision, m.revises, m.down])).toEqual([
      ['migrations/20260301115956_add_target_groups.sql', '20260301115956', undefined, 'proposed'],
      ['migrations/20260301115957_add_targets.sql', '20260301115957', '20260301115956', 'proposed'],
      ['migrations/20260301115958_backfill_descriptions.sql', '20260301115958', '20260301115957', 'incomplete'],
      ['migrations/20260301115959_views_and_policies.sql', '20260301115959', '20260301115958', 'proposed'],
    ]);
    writeAdoption(project.config, plan);
    expect(readdirSync(project.migrationsDir).sort()).toEqual(plan.migrations.map((m) => m.target.slice('migrations/'.length)));

    const files = linearHistory(loadMigrations(project.migrationsDir), project.root);
    expect(files.map((f) => f.problems)).toEqual([[], [], [], []]);
    expect(files[0]!.description).toBe('Named groups of targets');
    expect(files[1]!.description).toBe('Add targets');
    for (const f of files) {
      expect(parseSql(f.up!.sql).filter((s) => s.kind === 'TransactionStmt')).toEqual([]);
    }
    expect(files[2]!.transaction).toBe('none');
    expect(plan.migrations[0]!.strippedTransactions).toBe(2);

    // Statements on objects the same migration creates need no inverse of their own.
    expect(files[0]!.down!.sql).toBe(`${PROPOSED_DOWN_MARK}\nDROP TABLE target_groups;\n`);
    expect(files[1]!.down!.sql.split('\n').slice(1, -1)).toEqual([
      'REVOKE SELECT ON target_groups FROM PUBLIC RESTRICT;',
      'DROP FUNCTION targets_in_group(bigint);',
      'ALTER TABLE target_groups DROP COLUMN description;',
      'DROP TABLE targets;',
      'DROP TYPE target_kind;',
    ]);
    expect(files[2]!.down!.sql).toContain('UPDATE target_groups SET description');
    expect(files[2]!.down!.sql).toContain('--   DROP INDEX CONCURRENTLY targets_kind_idx;');
    expect(files[3]!.down!.sql.split('\n').slice(1, -1)).toEqual([
      'COMMENT ON TABLE targets IS NULL;',
      'DROP SEQUENCE audit.event_ids;',
      'DROP TABLE audit.events;',
      'DROP SCHEMA audit;',
      'ALTER TABLE target_groups DROP CONSTRAINT ck_target_groups_name;',
      'ALTER TABLE target_groups RENAME COLUMN summary TO description;',
      'DROP POLICY targets_all ON targets;',
      'ALTER TABLE targets DISABLE ROW LEVEL SECURITY;',
      'DROP TRIGGER targets_touch ON targets;',
      'DROP FUNCTION touch_target();',
      'DROP VIEW group_names;',
    ]);

    // Lint: the migration whose down could not be written, and the old files' own locking hazards
    // (lint.startAfter lets a team judge only migrations written after the adoption).
    const lint = await lintHistory(project.config, { cache: false });
    expect(lint.findings.filter((f) => f.severity === 'error').map((f) => [f.rule, f.file])).toEqual([
      ['require-down', 'migrations/20260301115958_backfill_descriptions.sql'],
      ['renaming-column', 'migrations/20260301115959_views_and_policies.sql'],
      ['constraint-missing-not-valid', 'migrations/20260301115959_views_and_policies.sql'],
    ]);
    expect(lint.findings.some((f) => f.rule === 'transaction-nesting' || f.rule === 'revision-header' || f.rule === 'revision-chain')).toBe(false);

    // Verify proves every proposed down on a real database.
    const db = await createTestDatabase();
    dbs.push(db);
    const report = await verifyHistory(project.config, db);
    // Every proposed down restores the schema. The fourth old file's CHECK, added after a RENAME
    // in the same transaction, scans target_groups under that ACCESS EXCLUSIVE lock: verify's
    // blocking-lock error, as lint's constraint-missing-not-valid above.
    expect(report.findings.filter((f) => ['down-restores-schema', 'down-fails', 'up-fails', 'up-reapplies'].includes(f.ruleId))).toEqual([]);
    expect(report.findings.filter((f) => f.level === 'error').map((f) => [f.ruleId, f.file])).toEqual([['blocking-lock', 'migrations/20260301115959_views_and_policies.sql']]);
    expect(report.migrations.map((m) => m.outcome)).toEqual(['verified', 'verified', 'irreversible', 'failed']);
  });

  it('marks a database built by the old files as applied through --applied-through, without running them; up applies the rest', async () => {
    const dir = writeLegacy(project);
    const db = await createTestDatabase();
    dbs.push(db);
    // The database as the old tool left it: 001 and 002 applied.
    for (const name of ['001_add_target_groups.sql', '002_add_targets.sql']) await query(db.url, readFileSync(join(dir, name), 'utf8'));
    const plan = await planAdoption(project.config, { from: dir });
    writeAdoption(project.config, plan);

    const dry = await markAdoptedApplied(project.config, db, plan, { appliedThrough: '2', dryRun: true });
    expect(dry.marked).toHaveLength(2);
    expect(await query(db.url, "SELECT to_regclass('pgwarden.ledger') AS t")).toEqual([{ t: null }]);

    const result = await markAdoptedApplied(project.config, db, plan, { appliedThrough: '2' });
    expect(result).toMatchObject({ source: 'applied-through', marked: [plan.migrations[0]!.revision, plan.migrations[1]!.revision], pending: [plan.migrations[2]!.revision, plan.migrations[3]!.revision] });
    let status = await getStatus(project.config, db);
    expect(status.migrations.map((m) => m.state)).toEqual(['applied', 'applied', 'pending', 'pending']);

    // Running the marked ones again would fail (CREATE TABLE target_groups exists): up must skip them.
    const run = await runMigrations(project.config, db, 'up');
    expect(run.migrations.map((m) => m.revision)).toEqual([plan.migrations[2]!.revision, plan.migrations[3]!.revision]);
    status = await getStatus(project.config, db);
    expect(status.clean).toBe(true);

    const again = await markAdoptedApplied(project.config, db, plan, { appliedThrough: '2' });
    expect(again.marked).toEqual([]);
    expect(again.alreadyRecorded).toHaveLength(2);

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const events = await readEvents(client, project.config.ledger);
      expect(events.filter((e) => e.action === 'adopt')).toHaveLength(1);
      expect(events.find((e) => e.action === 'adopt')!.detail).toMatchObject({ source: 'applied-through', marked: result.marked });
      const ledger = await readLedger(client, project.config.ledger);
      expect(ledger.find((r) => r.revision === plan.migrations[0]!.revision)!.appliedWith).toMatch(/adopted from applied-through/);
    } finally {
      await client.end();
    }
  });

  it('refuses to adopt into a migrations folder that already holds other migrations', async () => {
    writeLegacy(project);
    project.write('20250101000000_other.sql', '--! Revision: 20250101000000\n--! Description: Other\n\n-- Up Migration\nSELECT 1;\n');
    await expect(planAdoption(project.config, { from: join(project.root, 'db/sql') })).rejects.toThrow(/already holds migrations/);
  });
});
