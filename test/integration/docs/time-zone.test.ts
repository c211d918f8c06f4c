import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotOf, snapshotOptionsFor } from '../../../src/catalog/snapshot.js';
import { generateDocs } from '../../../src/docs/generate.js';
import { writeDocs } from '../../../src/docs/write.js';
import { checkDrift } from '../../../src/drift/drift.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { runMigrations } from '../../../src/runner/run.js';
import { runCli } from '../../support/cli.js';
import { adminUrl, createTestDatabase, query } from '../../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../../support/project.js';

/** timestamptz constants in a default, a CHECK constraint and a partition bound. */
const TIMESTAMPTZ_CONSTANTS = `
CREATE TABLE jobs (id bigint PRIMARY KEY);
COMMENT ON TABLE jobs IS 'Jobs.';
COMMENT ON COLUMN jobs.id IS 'Key.';
ALTER TABLE jobs ADD COLUMN not_before timestamptz NOT NULL DEFAULT '2026-01-01 00:00:00+00';
COMMENT ON COLUMN jobs.not_before IS 'Not run before this.';
ALTER TABLE jobs ADD CONSTRAINT ck_jobs_not_before CHECK (not_before >= '2020-01-01 00:00:00+00');
CREATE TABLE events (id bigint NOT NULL, at timestamptz NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
COMMENT ON TABLE events IS 'Events.';
COMMENT ON COLUMN events.id IS 'Key.';
COMMENT ON COLUMN events.at IS 'When.';
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');
`;

const databaseName = (db: DatabaseHandle) => decodeURIComponent(new URL(db.url).pathname.slice(1));

describe('catalog text does not depend on the time zone', () => {
  let project: TempProject;
  const databases: DatabaseHandle[] = [];
  beforeAll(() => {
    project = tempProject();
    project.write('20260101000000_jobs.sql', sqlMigration('20260101000000', undefined, TIMESTAMPTZ_CONSTANTS, 'DROP TABLE events; DROP TABLE jobs;'));
  });
  afterAll(async () => {
    for (const db of databases) await db.close();
    project?.cleanup();
  });

  /** A database built by the migrations, whose time zone is Asia/Tokyo. */
  let tokyo: DatabaseHandle;
  beforeAll(async () => {
    tokyo = await createTestDatabase();
    databases.push(tokyo);
    await query(adminUrl(), `ALTER DATABASE "${databaseName(tokyo)}" SET timezone = 'Asia/Tokyo'`);
    await runMigrations(project.config, tokyo, 'up');
    expect(await query(tokyo.url, 'SHOW timezone')).toEqual([{ TimeZone: 'Asia/Tokyo' }]);
  });

  it('the snapshot prints timestamptz constants in UTC', async () => {
    const snapshot = await snapshotOf(tokyo, snapshotOptionsFor(project.config));
    expect(snapshot.tables['public.jobs']!.columns.find((c) => c.name === 'not_before')!.default).toBe("'2026-01-01 00:00:00+00'::timestamp with time zone");
    expect(snapshot.tables['public.jobs']!.constraints.find((c) => c.name === 'ck_jobs_not_before')!.definition).toBe("CHECK ((not_before >= '2020-01-01 00:00:00+00'::timestamp with time zone))");
    expect(snapshot.tables['public.events_2026']!.partitionOf!.bound).toBe("FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2027-01-01 00:00:00+00')");
  });

  it('drift finds nothing on a database whose time zone is not UTC', async () => {
    writeDocs(await generateDocs(project.config, { url: adminUrl() }));
    const report = await checkDrift(project.config, { url: tokyo.url });
    expect(report.findings).toEqual([]);
    expect(report.clean).toBe(true);
  });

  it('docs --check passes on an embedded server started under another TZ', async () => {
    const written = await runCli(['docs', '--url', adminUrl()], { cwd: project.root });
    expect(written.code).toBe(0);
    // No --url: the embedded throwaway cluster, whose initdb takes the server's time zone from TZ.
    const check = await runCli(['docs', '--check'], { cwd: project.root, env: { TZ: 'America/New_York' } });
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain('schema/ is current');
    expect(check.code).toBe(0);
    expect(readFileSync(join(project.root, 'schema', 'snapshot.json'), 'utf8')).toContain("'2026-01-01 00:00:00+00'::timestamp with time zone");
  });
});
