import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PgwardenError } from '../../../src/errors.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { runMigrations } from '../../../src/runner/run.js';
import { adminUrl, createTestDatabase, query } from '../../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../../support/project.js';

const A = '20260101000000';
const B = '20260102000000';
/** What a migration sees of the time zone: its name, a timestamp literal without a zone, and the date of it. */
const RECORD = (table: string) => `CREATE TABLE ${table} AS SELECT current_setting('TimeZone') AS zone, '2026-06-01 00:30'::timestamptz AS at, '2026-06-01 12:00+00'::timestamptz::date::text AS day;`;

describe('runner.timeZone', () => {
  let db: DatabaseHandle;
  const projects: TempProject[] = [];
  beforeEach(async () => {
    db = await createTestDatabase();
    // A database whose default time zone is 14 hours ahead of UTC.
    await query(adminUrl(), `ALTER DATABASE "${decodeURIComponent(new URL(db.url).pathname.slice(1))}" SET timezone = 'Pacific/Kiritimati'`);
  });
  afterEach(async () => {
    await db.close();
    for (const p of projects.splice(0)) p.cleanup();
  });
  const project = (runner: Record<string, string>) => {
    const p = tempProject({ config: { runner } });
    projects.push(p);
    p.write(`${A}_a.sql`, sqlMigration(A, undefined, RECORD('seen_a'), 'DROP TABLE seen_a;'));
    p.write(`${B}_b.sql`, sqlMigration(B, A, RECORD('seen_b'), 'DROP TABLE seen_b;', ['--! Transaction: none']));
    return p;
  };

  it('runs every migration (in a transaction or not) in the configured time zone, whatever the database says', async () => {
    const p = project({ timeZone: 'UTC' });
    await runMigrations(p.config, db, 'up');
    for (const table of ['seen_a', 'seen_b']) {
      const [row] = await query<{ zone: string; at: Date; day: string }>(db.url, `SELECT zone, at, day FROM ${table}`);
      expect(row!.zone).toBe('UTC');
      expect(row!.at.toISOString()).toBe('2026-06-01T00:30:00.000Z');
      expect(row!.day).toBe('2026-06-01');
    }
  });

  it('without it, a migration runs in the time zone of the server, database or role, as node-pg-migrate and Flyway do', async () => {
    const p = project({});
    await runMigrations(p.config, db, 'up');
    const [row] = await query<{ zone: string; at: Date; day: string }>(db.url, `SELECT zone, at, day FROM seen_a`);
    expect(row!.zone).toBe('Pacific/Kiritimati');
    expect(row!.at.toISOString()).toBe('2026-05-31T10:30:00.000Z');
    expect(row!.day).toBe('2026-06-02');
  });

  it('a zone the server does not know is a configuration error (exit 2) before anything is touched', async () => {
    // The config loader checks the name against Node's time zone database; the server has its own.
    const p = project({ timeZone: 'Nowhere/Atlantis' });
    const error = await runMigrations(p.config, db, 'up').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PgwardenError);
    expect((error as PgwardenError).exitCode).toBe(2);
    expect((error as PgwardenError).message).toContain('runner.timeZone "Nowhere/Atlantis" is not a time zone this server knows');
    expect(await query(db.url, `SELECT to_regclass('pgwarden.ledger') AS ledger`)).toEqual([{ ledger: null }]);
  });
});
