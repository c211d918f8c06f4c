import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { CLI, runCli } from '../../support/cli.js';
import { createTestDatabase, query, waitForSleep } from '../../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../../support/project.js';

function revision(i: number): string {
  return new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** A history of `count` migrations, each creating a table and sleeping a little, so runs overlap. */
function writeHistory(project: TempProject, count: number, sleep: number): void {
  for (let i = 0; i < count; i++) {
    project.write(`${revision(i)}_t${i}.sql`, sqlMigration(revision(i), i ? revision(i - 1) : undefined, `CREATE TABLE t${i} (id int);\nSELECT pg_sleep(${sleep});`, `DROP TABLE t${i};`));
  }
}

/** Ledger and schema agree: every recorded migration's table exists and no table exists unrecorded. Read in one snapshot. */
async function consistency(url: string): Promise<{ recorded: number; tables: number; mismatched: string[] }> {
  const rows = await query<{ recorded: number; tables: number; mismatched: string[] }>(
    url,
    `WITH l AS (SELECT 't' || (row_number() OVER (ORDER BY revision) - 1) AS t FROM pgwarden.ledger),
          s AS (SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public')
     SELECT (SELECT count(*)::int FROM l) AS recorded, (SELECT count(*)::int FROM s) AS tables,
            ARRAY(SELECT t FROM l EXCEPT SELECT t FROM s UNION ALL SELECT t FROM s EXCEPT SELECT t FROM l) AS mismatched`,
  );
  return rows[0]!;
}

describe('concurrent runs and killed runs', () => {
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

  it('eight runners at once with --wait: exactly one applies, the others find nothing to do, nothing is applied twice', async () => {
    writeHistory(project, 30, 0.02);
    const runs = await Promise.all(Array.from({ length: 8 }, () => runCli(['up', '--url', db.url, '--wait', '60', '--json'], { cwd: project.root })));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const applied = runs.map((r) => (JSON.parse(r.stdout) as { migrations: unknown[] }).migrations.length).sort((a, b) => a - b);
    expect(applied).toEqual([0, 0, 0, 0, 0, 0, 0, 30]);
    const events = await query<{ n: number; distinct: number }>(db.url, `SELECT count(*)::int AS n, count(DISTINCT revision)::int AS distinct FROM pgwarden.ledger_events WHERE action = 'up'`);
    expect(events[0]).toEqual({ n: 30, distinct: 30 });
    expect(await consistency(db.url)).toEqual({ recorded: 30, tables: 30, mismatched: [] });
  });

  it('eight runners at once without --wait: the others stop at once with "lock held by ..." (exit 3) and change nothing', async () => {
    writeHistory(project, 20, 0.05);
    const runs = await Promise.all(Array.from({ length: 8 }, () => runCli(['up', '--url', db.url], { cwd: project.root })));
    const ok = runs.filter((r) => r.code === 0);
    const refused = runs.filter((r) => r.code !== 0);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) {
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/error\[LOCK_HELD\]: The migration lock is held by pgwarden\/\S+ \S+@\S+ pid \d+ \(database user postgres, backend pid \d+/);
    }
    const events = await query<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM pgwarden.ledger_events WHERE action = 'up'`);
    expect(events[0]!.n).toBe(20);
    expect(await consistency(db.url)).toEqual({ recorded: 20, tables: 20, mismatched: [] });
  });

  it('a run killed with SIGKILL at several points leaves every migration applied and recorded or not at all; the next up completes', async () => {
    writeHistory(project, 40, 0.03);
    const kills: number[] = [];
    // Each kill lands once the ledger shows the run past a point of the history (polled, not a
    // fixed delay: a loaded machine may take longer than any delay to start node and connect).
    for (const target of [5, 15, 25, 35]) {
      const child = spawn(process.execPath, [CLI, 'up', '--url', db.url, '--wait', '60'], { cwd: project.root, stdio: 'ignore', env: { ...process.env, DATABASE_URL: '' } });
      let exited = false;
      const closed = new Promise((r) => child.on('close', (code) => { exited = true; r(code); }));
      const deadline = Date.now() + 60_000;
      while (!exited && Date.now() < deadline) {
        const { recorded } = await consistency(db.url).catch(() => ({ recorded: 0 }));
        if (recorded >= target) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      child.kill('SIGKILL');
      await closed;
      const state = await consistency(db.url).catch(() => ({ recorded: 0, tables: 0, mismatched: [] as string[] }));
      expect(state.mismatched).toEqual([]);
      kills.push(state.recorded);
    }
    // The kills landed at different points of the history, not all before or after it.
    expect(kills.some((n) => n > 0 && n < 40)).toBe(true);
    const final = await runCli(['up', '--url', db.url, '--wait', '60'], { cwd: project.root });
    expect(final.code, final.stderr).toBe(0);
    expect(await consistency(db.url)).toEqual({ recorded: 40, tables: 40, mismatched: [] });
    const events = await query<{ n: number; distinct: number }>(db.url, `SELECT count(*)::int AS n, count(DISTINCT revision)::int AS distinct FROM pgwarden.ledger_events WHERE action = 'up'`);
    expect(events[0]).toEqual({ n: 40, distinct: 40 });
  });

  it('a runner waiting with --wait does not deadlock CREATE INDEX CONCURRENTLY in the running migration', async () => {
    const [a, c, d] = [revision(0), revision(1), revision(2)];
    project.write(`${a}_a.sql`, sqlMigration(a, undefined, 'CREATE TABLE t2 (id int);', 'DROP TABLE t2;'));
    project.write(`${c}_c.sql`, sqlMigration(c, a, 'INSERT INTO t2 SELECT g FROM generate_series(2, 200000) g;\nSELECT pg_sleep(2);', 'DELETE FROM t2;'));
    project.write(`${d}_d.sql`, sqlMigration(d, c, 'CREATE INDEX CONCURRENTLY t2_c ON t2 (id);', 'DROP INDEX CONCURRENTLY t2_c;', ['--! Transaction: none']));
    const first = runCli(['up', '--url', db.url, '--json'], { cwd: project.root });
    await waitForSleep(db.url);
    const second = await runCli(['up', '--url', db.url, '--wait', '60', '--json'], { cwd: project.root });
    const done = await first;
    expect(done.code, done.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect((JSON.parse(done.stdout) as { migrations: unknown[] }).migrations).toHaveLength(3);
    expect((JSON.parse(second.stdout) as { migrations: unknown[] }).migrations).toHaveLength(0);
    expect(await query(db.url, `SELECT indisvalid FROM pg_index WHERE indexrelid = 't2_c'::regclass`)).toEqual([{ indisvalid: true }]);
  });

  it('--wait N gives up after N seconds with "still held by ...", exit 3', async () => {
    project.write(`${revision(0)}_a.sql`, sqlMigration(revision(0), undefined, 'CREATE TABLE a (id int);\nSELECT pg_sleep(6);', 'DROP TABLE a;'));
    const first = runCli(['up', '--url', db.url], { cwd: project.root });
    await waitForSleep(db.url);
    const started = Date.now();
    const second = await runCli(['up', '--url', db.url, '--wait', '1'], { cwd: project.root });
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/error\[LOCK_HELD\]: Waited 1s for the migration lock, still held by pgwarden\//);
    expect(Date.now() - started).toBeLessThan(3500);
    expect((await first).code).toBe(0);
  });
});
