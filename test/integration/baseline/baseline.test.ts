import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markBaselineApplied, planBaseline, writeBaseline } from '../../../src/baseline/baseline.js';
import { diffSnapshots } from '../../../src/catalog/diff.js';
import { snapshotDatabase, snapshotOptionsFor } from '../../../src/catalog/snapshot.js';
import { canonicalSnapshot, principalOwner } from '../../../src/docs/canonical.js';
import { lintHistory } from '../../../src/lint/engine.js';
import { loadMigrations } from '../../../src/migrations/load.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { readEvents } from '../../../src/runner/ledger.js';
import { getStatus, runMigrations } from '../../../src/runner/run.js';
import { adminUrl, createTestDatabase, query } from '../../support/db.js';
import { tempProject, type TempProject } from '../../support/project.js';

async function canonical(db: DatabaseHandle, project: TempProject) {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const raw = await snapshotDatabase(client, snapshotOptionsFor(project.config));
    return canonicalSnapshot(raw, principalOwner(raw)!);
  } finally {
    await client.end();
  }
}

describe('pgwarden baseline', () => {
  let project: TempProject;
  let source: TempProject;
  let dbs: DatabaseHandle[];
  const suffix = randomBytes(3).toString('hex');
  const owner = `bl_owner_${suffix}`;
  const reader = `bl_reader_${suffix}`;
  beforeEach(async () => {
    project = tempProject();
    source = tempProject({ copyReference: true });
    dbs = [];
    await query(adminUrl(), `CREATE ROLE ${owner} NOLOGIN; CREATE ROLE ${reader} NOLOGIN`);
  });
  afterEach(async () => {
    for (const db of dbs) await db.close();
    await query(adminUrl(), `DROP ROLE IF EXISTS ${owner}; DROP ROLE IF EXISTS ${reader}`);
    project.cleanup();
    source.cleanup();
  });

  it('generates a first migration that reproduces the database, records it as applied there, and it rebuilds the same schema elsewhere', async () => {
    // A database built without pgwarden: the reference schema, its ledger removed, plus objects of other owners and grants.
    const target = await createTestDatabase();
    dbs.push(target);
    await runMigrations(source.config, target, 'up');
    await query(
      target.url,
      `DROP SCHEMA pgwarden CASCADE;
       CREATE SCHEMA reporting;
       CREATE TYPE reporting.period AS ENUM ('day', 'week');
       CREATE VIEW reporting.job_counts AS SELECT target_id, count(*) AS jobs FROM public.jobs GROUP BY target_id;
       COMMENT ON VIEW reporting.job_counts IS 'Jobs per target.';
       CREATE TABLE reporting.snapshots (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, period reporting.period NOT NULL, taken_at timestamptz NOT NULL DEFAULT now());
       ALTER TABLE reporting.snapshots OWNER TO ${owner};
       GRANT USAGE ON SCHEMA reporting TO ${reader};
       GRANT SELECT ON reporting.job_counts, reporting.snapshots TO ${reader};`,
    );
    const before = await canonical(target, project);

    const plan = await planBaseline(project.config, target, { now: new Date('2026-06-01T08:00:00Z'), description: 'Baseline of the fleet database' });
    expect(plan.explained).toEqual([]);
    expect(plan.differences).toEqual([]);
    // An expression that came back with another parse tree would be a difference: schema.sql writes
    // the CHECK on a varchar column with IN (...) (ck_user_actions_outcome) with its whole-array
    // cast, so it rebuilds as it was. Same major version: nothing left out either.
    expect(plan.leftOut).toEqual([]);
    expect(plan.roles).toEqual([owner, reader]);
    expect(plan.counts.tables).toBe(Object.keys(before.tables).length);
    expect(plan.text).toMatch(/^--! Revision: 20260601080000\n--! Description: Baseline of the fleet database\n--! Irreversible: baseline of an existing database/);
    expect(plan.text).toContain(`ALTER TABLE reporting.snapshots OWNER TO ${owner};`);
    // Nothing written or recorded yet.
    expect(loadMigrations(project.migrationsDir)).toEqual([]);
    expect(await query(target.url, "SELECT to_regclass('pgwarden.ledger') AS t")).toEqual([{ t: null }]);

    writeBaseline(plan);
    await markBaselineApplied(project.config, target, plan);
    const status = await getStatus(project.config, target);
    expect(status.migrations.map((m) => [m.name, m.state])).toEqual([['20260601080000_baseline', 'applied']]);
    expect(status.clean).toBe(true);
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      const events = await readEvents(client, project.config.ledger);
      expect(events.map((e) => [e.action, e.revision])).toEqual([['baseline', '20260601080000']]);
    } finally {
      await client.end();
    }
    // The target itself is unchanged by the baseline (only the ledger was added, which snapshots leave out).
    expect(diffSnapshots(before, await canonical(target, project))).toEqual([]);

    // Round trip on the test server: the written migration builds the same schema from nothing.
    const fresh = await createTestDatabase();
    dbs.push(fresh);
    await runMigrations(project.config, fresh, 'up');
    expect(diffSnapshots(before, await canonical(fresh, project)).map((d) => `${d.object} ${d.path}`)).toEqual([]);
    // It is irreversible by declaration: the runner refuses to roll it back.
    await expect(runMigrations(project.config, fresh, 'down')).rejects.toThrow(/irreversible|Irreversible/);

    const lint = await lintHistory(project.config, { cache: false });
    expect(lint.findings.filter((f) => ['require-down', 'revision-header', 'syntax-error', 'transaction-nesting'].includes(f.rule))).toEqual([]);
    expect(readFileSync(plan.path, 'utf8')).toBe(plan.text);
  });

  it('refuses a project that already has migrations, and a database that already has a ledger', async () => {
    const target = await createTestDatabase();
    dbs.push(target);
    await expect(planBaseline(source.config, target)).rejects.toThrow(/already holds migrations/);
    await runMigrations(source.config, target, 'up', { count: 1 });
    await expect(planBaseline(project.config, target)).rejects.toThrow(/already has 1 migration\(s\) in its ledger/);
  });
});
