import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseHandle } from '../../src/providers/types.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, query } from '../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../support/project.js';

const A = '20260101000000';
const B = '20260102000000';

describe('the CLI: exit codes, output, redaction', () => {
  let project: TempProject;
  let db: DatabaseHandle;
  beforeEach(async () => {
    project = tempProject();
    db = await createTestDatabase();
    project.write(`${A}_a.sql`, sqlMigration(A, undefined, 'CREATE TABLE a (id int);', 'DROP TABLE a;'));
  });
  afterEach(async () => {
    await db.close();
    project.cleanup();
  });

  it('status --exit-code: 1 with pending migrations, 0 when clean; --json has revision, name and state', async () => {
    let r = await runCli(['status', '--url', db.url, '--exit-code', '--json'], { cwd: project.root });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).migrations).toEqual([expect.objectContaining({ revision: A, name: `${A}_a`, state: 'pending' })]);
    r = await runCli(['up', '--url', db.url], { cwd: project.root });
    expect(r.code).toBe(0);
    // Not a terminal: a plain progress line per migration on stderr, the summary on stdout.
    expect(r.stderr).toBe(`applied ${A}_a\n`);
    expect(r.stdout).toContain('Applied 1 migration(s)');
    r = await runCli(['status', '--url', db.url, '--exit-code'], { cwd: project.root });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/applied +20260101000000_a/);
    r = await runCli(['history', '--url', db.url, '--json'], { cwd: project.root });
    expect(JSON.parse(r.stdout).events.map((e: { action: string }) => e.action)).toEqual(['up']);
  });

  it('DATABASE_URL is honoured like --url, and up --dry-run prints SQL without applying', async () => {
    const r = await runCli(['up', '--dry-run'], { cwd: project.root, env: { DATABASE_URL: db.url } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`-- ${A}_a (up, in a transaction)\nCREATE TABLE a (id int);`);
    const s = await runCli(['status', '--json'], { cwd: project.root, env: { DATABASE_URL: db.url } });
    expect(JSON.parse(s.stdout).migrations[0].state).toBe('pending');
  });

  it('exit 2 for usage and configuration errors, naming file and line', async () => {
    let r = await runCli(['up', '--no-such-flag'], { cwd: project.root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[USAGE]');
    writeFileSync(join(project.root, 'pgwarden.config.yaml'), 'migrations: migrations\nrunner:\n  transacton: single\n');
    r = await runCli(['status', '--url', db.url], { cwd: project.root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pgwarden.config.yaml:3:3: unknown key "transacton" at runner.transacton');
    writeFileSync(join(project.root, 'pgwarden.config.yaml'), 'migrations: migrations\n');
    project.write(`${B}_b.sql`, '--! Revision: 20260102000000\n--! Revises: 20260101000000\n-- Up Migration\nCREATE TABLE b (;\n');
    r = await runCli(['up', '--url', db.url], { cwd: project.root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`migrations/${B}_b.sql:4:17: syntax error at or near ";"`);
    const s = await runCli(['status', '--url', db.url, '--json'], { cwd: project.root });
    expect(JSON.parse(s.stdout).summary.applied).toBe(0);
  });

  it('exit 3 when the database cannot be reached, with the password redacted', async () => {
    const r = await runCli(['status', '--url', 'postgresql://app:hunter2secret@127.0.0.1:1/app'], { cwd: project.root });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error[CONNECTION_FAILED]: Cannot connect to postgresql://app:***@127.0.0.1:1/app');
    expect(r.stdout + r.stderr).not.toContain('hunter2secret');
  });

  it('a password holding @ is redacted whole: the userinfo ends at the last @', async () => {
    const r = await runCli(['status', '--url', 'postgresql://app:hunter2@prodSecret99@127.0.0.1:1/app'], { cwd: project.root });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Cannot connect to postgresql://app:***@127.0.0.1:1/app');
    expect(r.stdout + r.stderr).not.toMatch(/hunter2|prodSecret99/);
  });

  it('a real role whose password holds @ : / # ? is never shown, raw or percent-encoded', async () => {
    const role = `sec_${Date.now().toString(36)}`;
    const password = 'S3cr3tPass@wo:rd/x#y?z';
    const dbName = new URL(db.url).pathname.slice(1);
    await query(db.url, `CREATE ROLE ${role} LOGIN PASSWORD '${password}'; GRANT ALL ON DATABASE ${dbName} TO ${role}; GRANT ALL ON SCHEMA public TO ${role}`);
    try {
      const at = new URL(db.url);
      const raw = `postgresql://${role}:${password.replace(/[/#?]/g, encodeURIComponent)}@${at.host}/${dbName}`;
      const encoded = `postgresql://${role}:${encodeURIComponent(password)}@${at.host}/${dbName}`;
      project.write(`${B}_b.sql`, sqlMigration(B, A, 'SELECT 1/0;', 'SELECT 1;'));
      for (const url of [raw, encoded]) {
        const up = await runCli(['up', '--url', url], { cwd: project.root });
        expect(up.code).toBe(3);
        expect(up.stderr).toContain('division by zero');
        const status = await runCli(['status', '--url', url], { cwd: project.root });
        expect(status.code).toBe(0);
        expect(status.stdout).toContain(`postgresql://${role}:***@${at.host}/${dbName}`);
        const shown = up.stdout + up.stderr + status.stdout + status.stderr;
        for (const fragment of ['S3cr3t', 'wo:rd', 'wo%3Ard', 'rd/x', 'rd%2Fx', '@wo']) expect(shown).not.toContain(fragment);
      }
    } finally {
      await query(db.url, `DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
  });

  it('a password given as a query parameter is hidden, and the rest of the URL (sslmode, ...) still shown', async () => {
    const role = `qsec_${Date.now().toString(36)}`;
    const password = "Qp4ss w0rd&x=y@z#'\\";
    const dbName = new URL(db.url).pathname.slice(1);
    await query(db.url, `CREATE ROLE ${role} LOGIN PASSWORD '${password.replace(/'/g, "''")}'; GRANT ALL ON DATABASE ${dbName} TO ${role}; GRANT ALL ON SCHEMA public TO ${role}`);
    try {
      const at = new URL(db.url);
      const url = `postgresql://${role}@${at.host}/${dbName}?password=${encodeURIComponent(password)}&sslmode=disable&application_name=qtest`;
      const status = await runCli(['status', '--url', url], { cwd: project.root });
      expect(status.code).toBe(0);
      expect(status.stdout).toContain(`postgresql://${role}@${at.host}/${dbName}?password=***&sslmode=disable&application_name=qtest`);
      // The same URL with a wrong password: the error still names sslmode and the application.
      const wrong = url.replace(encodeURIComponent(password), 'Wr0ngPassw0rd');
      const failed = await runCli(['status', '--url', wrong], { cwd: project.root });
      expect(failed.code).toBe(3);
      expect(failed.stderr).toContain(`Cannot connect to postgresql://${role}@${at.host}/${dbName}?password=***&sslmode=disable&application_name=qtest`);
      const shown = status.stdout + status.stderr + failed.stdout + failed.stderr;
      for (const fragment of ['Qp4ss', 'w0rd', encodeURIComponent(password).slice(0, 8), 'Wr0ng']) expect(shown).not.toContain(fragment);
    } finally {
      await query(db.url, `DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
  });

  it('a keyword/value connection string is refused with exit 2, its password redacted', async () => {
    const r = await runCli(['status', '--url', "host=127.0.0.1 password='s3 cr\\'et' dbname=app"], { cwd: project.root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error[USAGE]: The connection string host=127.0.0.1 password=*** dbname=app (--url) is in libpq's keyword/value form");
    expect(r.stdout + r.stderr).not.toMatch(/s3 cr|et'/);
  });

  it('a malformed connection string: exit 2 naming where it came from, how to encode it, and no part of the password', async () => {
    for (const url of ['postgresql://sec:x@127.0.0.1:notaport/b3', 'postgresql://u:p@ss:w/rd%Z9@host/db']) {
      const r = await runCli(['status', '--url', url], { cwd: project.root });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error\[USAGE\]: The connection string postgresql:\/\/(sec|u):\*\*\*@\S+ \(--url\) cannot be read: it is not a valid URL\. .*percent-encode/);
      expect(r.stderr).toContain('@ as %40');
      expect(r.stderr).not.toMatch(/internal error|TypeError|    at /);
      expect(r.stdout + r.stderr).not.toMatch(/ss:w|rd%Z9|:x@/);
    }
    let r = await runCli(['up'], { cwd: project.root, env: { DATABASE_URL: 'postgresql://sec:x@127.0.0.1:notaport/b3' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('($DATABASE_URL) cannot be read');
    writeFileSync(join(project.root, 'pgwarden.config.yaml'), 'environments:\n  prod:\n    urlEnv: PROD_URL\n');
    r = await runCli(['up', '--env', 'prod'], { cwd: project.root, env: { PROD_URL: 'postgresql://u:p@ss:w/rd%Z9@host/db' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('($PROD_URL, environment "prod") cannot be read');
    expect(r.stdout + r.stderr).not.toMatch(/ss:w|rd%Z9/);
  });

  it('--count and --wait that are not numbers, and a bad Lock-Timeout header: exit 2 before anything changes', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id int);', 'DROP TABLE b;'));
    const untouched = async () => expect(await query(db.url, `SELECT to_regclass('public.a') AS a, to_regnamespace('pgwarden') AS ledger`)).toEqual([{ a: null, ledger: null }]);
    for (const [flags, message] of [
      [['--count', 'abc'], '--count must be a whole number of at least 1 (got something that is not a number). Give how many migrations to run at most, e.g. --count 2.'],
      [['--count', '-1'], '--count must be a whole number of at least 1 (got -1)'],
      [['--count', '1.5'], '--count must be a whole number of at least 1 (got 1.5)'],
      [['--wait', 'abc'], '--wait must be a number of seconds, at least 0 (got something that is not a number). Give how long to wait for the lock another run holds, e.g. --wait 60 (0: forever).'],
    ] as const) {
      const r = await runCli(['up', '--url', db.url, ...flags], { cwd: project.root, timeoutMs: 20_000 });
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
      await untouched();
    }
    const C = '20260103000000';
    project.write(`${C}_c.sql`, sqlMigration(C, B, 'CREATE TABLE c (id int);', 'DROP TABLE c;', ['--! Lock-Timeout: 5 seconds']));
    const r = await runCli(['up', '--url', db.url], { cwd: project.root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`migrations/${C}_c.sql:4`);
    expect(r.stderr).toContain('"Lock-Timeout: 5 seconds" is not a Postgres duration');
    await untouched();
  });

  it('a Transaction: none migration that fails halfway: exit 3, and status text shows how far it got and the INVALID index it left', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, "INSERT INTO a VALUES (1), (1);\nCREATE INDEX CONCURRENTLY a_plain ON a (id);\nCREATE UNIQUE INDEX CONCURRENTLY a_uniq ON a (id);", 'DROP INDEX CONCURRENTLY IF EXISTS a_uniq;', ['--! Transaction: none']));
    const r = await runCli(['up', '--url', db.url], { cwd: project.root });
    expect(r.code).toBe(3);
    const s = await runCli(['status', '--url', db.url], { cwd: project.root });
    expect(s.stdout).toMatch(new RegExp(`partial\\s+${B}_b\\s.*stopped after 2/3 statements \\(up statement 3 failed: .*invalid indexes left: public\\.a_uniq\\)`));
  });

  it('a failing migration: exit 3, file:line:col, SQLSTATE, and no password anywhere', async () => {
    project.write(`${B}_b.sql`, sqlMigration(B, A, 'CREATE TABLE b (id int REFERENCES nosuch (id));', 'DROP TABLE b;'));
    const r = await runCli(['up', '--url', db.url], { cwd: project.root });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`error[MIGRATION_FAILED]: migrations/${B}_b.sql:6:`);
    expect(r.stderr).toContain('relation "nosuch" does not exist (SQLSTATE 42P01)');
    // What to run next names the same database, without printing its URL.
    expect(r.stderr).toContain('fix the SQL and run pgwarden up --url <the same URL> again.');
    const password = new URL(db.url).password;
    expect(r.stdout + r.stderr).not.toContain(password);
  });

  it('new writes a file revising the current head, with both sections', async () => {
    const r = await runCli(['new', 'Add an index on a'], { cwd: project.root });
    expect(r.code).toBe(0);
    const created = readdirSync(project.migrationsDir).find((f) => f.endsWith('_add_an_index_on_a.sql'))!;
    expect(created).toMatch(/^\d{14}_add_an_index_on_a\.sql$/);
    const text = readFileSync(join(project.migrationsDir, created), 'utf8');
    expect(text).toContain(`--! Revises: ${A}\n--! Description: Add an index on a\n`);
    expect(text).toContain('-- Up Migration');
    expect(text).toContain('-- Down Migration');
    expect(r.stdout).toContain(`revises ${A}`);
  });

  it('--env takes the connection from the environment variable the config names; --migrations picks another folder', async () => {
    writeFileSync(join(project.root, 'pgwarden.config.yaml'), 'environments:\n  staging:\n    urlEnv: STAGING_DATABASE_URL\n    protected: true\n');
    let r = await runCli(['status', '--env', 'staging'], { cwd: project.root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Environment "staging" takes its connection from $STAGING_DATABASE_URL, which is not set');
    r = await runCli(['status', '--env', 'prod'], { cwd: project.root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown environment "prod"');
    r = await runCli(['up', '--env', 'staging'], { cwd: project.root, env: { STAGING_DATABASE_URL: db.url } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 applied, 0 pending');
    const other = join(project.root, 'other');
    (await import('node:fs')).mkdirSync(other);
    writeFileSync(join(other, `${B}_b.sql`), sqlMigration(B, undefined, 'SELECT 1;', 'SELECT 1;'));
    r = await runCli(['status', '--env', 'staging', '--migrations', 'other', '--json'], { cwd: project.root, env: { STAGING_DATABASE_URL: db.url } });
    expect(JSON.parse(r.stdout).migrations.map((m: { revision: string; state: string }) => `${m.revision}:${m.state}`)).toEqual([`${B}:pending`, `${A}:missing`]);
  });

  it('config check reports problems; config schema prints the JSON Schema', async () => {
    const r = await runCli(['config', 'schema'], { cwd: project.root });
    expect(JSON.parse(r.stdout).title).toBe('pgwarden configuration');
  });
});
