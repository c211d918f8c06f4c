import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMigrations, getStatus } from '../../../src/runner/run.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { createTestDatabase, query } from '../../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../../support/project.js';

describe('up and down', () => {
  let project: TempProject;
  let db: DatabaseHandle;
  beforeEach(async () => {
    project = tempProject();
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.close();
    project.cleanup();
  });

  it('applies in revision order, records the ledger, and rolls back', async () => {
    project.write('20260101000000_a.sql', sqlMigration('20260101000000', undefined, 'CREATE TABLE a (id int);', 'DROP TABLE a;'));
    project.write('20260102000000_b.sql', sqlMigration('20260102000000', '20260101000000', 'CREATE TABLE b (id int);', 'DROP TABLE b;'));
    const result = await runMigrations(project.config, db, 'up');
    expect(result.migrations.map((m) => m.revision)).toEqual(['20260101000000', '20260102000000']);
    const tables = await query<{ t: string }>(db.url, `SELECT string_agg(tablename, ',' ORDER BY tablename) AS t FROM pg_tables WHERE schemaname = 'public'`);
    expect(tables[0]!.t).toBe('a,b');
    const status = await getStatus(project.config, db);
    expect(status.migrations.map((m) => m.state)).toEqual(['applied', 'applied']);
    const down = await runMigrations(project.config, db, 'down');
    expect(down.migrations.map((m) => m.revision)).toEqual(['20260102000000']);
    const after = await getStatus(project.config, db);
    expect(after.migrations.map((m) => m.state)).toEqual(['applied', 'pending']);
  });
});
