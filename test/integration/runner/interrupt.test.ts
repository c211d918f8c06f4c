import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { runMigrations } from '../../../src/runner/run.js';
import { runCli, startCli } from '../../support/cli.js';
import { createTestDatabase, query, waitForSleep } from '../../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../../support/project.js';

const R = ['20260101000000', '20260101000100', '20260101000200', '20260101000300'] as const;

/** Starts `pgwarden up --url` as a child process; the result comes when it exits. */
const startUp = (project: TempProject, url: string) => startCli(['up', '--url', url], { cwd: project.root });

/** Backends of pgwarden still connected to the test database. */
async function pgwardenBackends(url: string): Promise<Array<{ state: string; query: string }>> {
  return query(url, `SELECT state, left(query, 60) AS query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'pgwarden%'`);
}

async function ledger(url: string): Promise<string[]> {
  const rows = await query<{ revision: string; state: string }>(url, `SELECT revision, state FROM pgwarden.ledger ORDER BY revision`);
  return rows.map((r) => `${r.revision} ${r.state}`);
}

describe('a run stopped by a signal', () => {
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

  it('Ctrl-C cancels the running migration on the server, reports what was applied, exits 130, and the next up continues', async () => {
    project.write(`${R[0]}_a.sql`, sqlMigration(R[0], undefined, 'CREATE TABLE a (id int);', 'DROP TABLE a;'));
    project.write(`${R[1]}_b.sql`, sqlMigration(R[1], R[0], 'CREATE TABLE b (id int);\nSELECT pg_sleep(4);', 'DROP TABLE b;'));
    project.write(`${R[2]}_c.sql`, sqlMigration(R[2], R[1], 'CREATE TABLE c (id int);\nSELECT pg_sleep(4);', 'DROP TABLE c;'));
    project.write(`${R[3]}_d.sql`, sqlMigration(R[3], R[2], 'CREATE TABLE d (id int);', 'DROP TABLE d;'));
    const run = startUp(project, db.url);
    await waitForSleep(db.url);
    const signalled = Date.now();
    run.child.kill('SIGINT');
    const result = await run.result;
    expect(Date.now() - signalled).toBeLessThan(3000);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain('error[INTERRUPTED]: Interrupted by SIGINT: the running statement was cancelled on the server and the run stopped.');
    expect(result.stderr).toContain(`Applied by this run (1): ${R[0]}_a`);
    expect(result.stderr).toContain(`Not applied (3): ${R[1]}_b, ${R[2]}_c, ${R[3]}_d`);
    expect(result.stderr).toContain('Run pgwarden up --url <the same URL> to continue.');
    // Nothing of pgwarden's still runs on the server, and the rest was not applied after the CLI left.
    expect(await pgwardenBackends(db.url)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await ledger(db.url)).toEqual([`${R[0]} applied`]);
    expect(await query(db.url, `SELECT to_regclass('b')::text AS b`)).toEqual([{ b: null }]);
    // The lock went with the run: the next up applies the rest.
    const next = await runCli(['up', '--url', db.url], { cwd: project.root });
    expect(next.code, next.stderr).toBe(0);
    expect(await ledger(db.url)).toEqual(R.map((r) => `${r} applied`));
  });

  it('SIGTERM stops a Transaction: none migration between statements as the ledger records it, and exits 143', async () => {
    project.write(`${R[0]}_a.sql`, sqlMigration(R[0], undefined, 'CREATE TABLE a (id int);', 'DROP TABLE a;'));
    project.write(
      `${R[1]}_b.sql`,
      sqlMigration(R[1], R[0], 'CREATE INDEX CONCURRENTLY a_id ON a (id);\nSELECT pg_sleep(4);\nCREATE INDEX CONCURRENTLY a_id2 ON a (id);', 'DROP INDEX CONCURRENTLY a_id2;\nDROP INDEX CONCURRENTLY a_id;', ['--! Transaction: none']),
    );
    project.write(`${R[2]}_c.sql`, sqlMigration(R[2], R[1], 'CREATE TABLE c (id int);', 'DROP TABLE c;'));
    const run = startUp(project, db.url);
    await waitForSleep(db.url);
    run.child.kill('SIGTERM');
    const result = await run.result;
    expect(result.code, result.stderr).toBe(143);
    expect(result.stderr).toContain('Interrupted by SIGTERM');
    expect(result.stderr).toContain(`Applied by this run (1): ${R[0]}_a`);
    expect(result.stderr).toContain(`Stopped partway: ${R[1]}_b (Transaction: none) stopped after 1 of 3 statements`);
    expect(result.stderr).toContain(`Not applied (1): ${R[2]}_c`);
    expect(result.stderr).toContain(`pgwarden up --resume --url <the same URL> (or pgwarden resolve ${R[1]} --url <the same URL> --applied | --rolled-back)`);
    expect(await pgwardenBackends(db.url)).toEqual([]);
    expect(await ledger(db.url)).toEqual([`${R[0]} applied`, `${R[1]} partial`]);
    expect(await query(db.url, `SELECT to_regclass('a_id')::text AS one, to_regclass('a_id2')::text AS two`)).toEqual([{ one: 'a_id', two: null }]);
    // --resume continues at the cancelled statement.
    const next = await runCli(['up', '--url', db.url, '--resume'], { cwd: project.root });
    expect(next.code, next.stderr).toBe(0);
    expect(await ledger(db.url)).toEqual(R.slice(0, 3).map((r) => `${r} applied`));
  });
  it('a cancel that lands on the ledger update after a Transaction: none statement still counts that statement', async () => {
    project.write(`${R[0]}_a.sql`, sqlMigration(R[0], undefined, 'CREATE TABLE a AS SELECT pg_sleep(1)::text AS slept;\nCREATE TABLE b (id int);', 'DROP TABLE b;\nDROP TABLE a;', ['--! Transaction: none']));
    const controller = new AbortController();
    const run = runMigrations(project.config, db, 'up', { signal: controller.signal }).then(
      () => undefined,
      (error: Error) => error,
    );
    // The ledger row exists (statement 1 is running): hold it, so that the update recording
    // statement 1 as done waits, and cancel the run while it waits there.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      const end = Date.now() + 20_000;
      while ((await query(db.url, `SELECT 1 FROM pgwarden.ledger WHERE revision = $1`, [R[0]]).catch(() => [])).length === 0) {
        if (Date.now() > end) throw new Error('the ledger row never appeared');
        await new Promise((r) => setTimeout(r, 20));
      }
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM pgwarden.ledger WHERE revision = $1 FOR UPDATE`, [R[0]]);
      const waiting = async () =>
        query<{ pid: number; query_start: string }>(
          db.url,
          `SELECT pid, query_start::text FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'pgwarden/%' AND wait_event_type = 'Lock' AND query LIKE 'UPDATE %statements_done%'`,
        );
      let blocked = await waiting();
      while (blocked.length === 0) {
        if (Date.now() > end) throw new Error(`the progress update never waited: ${String(await run)}`);
        await new Promise((r) => setTimeout(r, 20));
        blocked = await waiting();
      }
      expect(await query(db.url, `SELECT to_regclass('a')::text AS a`)).toEqual([{ a: 'a' }]);
      controller.abort('SIGINT');
      // The cancel has landed when the runner's session runs something else.
      const { pid, query_start } = blocked[0]!;
      while ((await query(db.url, `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND query_start::text = $2 AND state = 'active'`, [pid, query_start])).length > 0) {
        if (Date.now() > end) throw new Error('the cancel never landed');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      await holder.end();
    }
    const error = await run;
    expect(error?.message).toContain(`Stopped partway: ${R[0]}_a (Transaction: none) stopped after 1 of 2 statements`);
    expect(await query(db.url, `SELECT state, statements_done FROM pgwarden.ledger`)).toEqual([{ state: 'partial', statements_done: 1 }]);
    // The resume starts at statement 2: statement 1 (CREATE TABLE a) is not run twice.
    const next = await runCli(['up', '--url', db.url, '--resume'], { cwd: project.root });
    expect(next.code, next.stderr).toBe(0);
    expect(await ledger(db.url)).toEqual([`${R[0]} applied`]);
  });
});
