import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync, unlinkSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMigrations, getStatus } from '../../../src/runner/run.js';
import { acknowledgeModified } from '../../../src/runner/acknowledge.js';
import { getHistory } from '../../../src/runner/history.js';
import { PgwardenError } from '../../../src/errors.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { createTestDatabase, query } from '../../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../../support/project.js';

const A = '20260101000000';
const B = '20260102000000';
const C = '20260103000000';

describe('the ledger: checksums, acknowledgements, missing files, out of order, dry runs', () => {
  let project: TempProject;
  let db: DatabaseHandle;
  beforeEach(async () => {
    project = tempProject();
    db = await createTestDatabase();
    project.write(`${A}_a.sql`, sqlMigration(A, undefined, 'CREATE TABLE a (id int);', 'DROP TABLE a;'));
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id int);', 'DROP TABLE b;'));
  });
  afterEach(async () => {
    await db.close();
    project.cleanup();
  });

  it('records revision, name, checksum, who and how long for each migration', async () => {
    await runMigrations(project.config, db, 'up');
    const rows = await query<Record<string, unknown>>(db.url, 'SELECT * FROM pgwarden.ledger ORDER BY revision');
    expect(rows.map((r) => r.revision)).toEqual([A, B]);
    expect(rows[0]!.name).toBe(`${A}_a`);
    expect(rows[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.applied_by).toBe('postgres');
    expect(String(rows[0]!.applied_with)).toMatch(/^pgwarden\/\d+\.\d+\.\d+ .+@.+ pid \d+$/);
    expect(typeof rows[0]!.duration_ms).toBe('number');
    expect(rows[0]!.state).toBe('applied');
  });

  it('stops up when an applied file changed, until a person acknowledges it', async () => {
    await runMigrations(project.config, db, 'up');
    const path = join(project.migrationsDir, `${A}_a.sql`);
    writeFileSync(path, readFileSync(path, 'utf8').replace('-- Up Migration', '-- A reviewer asked for this comment.\n-- Up Migration'));
    project.write(`${C}_c.sql`, sqlMigration(C, B, 'CREATE TABLE c (id int);', 'DROP TABLE c;'));
    const status = await getStatus(project.config, db);
    expect(status.migrations.map((m) => [m.revision, m.state])).toEqual([
      [A, 'modified'],
      [B, 'applied'],
      [C, 'pending'],
    ]);
    const error = await runMigrations(project.config, db, 'up').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PgwardenError);
    expect((error as PgwardenError).code).toBe('MIGRATION_MODIFIED');
    expect((error as PgwardenError).problems[0]!.message).toContain(`migrations/${A}_a.sql was changed after it was applied`);
    expect((await query(db.url, `SELECT to_regclass('public.c') AS c`))[0]!.c).toBeNull();

    await expect(acknowledgeModified(project.config, db, A, '')).rejects.toThrow(/needs --reason/);
    const ack = await acknowledgeModified(project.config, db, A, 'comment only');
    expect(ack.previousChecksum).not.toBe(ack.checksum);
    const result = await runMigrations(project.config, db, 'up');
    expect(result.migrations.map((m) => m.revision)).toEqual([C]);
    const history = await getHistory(project.config, db);
    const event = history.events.find((e) => e.action === 'acknowledge');
    expect(event?.detail).toMatchObject({ reason: 'comment only', previousChecksum: ack.previousChecksum });
  });

  it('reports an applied migration whose file is gone as missing, and a pending one before applied ones as out of order', async () => {
    await runMigrations(project.config, db, 'up');
    unlinkSync(join(project.migrationsDir, `${B}_b.sql`));
    let status = await getStatus(project.config, db);
    expect(status.migrations.find((m) => m.revision === B)?.state).toBe('missing');
    expect(status.clean).toBe(false);
    await expect(runMigrations(project.config, db, 'up')).rejects.toMatchObject({ code: 'MIGRATION_MODIFIED' });

    // Out of order: B comes back re-parented after C, but C was applied on top of A meanwhile.
    const other = tempProject();
    try {
      const db2 = await createTestDatabase();
      try {
        other.write(`${A}_a.sql`, sqlMigration(A, undefined, 'CREATE TABLE a (id int);', 'DROP TABLE a;'));
        other.write(`${C}_c.sql`, sqlMigration(C, A, 'CREATE TABLE c (id int);', 'DROP TABLE c;'));
        await runMigrations(other.config, db2, 'up');
        unlinkSync(join(other.migrationsDir, `${C}_c.sql`));
        other.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id int);', 'DROP TABLE b;'));
        other.write(`${C}_c.sql`, sqlMigration(C, B, 'CREATE TABLE c (id int);', 'DROP TABLE c;'));
        status = await getStatus(other.config, db2);
        expect(status.migrations.find((m) => m.revision === B)).toMatchObject({ state: 'pending', outOfOrder: true });
        // Re-parenting C changed its file: that too must be acknowledged.
        expect(status.migrations.find((m) => m.revision === C)?.state).toBe('modified');
        await acknowledgeModified(other.config, db2, C, 're-parented after B');
        const refused = (await runMigrations(other.config, db2, 'up').catch((e: unknown) => e)) as PgwardenError;
        expect(refused.problems.map((p) => p.message).join('\n')).toContain(`migrations/${B}_b.sql is pending but newer migrations are already applied (out of order)`);
        const applied = await runMigrations(other.config, db2, 'up', { outOfOrder: true });
        expect(applied.migrations.map((m) => m.revision)).toEqual([B]);
      } finally {
        await db2.close();
      }
    } finally {
      other.cleanup();
    }
  });

  it('dry run prints the SQL and creates nothing, not even the ledger', async () => {
    const result = await runMigrations(project.config, db, 'up', { dryRun: true });
    expect(result.dryRun).toBe(true);
    expect(result.migrations.map((m) => m.sql?.join('\n').trim())).toEqual(['CREATE TABLE a (id int);', 'CREATE TABLE b (id int);']);
    const rows = await query(db.url, `SELECT to_regclass('public.a') AS a, to_regnamespace('pgwarden') AS s`);
    expect(rows[0]).toEqual({ a: null, s: null });
  });

  it('dry run takes no lock: it works while another run holds the lock, which blocks a real run', async () => {
    await runMigrations(project.config, db, 'up', { count: 1 });
    const { connect } = await import('../../../src/runner/session.js');
    const { acquireRunLock, releaseRunLock } = await import('../../../src/runner/lock.js');
    const holder = await connect(db, { applicationName: 'another deploy' });
    try {
      await acquireRunLock(holder, project.config.ledger);
      await expect(runMigrations(project.config, db, 'up', { dryRun: true })).resolves.toMatchObject({ dryRun: true });
      const refused = (await runMigrations(project.config, db, 'up').catch((e: unknown) => e)) as PgwardenError;
      expect(refused.code).toBe('LOCK_HELD');
      expect(refused.message).toContain('The migration lock is held by another deploy');
      await releaseRunLock(holder, project.config.ledger);
    } finally {
      await holder.end();
    }
  });

  it('names the holder of the lock on this database, not a run on another database of the server', async () => {
    const { connect } = await import('../../../src/runner/session.js');
    const { acquireRunLock, releaseRunLock } = await import('../../../src/runner/lock.js');
    const other = await createTestDatabase();
    const elsewhere = await connect(other, { applicationName: 'a run on another database' });
    const holder = await connect(db, { applicationName: 'another deploy' });
    try {
      await acquireRunLock(elsewhere, project.config.ledger);
      await acquireRunLock(holder, project.config.ledger);
      const refused = (await runMigrations(project.config, db, 'up').catch((e: unknown) => e)) as PgwardenError;
      expect(refused.code).toBe('LOCK_HELD');
      expect(refused.message).toContain('The migration lock is held by another deploy');
      await releaseRunLock(holder, project.config.ledger);
      await releaseRunLock(elsewhere, project.config.ledger);
    } finally {
      await holder.end();
      await elsewhere.end();
      await other.close();
    }
  });

  it('rolls back with --to and --count in reverse order', async () => {
    project.write(`${C}_c.sql`, sqlMigration(C, B, 'CREATE TABLE c (id int);', 'DROP TABLE c;'));
    await runMigrations(project.config, db, 'up');
    const down = await runMigrations(project.config, db, 'down', { to: A });
    expect(down.migrations.map((m) => m.revision)).toEqual([C, B]);
    await runMigrations(project.config, db, 'up', { to: B });
    expect((await getStatus(project.config, db)).migrations.map((m) => m.state)).toEqual(['applied', 'applied', 'pending']);
    const all = await runMigrations(project.config, db, 'down', { to: '0' });
    expect(all.migrations.map((m) => m.revision)).toEqual([B, A]);
    expect((await query(db.url, `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`))[0]!.n).toBe(0);
  });

  it('refuses to roll back an irreversible migration and says why', async () => {
    project.write(`${C}_c.sql`, sqlMigration(C, B, 'DROP TABLE b;', undefined, ['--! Irreversible: the data of b is gone for good']));
    await runMigrations(project.config, db, 'up');
    await expect(runMigrations(project.config, db, 'down')).rejects.toThrow(/irreversible \(the data of b is gone for good\)/);
  });
});
