import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { runMigrations } from '../../../src/runner/run.js';
import { resolveConfig } from '../../../src/config/load.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { createTestDatabase, query } from '../../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../../support/project.js';

const A = '20260101000000';
const B = '20260102000000';
const C = '20260103000000';

describe('lock_timeout and statement_timeout', () => {
  let project: TempProject;
  let db: DatabaseHandle;
  let holder: pg.Client;
  beforeEach(async () => {
    project = tempProject();
    db = await createTestDatabase();
    project.write(`${A}_a.sql`, sqlMigration(A, undefined, 'CREATE TABLE a (id int);', 'DROP TABLE a;'));
    await runMigrations(project.config, db, 'up');
    holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await holder.query('BEGIN; LOCK TABLE a IN ACCESS SHARE MODE;');
  });
  afterEach(async () => {
    await holder.end();
    await db.close();
    project.cleanup();
  });

  it('the configured lock_timeout stops a migration waiting on a busy table', async () => {
    const config = { ...resolveConfig({ runner: { lockTimeout: '300ms' } }, undefined, project.root) };
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'ALTER TABLE a ADD COLUMN x int;', 'ALTER TABLE a DROP COLUMN x;'));
    const started = Date.now();
    await expect(runMigrations(config, db, 'up')).rejects.toThrow(/canceling statement due to lock timeout \(SQLSTATE 55P03\)/);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('a migration header overrides it for that migration only', async () => {
    const config = resolveConfig({ runner: { lockTimeout: '300ms' } }, undefined, project.root);
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'SELECT 1;', 'SELECT 1;', ['--! Lock-Timeout: 10s']));
    project.write(`${C}_c.sql`, sqlMigration(C, B, "SELECT current_setting('lock_timeout') AS t;\nALTER TABLE a ADD COLUMN x int;", 'ALTER TABLE a DROP COLUMN x;', ['--! Lock-Timeout: 2s']));
    setTimeout(() => void holder.query('COMMIT'), 1000);
    const result = await runMigrations(config, db, 'up');
    expect(result.migrations.map((m) => m.revision)).toEqual([B, C]);
    expect(await query(db.url, `SELECT column_name FROM information_schema.columns WHERE table_name = 'a' AND column_name = 'x'`)).toEqual([{ column_name: 'x' }]);
  });

  it('statement_timeout from a header cancels a long statement', async () => {
    await holder.query('COMMIT');
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'SELECT pg_sleep(5);', 'SELECT 1;', ['--! Statement-Timeout: 200ms']));
    await expect(runMigrations(project.config, db, 'up')).rejects.toThrow(/canceling statement due to statement timeout \(SQLSTATE 57014\)/);
  });
});
