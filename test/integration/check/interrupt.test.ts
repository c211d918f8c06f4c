import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCheck } from '../../../src/check/check.js';
import { resolveConfig } from '../../../src/config/load.js';
import type { CheckStepName } from '../../../src/check/types.js';
import { PgwardenError } from '../../../src/errors.js';
import { startCli } from '../../support/cli.js';
import { adminUrl, createLoginRole, databasesOwnedBy, query, waitUntil } from '../../support/db.js';
import { projectWith } from '../verify/history.js';

/**
 * `pgwarden check --url` run by a login role of its own, so that the databases and sessions it
 * makes on the shared test server are told apart from those of the other tests by their owner.
 */
describe('check --url stopped by a signal', () => {
  let user: string;
  let password: string;
  let url: string;
  let dropRole: () => Promise<void>;
  const projects: Array<ReturnType<typeof projectWith>> = [];
  beforeEach(async () => {
    ({ user, password, url, drop: dropRole } = await createLoginRole('pgw_csig'));
  });
  afterEach(async () => {
    // Whatever a failing test left behind.
    await dropRole();
    for (const p of projects.splice(0)) p.cleanup();
  });

  const sleeping = async (owner: string, applicationName: string) => (await query(adminUrl(), `SELECT 1 FROM pg_stat_activity WHERE usename = $1 AND wait_event = 'PgSleep' AND application_name LIKE $2`, [owner, applicationName])).length;
  const sessions = async (owner: string) => (await query(adminUrl(), `SELECT 1 FROM pg_stat_activity WHERE usename = $1`, [owner])).length;
  const roleExists = async (role: string) => (await query(adminUrl(), 'SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).length > 0;

  const startCheck = (project: ReturnType<typeof projectWith>, extra: string[] = []) => startCli(['check', '--url', url, '--skip', 'lint', ...extra], { cwd: project.root });

  it('Ctrl-C in the verify step drops the throwaway database, the one a rebuild made, and the roles the history created (one in a DO block), says which steps ran, and exits 130', async () => {
    const plain = `pgw_csig_plain_${randomBytes(3).toString('hex')}`;
    const inDo = `pgw_csig_do_${randomBytes(3).toString('hex')}`;
    const project = projectWith([
      { name: 'roles', up: `CREATE ROLE ${plain};\nDO $$ BEGIN CREATE ROLE ${inDo}; END $$;`, down: `DROP ROLE ${inDo};\nDROP ROLE ${plain};` },
      // Down forgets the type: up cannot be applied again, and verify rebuilds in a new database.
      { name: 'status', up: "CREATE TYPE status AS ENUM ('a');", down: 'SELECT 1;' },
      { name: 'slow', up: 'CREATE TABLE t (id int);\nSELECT pg_sleep(60);', down: 'DROP TABLE t;' },
    ]);
    projects.push(project);
    const run = startCheck(project);
    await waitUntil('the slow migration under verify', async () => (await sleeping(user, 'pgwarden verify')) > 0);
    // check's throwaway database and verify's rebuild.
    expect((await databasesOwnedBy(user)).length).toBe(2);
    expect(await roleExists(plain)).toBe(true);
    expect(await roleExists(inDo)).toBe(true);

    const signalled = Date.now();
    run.child.kill('SIGINT');
    const result = await run.result;
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain('SIGINT: stopping check and removing its throwaway databases and the roles verify created (Ctrl-C again to exit at once and leave them)...');
    expect(result.stderr).toContain('error[INTERRUPTED]: Interrupted by SIGINT: check stopped in its verify step: verify stopped, and dropped the databases and the roles it had created.');
    expect(result.stderr).toMatch(/^Removed: the throwaway database postgresql:\/\/pgw_csig_\w+:\*\*\*@[^/]+\/pgwarden_tmp_\w+\.$/m);
    expect(result.stderr).toContain('Ran (0): none');
    expect(result.stderr).toContain('Stopped: verify');
    expect(result.stderr).toContain('Not run (2): docs, roles');
    // The next step names the server as the run did, never by its URL.
    expect(result.stderr).toContain('Nothing was reported: run pgwarden check --url <the same URL> again.');
    // No report, no table.
    expect(result.stdout).toBe('');
    expect(`${result.stdout}${result.stderr}`).not.toContain(password);

    expect(await databasesOwnedBy(user)).toEqual([]);
    expect(await roleExists(plain)).toBe(false);
    expect(await roleExists(inDo)).toBe(false);
    await waitUntil('the sessions to end', async () => (await sessions(user)) === 0);
  });

  it('SIGTERM while the docs step applies the history to a fresh database (verify failed) drops it and check\'s, reports verify\'s result, and exits 143', async () => {
    const project = projectWith([
      // Down leaves a table behind: verify fails, and docs needs a fresh database with the history applied.
      { name: 'jobs', up: 'CREATE TABLE jobs (id int);', down: 'DROP TABLE jobs;\nCREATE TABLE kept (id int);' },
      // Sleeps under up (application_name pgwarden/<version> ...), not under verify.
      { name: 'slow', up: "DO $$ BEGIN IF current_setting('application_name') LIKE 'pgwarden/%' THEN PERFORM pg_sleep(60); END IF; END $$;", down: 'SELECT 1;' },
    ]);
    projects.push(project);
    const run = startCheck(project);
    await waitUntil('the slow migration under up', async () => (await sleeping(user, 'pgwarden/%')) > 0);
    // check's throwaway database (verify's) and the fresh one for docs.
    expect((await databasesOwnedBy(user)).length).toBe(2);

    run.child.kill('SIGTERM');
    const result = await run.result;
    expect(result.code, result.stderr).toBe(143);
    expect(result.stderr).toContain('verify: failed');
    expect(result.stderr).toContain('error[INTERRUPTED]: Interrupted by SIGTERM: check stopped in its docs step: applying the history to a fresh database for it was cancelled on the server.');
    expect(result.stderr).toMatch(/^Ran \(1\): verify failed \(1\/2 reversible; 2 errors, 0 warnings\)$/m);
    expect(result.stderr).toContain('Stopped: docs');
    expect(result.stderr).toContain('Not run (1): roles');
    expect(result.stdout).toBe('');
    expect(await databasesOwnedBy(user)).toEqual([]);
    await waitUntil('the sessions to end', async () => (await sessions(user)) === 0);
  });

  /** runCheck on a one-migration project with a roles file, its signal aborted as `step` starts. */
  async function checkStoppedAt(step: CheckStepName, target: { url?: string; env?: string; environ?: NodeJS.ProcessEnv } = { url }) {
    const project = projectWith([{ name: 'jobs', up: 'CREATE TABLE jobs (id int);', down: 'DROP TABLE jobs;' }]);
    projects.push(project);
    mkdirSync(join(project.root, 'schema'), { recursive: true });
    writeFileSync(join(project.root, 'schema', 'roles.yaml'), `version: 1\nroles:\n  ${user}_reader:\n    comment: Reads.\n`);
    const controller = new AbortController();
    const started: string[] = [];
    const config = target.env ? resolveConfig({ environments: { [target.env]: { urlEnv: 'CI_DATABASE_URL' } } }, undefined, project.root) : project.config;
    const error = await runCheck(config, {
      target,
      skip: ['lint'],
      signal: controller.signal,
      onStep: (e) => {
        if (e.phase !== 'start') return;
        started.push(e.step);
        if (e.step === step) controller.abort('SIGINT');
      },
    }).catch((e: unknown) => e);
    return { error: error as PgwardenError, started };
  }

  it('runCheck: a signal as the docs step starts stops that step, drops the database, and says verify ran', async () => {
    const { error, started } = await checkStoppedAt('docs');
    expect(error).toBeInstanceOf(PgwardenError);
    expect(error.code).toBe('INTERRUPTED');
    expect(error.exitCode).toBe(130);
    expect(error.message).toMatch(/^Interrupted by SIGINT: check stopped in its docs step: its catalog read was cancelled on the server\.$/m);
    expect(error.message).toMatch(/^Ran \(1\): verify passed \(1\/1 reversible\)$/m);
    expect(error.message).toContain('Not run (1): roles');
    expect(started).toEqual(['verify', 'docs']);
    expect(await databasesOwnedBy(user)).toEqual([]);
  });

  it('runCheck: a signal as the roles step starts stops its plan, drops the database, and says verify and docs ran', async () => {
    const { error, started } = await checkStoppedAt('roles');
    expect(error).toBeInstanceOf(PgwardenError);
    expect(error.code).toBe('INTERRUPTED');
    expect(error.message).toMatch(/^Interrupted by SIGINT: check stopped in its roles step: /m);
    expect(error.message).toMatch(/^Ran \(2\): verify passed \(1\/1 reversible\); docs failed \(.*\)$/m);
    expect(error.message).toContain('Stopped: roles');
    expect(error.message).toContain('Not run (0): none');
    expect(started).toEqual(['verify', 'docs', 'roles']);
    expect(await databasesOwnedBy(user)).toEqual([]);
  });

  it('runCheck: the hint to run check again carries the target options the run used (--env here), never a URL', async () => {
    const { error } = await checkStoppedAt('docs', { env: 'ci', environ: { CI_DATABASE_URL: url } });
    expect(error.code).toBe('INTERRUPTED');
    expect(error.message).toMatch(/^Nothing was reported: run pgwarden check --env ci again\.$/m);
    expect(error.message).not.toContain(password);
    expect(await databasesOwnedBy(user)).toEqual([]);
    const byUrl = await checkStoppedAt('docs');
    expect(byUrl.error.message).toMatch(/^Nothing was reported: run pgwarden check --url <the same URL> again\.$/m);
    expect(byUrl.error.message).not.toContain(password);
  });
});
