import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/providers/types.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, query } from '../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../support/project.js';

const A = '20260101000000';
const B = '20260102000000';

/** After a failed down, the fix it asks for (its down section) is accepted by the next down; nothing else is. */
describe('down after a failed down', () => {
  let project: TempProject;
  let db: DatabaseHandle;
  const cli = (args: string[]) => runCli([...args, '--url', db.url], { cwd: project.root });
  beforeEach(async () => {
    project = tempProject();
    db = await createTestDatabase();
    project.write(`${A}_a.sql`, sqlMigration(A, undefined, 'CREATE TABLE a (id int);', 'DROP TABLE a;'));
    // The down names a table that does not exist: it fails, and is rolled back.
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id int);', 'DROP TABLE b_typo;'));
    expect((await cli(['up'])).code).toBe(0);
  });
  afterEach(async () => {
    await db.close();
    project.cleanup();
  });
  const failDown = async () => {
    const r = await cli(['down']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('table "b_typo" does not exist');
    expect(r.stderr).toContain('fix its down section and run pgwarden down --url <the same URL> again (a change to the down section alone is accepted then; any other change to the file needs pgwarden acknowledge first).');
  };
  const tables = async () => (await query<{ t: string }>(db.url, "SELECT string_agg(tablename, ',' ORDER BY tablename) AS t FROM pg_tables WHERE schemaname = 'public'"))[0]!.t;

  it('a fixed down section runs on the next down, recorded as an acknowledgement; the up section is as applied', async () => {
    await failDown();
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id int);', 'DROP TABLE b;'));
    // status shows the file as modified until then; down accepts it.
    expect((await cli(['status', '--json'])).stdout).toContain('"state": "modified"');
    const r = await cli(['down']);
    expect(r.stderr + r.stdout).not.toContain('MIGRATION_MODIFIED');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Rolled back 1 migration(s)`);
    expect(await tables()).toBe('a');
    const events = await query<{ action: string; detail: Record<string, unknown> | null }>(db.url, 'SELECT action, detail FROM pgwarden.ledger_events ORDER BY id');
    expect(events.map((e) => e.action)).toEqual(['up', 'up', 'failed', 'acknowledge', 'down']);
    expect(events[3]!.detail).toMatchObject({ automatic: true, reason: expect.stringContaining('only the down section changed after the down of') });
    // history says it in words; --json keeps the detail as recorded.
    const history = await cli(['history']);
    expect(history.stdout).toContain('      down failed: table "b_typo" does not exist');
    expect(history.stdout).toContain('      recorded by pgwarden: reason: only the down section changed after the down of');
    expect(history.stdout).not.toMatch(/[{}]/);
    expect(JSON.parse((await cli(['history', '--json'])).stdout).events[1].detail).toMatchObject({ automatic: true });
  });

  it('a second failure of the fixed down is accepted again once the down is fixed for good', async () => {
    await failDown();
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id int);', 'DROP TABLE b_typo2;'));
    expect((await cli(['down'])).stderr).toContain('table "b_typo2" does not exist');
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id int);', 'DROP TABLE b;'));
    const r = await cli(['down']);
    expect(r.code, r.stderr).toBe(0);
    expect(await tables()).toBe('a');
  });

  it('a change to the up section (or the header) after the failed down is refused, saying to acknowledge it and run down again with the same target', async () => {
    await failDown();
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id bigint);', 'DROP TABLE b;'));
    let r = await cli(['down']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[MIGRATION_MODIFIED]');
    expect(r.stderr).toContain(`migrations/${B}_b.sql was changed after its down failed (`);
    expect(r.stderr).toContain(`pgwarden cannot tell that only its down section changed`);
    expect(r.stderr).toContain(`record the change: pgwarden acknowledge ${B} --url <the same URL> --reason "...", then run pgwarden down --url <the same URL> again`);
    expect(await tables()).toBe('a,b');
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id int);', 'DROP TABLE b;', ['--! Lock-Timeout: 1s']));
    r = await cli(['down']);
    expect(r.code).toBe(1);
    expect(await tables()).toBe('a,b');
  });

  it('without a failed down, a changed down section is still a modified migration', async () => {
    project.write(`${A}_a.sql`, sqlMigration(A, undefined, 'CREATE TABLE a (id int);', 'DROP TABLE IF EXISTS a;'));
    const r = await cli(['down', '--to', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`migrations/${A}_a.sql was changed after it was applied`);
    expect(await tables()).toBe('a,b');
  });
});
