import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCli } from '../../support/cli.js';
import { adminUrl, createLoginRole, databasesOwnedBy, query, waitUntil } from '../../support/db.js';
import { projectWith, type Step } from './history.js';

/**
 * `pgwarden verify --url` run by a login role of its own, so that the databases and sessions it
 * makes on the shared test server are told apart from those of the other tests by their owner.
 */
describe('verify --url stopped by a signal', () => {
  let user: string;
  let password: string;
  let url: string;
  let dropRole: () => Promise<void>;
  const projects: Array<ReturnType<typeof projectWith>> = [];
  beforeEach(async () => {
    ({ user, password, url, drop: dropRole } = await createLoginRole('pgw_sig'));
  });
  afterEach(async () => {
    // Whatever a failing test left behind.
    await dropRole();
    for (const p of projects.splice(0)) p.cleanup();
  });

  const sleeping = async (owner: string) => (await query(adminUrl(), `SELECT 1 FROM pg_stat_activity WHERE usename = $1 AND wait_event = 'PgSleep'`, [owner])).length;
  const sessions = async (owner: string) => (await query(adminUrl(), `SELECT 1 FROM pg_stat_activity WHERE usename = $1`, [owner])).length;
  const roleExists = async (role: string) => (await query(adminUrl(), 'SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).length > 0;

  const startVerify = (project: ReturnType<typeof projectWith>, extra: string[] = []) => startCli(['verify', '--url', url, ...extra], { cwd: project.root });

  it('Ctrl-C drops the throwaway database, the one a rebuild made, and the roles verify created (one in a DO block), then exits 130', async () => {
    const plain = `pgw_sig_plain_${randomBytes(3).toString('hex')}`;
    const inDo = `pgw_sig_do_${randomBytes(3).toString('hex')}`;
    const project = projectWith([
      { name: 'roles', up: `CREATE ROLE ${plain};\nDO $$ BEGIN CREATE ROLE ${inDo}; END $$;`, down: `DROP ROLE ${inDo};\nDROP ROLE ${plain};` },
      // Down forgets the type: up cannot be applied again, and verify rebuilds in a new database.
      { name: 'status', up: "CREATE TYPE status AS ENUM ('a');", down: 'SELECT 1;' },
      { name: 'slow', up: 'CREATE TABLE t (id int);\nSELECT pg_sleep(60);', down: 'DROP TABLE t;' },
    ]);
    projects.push(project);
    const run = startVerify(project);
    await waitUntil('the slow migration', async () => (await sleeping(user)) > 0);
    expect((await databasesOwnedBy(user)).length).toBe(2);
    expect(await roleExists(plain)).toBe(true);
    expect(await roleExists(inDo)).toBe(true);

    const signalled = Date.now();
    run.child.kill('SIGINT');
    const result = await run.result;
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain('SIGINT: stopping verify and removing its throwaway databases and the roles it created (Ctrl-C again to exit at once and leave them)...');
    expect(result.stderr).toContain('error[INTERRUPTED]: Interrupted by SIGINT: verify stopped, and dropped the databases and the roles it had created.');
    expect(result.stdout).toBe('');
    expect(`${result.stdout}${result.stderr}`).not.toContain(password);

    expect(await databasesOwnedBy(user)).toEqual([]);
    expect(await roleExists(plain)).toBe(false);
    expect(await roleExists(inDo)).toBe(false);
    await waitUntil('the sessions to end', async () => (await sessions(user)) === 0);
  });

  it('SIGTERM stops two jobs sleeping at once, drops both databases, and exits 143', async () => {
    const steps: Step[] = [];
    for (let i = 0; i < 60; i++) steps.push({ name: `m${i}`, up: `CREATE TABLE t${i} (id int);${i === 20 || i === 45 ? '\nSELECT pg_sleep(60);' : ''}`, down: `DROP TABLE t${i};` });
    const project = projectWith(steps);
    projects.push(project);
    const run = startVerify(project, ['--jobs', '2']);
    // The first job sleeps in m20's up; the second in applying m20 plainly before its own range.
    await waitUntil('both jobs to sleep', async () => (await sleeping(user)) === 2);
    expect((await databasesOwnedBy(user)).length).toBe(2);

    run.child.kill('SIGTERM');
    const result = await run.result;
    expect(result.code, result.stderr).toBe(143);
    expect(result.stderr).toContain('error[INTERRUPTED]: Interrupted by SIGTERM');
    expect(await databasesOwnedBy(user)).toEqual([]);
    await waitUntil('the sessions to end', async () => (await sessions(user)) === 0);
  });
});
