import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMigrations, getStatus } from '../../../src/runner/run.js';
import { resolvePartial } from '../../../src/runner/acknowledge.js';
import { PgwardenError } from '../../../src/errors.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { createTestDatabase, query } from '../../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../../support/project.js';

const A = '20260101000000';
const B = '20260102000000';
const C = '20260103000000';
const D = '20260104000000';

async function failure(promise: Promise<unknown>): Promise<PgwardenError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PgwardenError);
  return error as PgwardenError;
}

describe('failures: located in the file, nothing half-applied', () => {
  let project: TempProject;
  let db: DatabaseHandle;
  beforeEach(async () => {
    project = tempProject();
    db = await createTestDatabase();
    project.write(`${A}_a.sql`, sqlMigration(A, undefined, 'CREATE TABLE a (id int PRIMARY KEY, name text);', 'DROP TABLE a;'));
  });
  afterEach(async () => {
    await db.close();
    project.cleanup();
  });

  it('names the file, line and column of a failing statement, with the SQL around it and the SQLSTATE', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id int);\nALTER TABLE b ADD COLUMN x int;\nSELECT nosuchcolumn FROM b;', 'DROP TABLE b;'));
    const error = await failure(runMigrations(project.config, db, 'up'));
    expect(error.code).toBe('MIGRATION_FAILED');
    expect(error.exitCode).toBe(3);
    // Line 8 of the file: the header has 3 lines, a blank, the marker, then the three statements.
    expect(error.message).toContain(`migrations/${B}_b.sql:8:8: up failed: column "nosuchcolumn" does not exist (SQLSTATE 42703)`);
    expect(error.message).toContain('>  8 | SELECT nosuchcolumn FROM b;');
    expect(error.message).toMatch(/\n\s+\| {8}\^/);
    expect(error.location).toMatchObject({ line: 8, column: 8 });
    // A committed, B rolled back entirely.
    const rows = await query(db.url, `SELECT to_regclass('public.a') AS a, to_regclass('public.b') AS b`);
    expect(rows[0]).toEqual({ a: 'a', b: null });
    expect((await getStatus(project.config, db)).migrations.map((m) => m.state)).toEqual(['applied', 'pending']);
    const events = await query<{ action: string; revision: string }>(db.url, `SELECT action, revision FROM pgwarden.ledger_events ORDER BY id`);
    expect(events).toEqual([
      { action: 'up', revision: A },
      { action: 'failed', revision: B },
    ]);
  });

  it('finds the failing statement when Postgres gives no position (a constraint violation), with detail', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, "INSERT INTO a VALUES (1, 'x');\nINSERT INTO a VALUES (2, 'y');\nINSERT INTO a VALUES (1, 'z');", 'DELETE FROM a;'));
    const error = await failure(runMigrations(project.config, db, 'up'));
    expect(error.message).toContain(`migrations/${B}_b.sql:8:1: up failed: duplicate key value violates unique constraint "a_pkey" (SQLSTATE 23505)`);
    expect(error.message).toContain('detail: Key (id)=(1) already exists.');
    expect((await query<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM a'))[0]!.n).toBe(0);
  });

  it('locates a failing statement Postgres gives no position for without running any SQL of the migration again', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE SEQUENCE s;', 'DROP SEQUENCE s;'));
    project.write(`${C}_c.sql`, sqlMigration(C, B, "SELECT nextval('s');\nSELECT pg_sleep(1);\nSELECT 1;  SELECT 1/0;\nSELECT 2;", 'SELECT 1;'));
    const started = Date.now();
    const error = await failure(runMigrations(project.config, db, 'up'));
    // Line 8, column 12 of c: header (3 lines), a blank, the marker, then the statements.
    expect(error.message).toContain(`migrations/${C}_c.sql:8:12: up failed: division by zero (SQLSTATE 22012)`);
    expect(error.location).toMatchObject({ line: 8, column: 12 });
    // The migration ran once: the sequence advanced once and the sleep was not repeated.
    expect(await query(db.url, 'SELECT last_value::int AS v, is_called AS called FROM s')).toEqual([{ v: 1, called: true }]);
    expect(Date.now() - started).toBeLessThan(1900);
  });

  it('single-transaction mode: the error names the migration that failed, and progress reports nothing as applied', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id int);', 'DROP TABLE b;'));
    project.write(`${C}_c.sql`, sqlMigration(C, B, 'CREATE TABLE x3 (id int);\nSELECT 1/0;', 'DROP TABLE x3;'));
    const done: string[] = [];
    const error = await failure(runMigrations(project.config, db, 'up', { transaction: 'single', onProgress: (e) => e.phase === 'done' && done.push(e.revision) }));
    expect(error.message).toContain(`migrations/${C}_c.sql:7:1: up failed: division by zero`);
    expect(error.message).toContain('every migration of this run was rolled back');
    expect(done).toEqual([]);
    expect((await getStatus(project.config, db)).summary.applied).toBe(0);
  });

  it('single-transaction mode after a Transaction: none migration: only the migrations since it are rolled back, and the error says so', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id int);', 'DROP TABLE b;'));
    project.write(`${C}_c.sql`, sqlMigration(C, B, 'CREATE INDEX CONCURRENTLY b_id ON b (id);', 'DROP INDEX CONCURRENTLY b_id;', ['--! Transaction: none']));
    project.write(`${D}_d.sql`, sqlMigration(D, C, 'CREATE TABLE d (id int);\nSELECT 1/0;', 'DROP TABLE d;'));
    const error = await failure(runMigrations(project.config, db, 'up', { transaction: 'single' }));
    expect(error.message).toContain(`migrations/${D}_d.sql:7:1: up failed: division by zero`);
    expect(error.message).not.toContain('every migration of this run was rolled back');
    expect(error.message).toContain('the 1 migration(s) since the last Transaction: none migration were rolled back; the 3 before them stay applied');
    expect((await getStatus(project.config, db)).migrations.map((m) => m.state)).toEqual(['applied', 'applied', 'applied', 'pending']);
    expect(await query(db.url, `SELECT to_regclass('public.d') AS d`)).toEqual([{ d: null }]);
  });

  it('in single-transaction mode a failure rolls back the whole run', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id int);', 'DROP TABLE b;'));
    project.write(`${C}_c.sql`, sqlMigration(C, B, 'CREATE TABLE c (id nosuchtype);', 'DROP TABLE c;'));
    const error = await failure(runMigrations(project.config, db, 'up', { transaction: 'single' }));
    expect(error.message).toContain(`migrations/${C}_c.sql:6:20: up failed: type "nosuchtype" does not exist (SQLSTATE 42704)`);
    expect(error.message).toContain('every migration of this run was rolled back');
    const rows = await query(db.url, `SELECT to_regclass('public.a') AS a, to_regclass('public.b') AS b`);
    expect(rows[0]).toEqual({ a: null, b: null });
    expect((await getStatus(project.config, db)).summary.applied).toBe(0);
  });

  it('a Transaction: none migration that fails halfway is reported partial with the INVALID index it left, blocks up, and can be resumed', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, "INSERT INTO a VALUES (1, 'same'), (2, 'same');", 'DELETE FROM a;'));
    project.write(
      `${C}_c.sql`,
      sqlMigration(
        C,
        B,
        'CREATE INDEX CONCURRENTLY idx_a_id ON a (id);\nCREATE UNIQUE INDEX CONCURRENTLY idx_a_name ON a (name);\nCREATE INDEX CONCURRENTLY idx_a_both ON a (id, name);',
        'DROP INDEX CONCURRENTLY IF EXISTS idx_a_both;\nDROP INDEX CONCURRENTLY IF EXISTS idx_a_name;\nDROP INDEX CONCURRENTLY IF EXISTS idx_a_id;',
        ['--! Transaction: none'],
      ),
    );
    const error = await failure(runMigrations(project.config, db, 'up'));
    // A failed migration is a database error (exit 3); the partial state it leaves then blocks up.
    expect(error.code).toBe('MIGRATION_FAILED');
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain(`migrations/${C}_c.sql:8:1`);
    expect(error.message).toContain('statements 1-1 took effect, statement 2 failed');
    expect(error.message).toContain('INVALID indexes: public.idx_a_name');
    const status = await getStatus(project.config, db);
    expect(status.migrations[2]).toMatchObject({ state: 'partial', partial: { statementsDone: 1, statementsTotal: 3 } });
    expect(status.migrations[2]!.partial!.error).toContain('invalid indexes left: public.idx_a_name');

    const blocked = await failure(runMigrations(project.config, db, 'up'));
    expect(blocked.code).toBe('MIGRATION_PARTIAL');
    expect(blocked.problems[0]!.message).toContain('stopped after 1 of 3 statements');

    // A person fixes the data and drops the invalid index, then resumes at statement 2.
    await query(db.url, "UPDATE a SET name = 'other' WHERE id = 2; DROP INDEX idx_a_name;");
    const resumed = await runMigrations(project.config, db, 'up', { resume: true });
    expect(resumed.migrations.map((m) => m.revision)).toEqual([C]);
    const indexes = await query<{ i: string }>(db.url, `SELECT string_agg(indexname, ',' ORDER BY indexname) AS i FROM pg_indexes WHERE tablename = 'a'`);
    expect(indexes[0]!.i).toBe('a_pkey,idx_a_both,idx_a_id,idx_a_name');
    expect((await getStatus(project.config, db)).clean).toBe(true);
  });

  it('up --resume after fixing the failed statement records the file as completed; changing a statement that already ran is refused', async () => {
    const noTx = ['--! Transaction: none'];
    const write = (second: string, first = 'CREATE INDEX CONCURRENTLY idx_a_id ON a (id);') =>
      project.write(`${C}_c.sql`, sqlMigration(C, A, `${first}\n${second}\nCREATE INDEX CONCURRENTLY idx_a_both ON a (id, name);`, 'DROP INDEX CONCURRENTLY IF EXISTS idx_a_both;', noTx));
    write('CREATE INDEX CONCURRENTLY idx_a_bad ON a (nosuch);');
    const error = await failure(runMigrations(project.config, db, 'up'));
    expect(error.message).toContain('Fix the cause, then pgwarden up --resume');

    // Changing a statement that already ran: refused, nothing run.
    write('CREATE INDEX CONCURRENTLY idx_a_name ON a (name);', 'CREATE INDEX CONCURRENTLY idx_a_id2 ON a (id);');
    const refused = await failure(runMigrations(project.config, db, 'up', { resume: true }));
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toContain(`migrations/${C}_c.sql: statements 1-1 ran before the migration stopped, and have been changed since`);
    expect(await query(db.url, `SELECT to_regclass('public.idx_a_name') AS i`)).toEqual([{ i: null }]);

    // Fixing only the failed statement: the resume completes and the ledger holds the file as completed.
    write('CREATE INDEX CONCURRENTLY idx_a_name ON a (name);');
    await runMigrations(project.config, db, 'up', { resume: true });
    const status = await getStatus(project.config, db);
    expect(status.migrations.map((m) => m.state)).toEqual(['applied', 'applied']);
    expect(status.clean).toBe(true);
    await runMigrations(project.config, db, 'up');
  });

  it('a Transaction: none down that fails halfway records how far it got, and up --resume refuses to run its up section', async () => {
    project.write(
      `${C}_c.sql`,
      sqlMigration(C, A, 'CREATE INDEX CONCURRENTLY idx_a_id ON a (id);\nCREATE INDEX CONCURRENTLY idx_a_name ON a (name);', 'DROP INDEX CONCURRENTLY idx_a_name;\nDROP INDEX CONCURRENTLY nosuch_index;', ['--! Transaction: none']),
    );
    await runMigrations(project.config, db, 'up');
    const error = await failure(runMigrations(project.config, db, 'down'));
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain('down statements 1-1 took effect, statement 2 failed');
    expect(error.message).toContain(`A stopped down section cannot be resumed: finish or undo it by hand, then pgwarden resolve ${C} --rolled-back | --applied`);
    const status = await getStatus(project.config, db);
    expect(status.migrations[1]).toMatchObject({ state: 'partial', partial: { statementsDone: 1, statementsTotal: 2 } });
    const refused = await failure(runMigrations(project.config, db, 'up', { resume: true }));
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toContain(`migrations/${C}_c.sql stopped while rolling back (its down section): up --resume cannot continue it`);
    // Nothing of the up section ran again: idx_a_name stays dropped.
    expect(await query(db.url, `SELECT to_regclass('public.idx_a_name') AS i`)).toEqual([{ i: null }]);
  });

  it('resolve --rolled-back settles a partial migration undone by hand', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, "INSERT INTO a VALUES (1, 'same'), (2, 'same');", 'DELETE FROM a;'));
    project.write(`${C}_c.sql`, sqlMigration(C, B, 'CREATE UNIQUE INDEX CONCURRENTLY idx_a_name ON a (name);', 'DROP INDEX CONCURRENTLY IF EXISTS idx_a_name;', ['--! Transaction: none']));
    await failure(runMigrations(project.config, db, 'up'));
    await query(db.url, 'DROP INDEX idx_a_name;');
    await resolvePartial(project.config, db, C, 'rolled-back');
    const status = await getStatus(project.config, db);
    expect(status.migrations[2]!.state).toBe('pending');
    const events = await query<{ action: string }>(db.url, `SELECT action FROM pgwarden.ledger_events WHERE revision = '${C}' ORDER BY id`);
    expect(events.map((e) => e.action)).toEqual(['failed', 'resolve']);
  });

  it('a syntax error in the last pending migration: exit 2 at its line and column, and the database untouched (not even the ledger)', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id int);', 'DROP TABLE b;'));
    project.write(`${C}_c.sql`, sqlMigration(C, B, 'CREATE TABLE c (id int);\nALTER TABLE c ADD COLUMN x int;\nCREATE TABLE d (id int,);', 'DROP TABLE c;'));
    const events: string[] = [];
    const error = await failure(runMigrations(project.config, db, 'up', { onProgress: (e) => events.push(`${e.phase} ${e.revision}`) }));
    expect(error.code).toBe('MIGRATION_INVALID');
    expect(error.exitCode).toBe(2);
    // Line 8 of c: header (3 lines), a blank, the marker, then the statements.
    expect(error.message).toBe(`migrations/${C}_c.sql:8:24: syntax error at or near ")". Nothing was run: fix the SQL and run again.`);
    expect(events).toEqual([]);
    const rows = await query(db.url, `SELECT to_regclass('public.a') AS a, to_regclass('public.b') AS b, to_regnamespace('pgwarden') AS ledger`);
    expect(rows[0]).toEqual({ a: null, b: null, ledger: null });
  });

  it('the same with a Transaction: none migration in the run (the parser checks every section first)', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE INDEX CONCURRENTLY a_name ON a (name);', 'DROP INDEX CONCURRENTLY a_name;', ['--! Transaction: none']));
    project.write(`${C}_c.sql`, sqlMigration(C, B, 'CREATE TABLE c (id int);\nCREATE TABLE d (id int,);', 'DROP TABLE c;'));
    const error = await failure(runMigrations(project.config, db, 'up'));
    expect(error.code).toBe('MIGRATION_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(new RegExp(`^migrations/${C}_c\\.sql:7:24: syntax error at or near "\\)"`));
    const rows = await query(db.url, `SELECT to_regclass('public.a') AS a, to_regnamespace('pgwarden') AS ledger`);
    expect(rows[0]).toEqual({ a: null, ledger: null });
  });

  it('reports each migration in order, with its own duration, while one message carries them all', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id int);', 'DROP TABLE b;'));
    project.write(`${C}_c.sql`, sqlMigration(C, B, 'SELECT pg_sleep(0.3);', 'SELECT 1;'));
    project.write(`${D}_d.sql`, sqlMigration(D, C, 'CREATE TABLE d (id int);', 'DROP TABLE d;'));
    const events: string[] = [];
    const result = await runMigrations(project.config, db, 'up', { onProgress: (e) => events.push(`${e.phase} ${e.revision}`) });
    expect(events).toEqual([`start ${A}`, `done ${A}`, `start ${B}`, `done ${B}`, `start ${C}`, `done ${C}`, `start ${D}`, `done ${D}`]);
    // Each migration's own time, measured by the server inside its transaction (not since the
    // start of the message that carried them all: D, after the slow C, is fast).
    const took = Object.fromEntries(result.migrations.map((m) => [m.revision, m.durationMs]));
    expect(took[C]).toBeGreaterThanOrEqual(300);
    expect(took[A]).toBeLessThan(300);
    expect(took[D]).toBeLessThan(300);
    const ledger = await query<{ revision: string; duration_ms: number }>(db.url, `SELECT revision, duration_ms FROM pgwarden.ledger ORDER BY revision`);
    expect(ledger.find((r) => r.revision === D)!.duration_ms).toBeLessThan(300);
    const events2 = await query<{ revision: string; duration_ms: number }>(db.url, `SELECT revision, duration_ms FROM pgwarden.ledger_events WHERE action = 'up' ORDER BY id`);
    expect(events2.map((e) => e.revision)).toEqual([A, B, C, D]);
    expect(events2.find((e) => e.revision === C)!.duration_ms).toBeGreaterThanOrEqual(300);
  });

  it('refuses a malformed history with exit 2 before connecting, naming every problem', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, '20250101000000', 'CREATE TABLE b (id int);', 'DROP TABLE b;'));
    project.write(`${C}_c.sql`, '--! Revision: 20260103000000\n--! Revises: 20260101000000\n--! Colour: blue\n-- Up Migration\nSELECT 1;\n');
    const error = await failure(runMigrations(project.config, { ...db, url: 'postgresql://nobody@127.0.0.1:1/none' }, 'up'));
    expect(error.exitCode).toBe(2);
    const messages = error.problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
    expect(messages).toContain(`migrations/${C}_c.sql:3: unknown header key "Colour": use one of Revision, Revises, Description, Transaction, Irreversible, Lock-Timeout, Statement-Timeout`);
    expect(messages).toContain(`migrations/${B}_b.sql:2: ${B}_b.sql revises 20250101000000, which no migration has: fix "Revises:" to name an existing revision`);
  });
});
