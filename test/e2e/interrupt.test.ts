import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startThrowawayCluster, type EmbeddedServer } from '../../src/providers/embedded.js';
import { throwawayDatabaseOn } from '../../src/providers/url.js';
import type { DatabaseHandle } from '../../src/providers/types.js';
import { runCli, startCli, type CliResult } from '../support/cli.js';
import { query, waitUntil } from '../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../support/project.js';

const A = '20260101000000';
const B = '20260102000000';

/** Waits until `sql` (run on `url`) returns a row. */
function waitForRow(url: string, sql: string, what: string): Promise<void> {
  return waitUntil(what, async () => (await query(url, sql)).length > 0, { timeoutMs: 30_000, intervalMs: 50 });
}

/** pgwarden's sessions still on the server (a statement left running after the command exited, say). */
async function pgwardenSessions(url: string): Promise<Array<{ datname: string; state: string; query: string }>> {
  return query(url, `SELECT datname, state, left(query, 80) AS query FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND application_name LIKE 'pgwarden%'`);
}

/**
 * Commands other than up/down that run statements on a database: a signal cancels the running
 * statement on the server, rolls back, cleans up, reports, and exits 130 (SIGINT) or 143 (SIGTERM).
 * Roles live in the whole server: these tests get a server of their own.
 */
describe('commands stopped by a signal', () => {
  let server: EmbeddedServer;
  let project: TempProject;
  let db: DatabaseHandle;
  beforeAll(async () => {
    server = await startThrowawayCluster();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(async () => {
    project = tempProject();
    db = await throwawayDatabaseOn(server.url('postgres'));
  });
  afterEach(async () => {
    await db.close();
    project.cleanup();
  });

  it('roles apply: Ctrl-C cancels the statement waiting on the server, rolls its transaction back, exits 130; the next apply continues', async () => {
    writeFileSync(join(project.root, 'pgwarden.config.yaml'), 'runner:\n  lockTimeout: 60s\n');
    const roles = join(project.root, 'roles.yaml');
    writeFileSync(roles, 'version: 1\nmanaged:\n  prefixes: [intr_]\nroles:\n  intr_first: {}\n  intr_second: {}\n');
    // Another session creates intr_second and has not committed: apply's CREATE ROLE waits for it.
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    let result: CliResult;
    try {
      await other.query('BEGIN');
      await other.query('CREATE ROLE intr_second');
      const run = startCli(['roles', 'apply', '--url', db.url, '--file', roles], { cwd: project.root });
      await waitForRow(db.url, `SELECT 1 FROM pg_stat_activity WHERE application_name = 'pgwarden roles apply' AND wait_event_type = 'Lock'`, 'roles apply to wait');
      run.child.kill('SIGINT');
      result = await run.result;
      // Nothing of pgwarden's is left waiting on the server once it exited.
      expect(await pgwardenSessions(db.url)).toEqual([]);
    } finally {
      await other.query('ROLLBACK').catch(() => {});
      await other.end();
    }
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain(`error[INTERRUPTED]: Interrupted by SIGINT: the running statement was cancelled on the server and the transaction for ${new URL(db.url).pathname.slice(1)} was rolled back. Nothing was committed in any database. Run pgwarden roles apply --url <the same URL> again to continue`);
    expect(await query(db.url, `SELECT rolname FROM pg_roles WHERE rolname LIKE 'intr_%'`)).toEqual([]);
    const again = await runCli(['roles', 'apply', '--url', db.url, '--file', roles], { cwd: project.root });
    expect(again.code, again.stderr).toBe(0);
    expect(await query(db.url, `SELECT rolname FROM pg_roles WHERE rolname LIKE 'intr_%' ORDER BY 1`)).toEqual([{ rolname: 'intr_first' }, { rolname: 'intr_second' }]);
    await query(db.url, 'DROP ROLE intr_first; DROP ROLE intr_second');
  });

  it('deploy: SIGTERM cancels the running migration, logs the deploy as interrupted, exits 143; the next deploy continues', async () => {
    project.write(`${A}_a.sql`, sqlMigration(A, undefined, 'CREATE TABLE a (id int);', 'DROP TABLE a;'));
    // Sleeps while the table slow exists: the test drops it before the second deploy.
    project.write(`${B}_b.sql`, sqlMigration(B, A, "CREATE TABLE b (id int);\nSELECT pg_sleep(CASE WHEN to_regclass('slow') IS NULL THEN 0 ELSE 60 END);", 'DROP TABLE b;'));
    await query(db.url, 'CREATE TABLE slow ()');
    const run = startCli(['deploy', '--url', db.url, '--yes', '--no-drift'], { cwd: project.root });
    await waitForRow(db.url, `SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()`, 'the migration to sleep');
    run.child.kill('SIGTERM');
    const result = await run.result;
    expect(result.code, result.stderr).toBe(143);
    expect(result.stderr).toContain(`error[INTERRUPTED]: Interrupted by SIGTERM: this deploy applied and kept 1 migration (${A}_a). Roles were not applied and the drift check did not run. Run pgwarden deploy --url <the same URL> again to continue from there.`);
    expect(result.stderr).toContain(`Not applied (1): ${B}_b`);
    expect(await pgwardenSessions(db.url)).toEqual([]);
    expect(await query(db.url, `SELECT revision FROM pgwarden.ledger ORDER BY 1`)).toEqual([{ revision: A }]);
    expect(await query(db.url, `SELECT detail->>'outcome' AS outcome, detail->>'signal' AS signal, detail->'applied' AS applied FROM pgwarden.ledger_events WHERE action = 'deploy'`)).toEqual([
      { outcome: 'interrupted', signal: 'SIGTERM', applied: [A] },
    ]);
    await query(db.url, 'DROP TABLE slow');
    const again = await runCli(['deploy', '--url', db.url, '--yes', '--no-drift'], { cwd: project.root });
    expect(again.code, again.stderr).toBe(0);
    expect(await query(db.url, `SELECT revision FROM pgwarden.ledger ORDER BY 1`)).toEqual([{ revision: A }, { revision: B }]);
  });

  it('docs: Ctrl-C cancels the build, removes the throwaway database it made on the server, writes nothing, exits 130', async () => {
    project.write(`${A}_a.sql`, sqlMigration(A, undefined, 'CREATE TABLE a (id int);\nSELECT pg_sleep(60);', 'DROP TABLE a;'));
    const before = await query<{ datname: string }>(db.url, `SELECT datname FROM pg_database WHERE datname LIKE 'pgwarden_tmp_%' ORDER BY 1`);
    const run = startCli(['docs', '--url', server.url('postgres')], { cwd: project.root });
    await waitForRow(db.url, `SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep'`, 'the build to sleep');
    run.child.kill('SIGINT');
    const result = await run.result;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toMatch(/error\[INTERRUPTED\]: Interrupted by SIGINT: building the schema on a throwaway database \(postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/pgwarden_tmp_\w+\) was cancelled on the server and the database removed\. Nothing was written\./);
    expect(await pgwardenSessions(db.url)).toEqual([]);
    expect(await query(db.url, `SELECT datname FROM pg_database WHERE datname LIKE 'pgwarden_tmp_%' ORDER BY 1`)).toEqual(before);
  });

  it('drift: Ctrl-C cancels the catalog read waiting for a lock, exits 130', async () => {
    writeFileSync(join(project.root, 'pgwarden.config.yaml'), 'environments:\n  other:\n    urlEnv: OTHER_URL\n');
    // Reading a view's definition locks the tables it reads.
    await query(db.url, 'CREATE TABLE jobs (id int); CREATE VIEW recent_jobs AS SELECT id FROM jobs');
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    let result: CliResult;
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE');
      const run = startCli(['drift', '--url', db.url, '--against', 'other', '--lock-timeout', '60s'], { cwd: project.root, env: { OTHER_URL: db.url } });
      await waitForRow(db.url, `SELECT 1 FROM pg_stat_activity WHERE application_name = 'pgwarden drift' AND wait_event_type = 'Lock'`, 'drift to wait');
      run.child.kill('SIGINT');
      result = await run.result;
      // Its place in the lock queue is given up at once: it no longer holds up the sessions behind it.
      expect(await pgwardenSessions(db.url)).toEqual([]);
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      await holder.end();
    }
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toMatch(/error\[INTERRUPTED\]: Interrupted by SIGINT: reading postgresql:\/\/\S+ was cancelled on the server\. Nothing was changed \(drift only reads\)\./);
  });
});
