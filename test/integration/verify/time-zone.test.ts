import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCheck } from '../../../src/check/check.js';
import { generateDocs } from '../../../src/docs/generate.js';
import { writeDocs } from '../../../src/docs/write.js';
import { PgwardenError } from '../../../src/errors.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { throwawayDatabaseOn } from '../../../src/providers/url.js';
import { runMigrations } from '../../../src/runner/run.js';
import { verifyHistory } from '../../../src/verify/verify.js';
import { createLoginRole, query } from '../../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../../support/project.js';

/** Raises unless the session runs in `zone`: a migration that only works in the project's zone. */
const REQUIRE_ZONE = (zone: string) => `DO $$ BEGIN IF current_setting('TimeZone') <> '${zone}' THEN RAISE EXCEPTION 'this migration runs in ${zone}, not %', current_setting('TimeZone'); END IF; END $$;`;
/** A partition bound written without a zone: the instant it stands for is the session's midnight. */
const EVENTS = "CREATE TABLE events (at timestamptz NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE events_2026_06 PARTITION OF events FOR VALUES FROM ('2026-06-01') TO ('2026-07-01');";

/**
 * runner.timeZone under verify (and check, which verifies first). The sessions of a login role of
 * its own default to Pacific/Kiritimati (UTC+14), as a server, database or role with another zone
 * would; the project asks for Asia/Tokyo (UTC+9).
 */
describe('runner.timeZone in verify', () => {
  let url: string;
  let dropRole: () => Promise<void>;
  const projects: TempProject[] = [];
  const databases: DatabaseHandle[] = [];
  beforeEach(async () => {
    ({ url, drop: dropRole } = await createLoginRole('pgw_tz', { timezone: 'Pacific/Kiritimati' }));
  });
  afterEach(async () => {
    for (const db of databases.splice(0)) await db.close().catch(() => {});
    await dropRole();
    for (const p of projects.splice(0)) p.cleanup();
  });

  const project = (timeZone: string | undefined, steps: Array<{ up: string; down: string; extra?: string[] }>) => {
    // The docs rules are not what the check test is about.
    const p = tempProject({ config: { ...(timeZone ? { runner: { timeZone } } : {}), docs: { requireComment: 'off', requirePrimaryKey: 'off' } } });
    projects.push(p);
    steps.forEach((step, i) => p.write(`2026010100${String(i).padStart(2, '0')}00_m${i}.sql`, sqlMigration(`2026010100${String(i).padStart(2, '0')}00`, i > 0 ? `2026010100${String(i - 1).padStart(2, '0')}00` : undefined, step.up, step.down, step.extra)));
    return p;
  };
  const database = async () => {
    const db = await throwawayDatabaseOn(url);
    databases.push(db);
    return db;
  };

  it('replays ups and downs in the configured zone, in a transaction or not, in the first database and in a rebuilt one, as up does', async () => {
    const p = project('Asia/Tokyo', [
      { up: REQUIRE_ZONE('Asia/Tokyo'), down: REQUIRE_ZONE('Asia/Tokyo') },
      // Down forgets the type: up cannot be applied again, and verify rebuilds in a new database.
      { up: "CREATE TYPE status AS ENUM ('a');", down: 'SELECT 1;' },
      { up: `${REQUIRE_ZONE('Asia/Tokyo')}\nCREATE TABLE t (id int);`, down: `${REQUIRE_ZONE('Asia/Tokyo')}\nDROP TABLE t;`, extra: ['--! Transaction: none'] },
    ]);
    const report = await verifyHistory(p.config, await database(), { snapshots: 'checked' });
    expect(report.findings.map((f) => [f.file, f.ruleId])).toEqual([
      ['migrations/20260101000100_m1.sql', 'down-restores-schema'],
      ['migrations/20260101000100_m1.sql', 'up-reapplies'],
    ]);
    expect(report.migrations.map((m) => m.outcome)).toEqual(['verified', 'failed', 'verified']);

    // The same history under up, on the same server as the same role.
    await runMigrations(p.config, await database(), 'up');
  });

  it('without it, verify replays in the zone of the server, database or role, as up does', async () => {
    const p = project(undefined, [{ up: REQUIRE_ZONE('Pacific/Kiritimati'), down: 'SELECT 1;' }]);
    const report = await verifyHistory(p.config, await database());
    expect(report.findings).toEqual([]);
  });

  it('a zone the server does not know is a configuration error (exit 2) before any migration runs', async () => {
    const p = project('Nowhere/Atlantis', [{ up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' }]);
    const db = await database();
    const error = await verifyHistory(p.config, db).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PgwardenError);
    expect((error as PgwardenError).exitCode).toBe(2);
    expect((error as PgwardenError).message).toContain('runner.timeZone "Nowhere/Atlantis" is not a time zone this server knows');
    expect(await query(db.url, `SELECT to_regclass('public.t') AS t`)).toEqual([{ t: null }]);
  });

  it("check's docs step, which reads the database verify built, finds the schema pgwarden docs wrote (a partition bound without a zone) current", async () => {
    const p = project('Asia/Tokyo', [{ up: EVENTS, down: 'DROP TABLE events;' }]);
    const docs = await generateDocs(p.config, { url });
    expect(docs.files.find((f) => f.name === 'schema.sql')!.content).toContain("FOR VALUES FROM ('2026-05-31 15:00:00+00') TO ('2026-06-30 15:00:00+00')");
    writeDocs(docs);
    const report = await runCheck(p.config, { target: { url }, skip: ['lint', 'roles'] });
    expect(report.steps.map((s) => [s.name, s.status, s.summary])).toEqual([
      ['lint', 'skipped', expect.any(String)],
      ['verify', 'passed', expect.any(String)],
      ['docs', 'passed', expect.any(String)],
      ['roles', 'skipped', expect.any(String)],
    ]);
    expect(report.docs!.stale).toEqual([]);
  });
});
