import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminUrl, query } from '../../support/db.js';
import { runCli } from '../../support/cli.js';
import { projectWith } from './history.js';

// The built CLI (npm run build), on the test server through --url: verify creates its own throwaway database there.
describe('pgwarden verify and pgwarden snapshot', () => {
  let project: ReturnType<typeof projectWith>;
  beforeAll(() => {
    project = projectWith([
      { name: 'accounts', up: 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);', down: 'DROP TABLE accounts;' },
      { name: 'add_flag', up: 'ALTER TABLE accounts ADD COLUMN is_admin boolean NOT NULL DEFAULT false;', down: 'ALTER TABLE accounts DROP COLUMN is_admin;' },
      { name: 'status_type', up: "CREATE TYPE account_status AS ENUM ('active', 'closed');", down: 'SELECT 1;' },
    ]);
  });
  afterAll(() => project?.cleanup());

  it('exits 1 and names the migration and what its down left, in text', async () => {
    const result = await runCli(['verify', '--url', adminUrl()], { cwd: project.root });
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${project.revisions.status_type}_status_type  ✗ failed`);
    expect(result.stdout).toContain('- type public.account_status still exists');
    expect(result.stdout).toMatch(/Not clean: 2 verified, 1 failed/);
    expect(result.stdout).not.toContain(new URL(adminUrl()).password || '\u0000');
  });

  it('writes SARIF located at the migration file', async () => {
    const result = await runCli(['verify', '--url', adminUrl(), '--format', 'sarif'], { cwd: project.root });
    expect(result.code).toBe(1);
    const sarif = JSON.parse(result.stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].tool.driver.name).toBe('pgwarden');
    const errors = sarif.runs[0].results.filter((r: { level: string }) => r.level === 'error');
    // The down leaves the type behind, so up cannot create it again either.
    expect(errors.map((r: { ruleId: string }) => r.ruleId)).toEqual(['down-restores-schema', 'up-reapplies']);
    expect(errors[0]).toMatchObject({
      ruleId: 'down-restores-schema',
      locations: [{ physicalLocation: { artifactLocation: { uri: `migrations/${project.revisions.status_type}_status_type.sql` }, region: { startLine: 9 } } }],
    });
    expect(errors[0].message.text).toContain('type public.account_status still exists');
  });

  it('fails a migration on seeded data that an empty database lets through, as JSON', async () => {
    const seeded = projectWith([
      { name: 'accounts', up: 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);', down: 'DROP TABLE accounts;' },
      { name: 'required_flag', up: 'ALTER TABLE accounts ADD COLUMN is_admin boolean NOT NULL;', down: 'ALTER TABLE accounts DROP COLUMN is_admin;' },
      { name: 'later', up: 'CREATE TABLE later (id int);', down: 'DROP TABLE later;' },
    ]);
    try {
      writeFileSync(join(seeded.root, 'seed.sql'), `--! After: ${seeded.revisions.accounts}\nINSERT INTO accounts VALUES (1, 'a@example.com');\n`);
      const empty = JSON.parse((await runCli(['verify', '--url', adminUrl(), '--json'], { cwd: seeded.root })).stdout);
      expect(empty.findings.filter((f: { level: string }) => f.level === 'error').map((f: { ruleId: string }) => f.ruleId)).toEqual(['blocking-lock']);
      const result = await runCli(['verify', '--url', adminUrl(), '--json', '--seed', 'seed.sql'], { cwd: seeded.root });
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout);
      expect(report.findings.map((f: { ruleId: string; revision: string }) => [f.ruleId, f.revision])).toEqual([['up-fails', seeded.revisions.required_flag]]);
      expect(report.findings[0].message).toContain('contains null values');
      expect(report.migrations.map((m: { outcome: string }) => m.outcome)).toEqual(['verified', 'failed', 'not verified']);
    } finally {
      seeded.cleanup();
    }
  });

  it('exits 0 on a clean history and drops the database it made', async () => {
    project.write(`${project.revisions.status_type}_status_type.sql`, readFileSync(join(project.migrationsDir, `${project.revisions.status_type}_status_type.sql`), 'utf8').replace('SELECT 1;', 'DROP TYPE account_status;'));
    // add_flag's ADD COLUMN takes a brief ACCESS EXCLUSIVE lock: a warning, which fails verify unless --warnings-ok.
    const warned = await runCli(['verify', '--url', adminUrl()], { cwd: project.root });
    expect(warned.code, warned.stdout + warned.stderr).toBe(1);
    expect(warned.stdout).toMatch(/Clean but for warnings: 3 verified, 0 failed.*0 errors, 2 warnings/);
    const result = await runCli(['verify', '--url', adminUrl(), '--warnings-ok'], { cwd: project.root });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Clean but for warnings: 3 verified, 0 failed/);
    const json = JSON.parse((await runCli(['verify', '--url', adminUrl(), '--json'], { cwd: project.root })).stdout);
    const name = new URL(json.database.replace('***', 'x')).pathname.slice(1);
    expect(name).toMatch(/^pgwarden_tmp_/);
    expect(await query(adminUrl(), 'SELECT datname FROM pg_database WHERE datname = $1', [name])).toEqual([]);
  });

  it('prints and writes the snapshot of a database', async () => {
    const { createTestDatabase } = await import('../../support/db.js');
    const db = await createTestDatabase();
    try {
      await query(db.url, 'CREATE TABLE things (id int PRIMARY KEY)');
      const printed = await runCli(['snapshot', '--url', db.url], { cwd: project.root });
      expect(printed.code).toBe(0);
      expect(Object.keys(JSON.parse(printed.stdout).tables)).toEqual(['public.things']);
      const written = await runCli(['snapshot', '--url', db.url, '--out', 'snap.json'], { cwd: project.root });
      expect(written.code).toBe(0);
      expect(readFileSync(join(project.root, 'snap.json'), 'utf8')).toBe(printed.stdout);
    } finally {
      await db.close();
    }
  });
});
