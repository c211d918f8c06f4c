import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, query } from '../../support/db.js';
import { tempProject, type TempProject } from '../../support/project.js';

describe('pgwarden adopt (CLI)', () => {
  let project: TempProject;
  let db: DatabaseHandle;
  beforeEach(async () => {
    project = tempProject();
    db = await createTestDatabase();
    const dir = join(project.root, 'sql');
    mkdirSync(dir);
    writeFileSync(join(dir, '1_accounts.sql'), 'BEGIN;\nCREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);\nCOMMIT;\n');
    writeFileSync(join(dir, '2_accounts_email.sql'), 'BEGIN;\nALTER TABLE accounts ADD COLUMN email text;\nCOMMIT;\n');
    writeFileSync(join(dir, '3_accounts_created_at.sql'), 'ALTER TABLE accounts ADD COLUMN created_at timestamptz;\n');
    await query(db.url, 'CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL); ALTER TABLE accounts ADD COLUMN email text;');
  });
  afterEach(async () => {
    await db.close();
    project.cleanup();
  });

  it('--dry-run changes nothing; then adopt --applied-through records the baseline and up applies only the rest', async () => {
    let r = await runCli(['adopt', 'sql', '--url', db.url, '--applied-through', '2', '--dry-run'], { cwd: project.root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Would adopt 3 migrations from sql \(numbered-sql\) into migrations:/);
    expect(r.stdout).toMatch(/would record 2 migrations as applied \(from --applied-through\)/);
    expect(readdirSync(project.migrationsDir)).toEqual([]);
    expect(await query(db.url, "SELECT to_regclass('pgwarden.ledger') AS t")).toEqual([{ t: null }]);

    r = await runCli(['adopt', 'sql', '--url', db.url, '--applied-through', '2'], { cwd: project.root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/sql\/1_accounts\.sql -> migrations\/\d{14}_accounts\.sql +\[down proposed\]/);
    expect(r.stdout).toMatch(/removed 2 BEGIN\/COMMIT statement\(s\)/);
    expect(r.stdout).toMatch(/recorded 2 migrations as applied \(from --applied-through\), without running them/);
    expect(readdirSync(project.migrationsDir)).toHaveLength(3);
    // Adopting the adopted folder again (to mark another database) says what it is, not a source layout.
    r = await runCli(['adopt', 'migrations', '--dry-run'], { cwd: project.root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("migrations is already in pgwarden's format (adopted earlier): its 3 migrations are kept as they are:\n");
    expect(r.stdout).not.toMatch(/node-pg-migrate|numbered-sql/);
    expect(JSON.parse((await runCli(['adopt', 'migrations', '--dry-run', '--json'], { cwd: project.root })).stdout).layout).toBe('pgwarden');

    r = await runCli(['lint'], { cwd: project.root });
    expect(r.code, r.stdout).toBe(0);
    r = await runCli(['up', '--url', db.url], { cwd: project.root });
    expect(r.code, r.stderr).toBe(0);
    r = await runCli(['status', '--url', db.url, '--exit-code'], { cwd: project.root });
    expect(r.code, r.stdout).toBe(0);
    expect(await query(db.url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts' ORDER BY ordinal_position")).toEqual([{ column_name: 'id' }, { column_name: 'name' }, { column_name: 'email' }, { column_name: 'created_at' }]);
    // All three downs were proposed and roll the schema back to nothing.
    r = await runCli(['down', '--url', db.url, '--to', '0'], { cwd: project.root });
    expect(r.code, r.stderr).toBe(0);
    expect(await query(db.url, "SELECT to_regclass('accounts') AS t")).toEqual([{ t: null }]);
  });

  it('--applied-through without a database is a usage error (exit 2)', async () => {
    const r = await runCli(['adopt', 'sql', '--applied-through', '2'], { cwd: project.root });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--applied-through records migrations as applied on a database: name it with --env or --url/);
  });

  it('a file that does not parse is exit 2 at its line in the source file; nothing is written, removed or recorded', async () => {
    const dir = join(project.root, 'sql');
    // The error sits on line 4 of the file (line 2 of its up section, after the preamble comments and the marker).
    writeFileSync(join(dir, '2_accounts_email.sql'), '-- Adds the email\n-- Up Migration\nALTER TABLE accounts ADD COLUMN email text;\nCREAT INDEX accounts_email ON accounts (email);\n-- Down Migration\nALTER TABLE accounts DROP COLUMN email;\n');
    writeFileSync(join(dir, '3_accounts_created_at.sql'), 'ALTER TABLE accounts ADD COLUMN created_at timestamptz;\n-- Down Migration\nALTER TABLE accounts DROP COLUM created_at;\n');
    for (const extra of [[], ['--dry-run']]) {
      const r = await runCli(['adopt', 'sql', '--url', db.url, '--applied-through', '3', ...extra], { cwd: project.root });
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toContain('error[MIGRATION_INVALID]: 2 migration sections of sql do not parse');
      expect(r.stderr).toContain('Nothing was written or recorded.');
      expect(r.stderr).toMatch(/\n {2}sql\/2_accounts_email\.sql:4:1: syntax error at or near "CREAT" \(the up section\): fix the SQL, then adopt again\n/);
      expect(r.stderr).toMatch(/\n {2}sql\/3_accounts_created_at\.sql:3:33: syntax error at or near "created_at" \(the down section\)/);
      expect(readdirSync(project.migrationsDir)).toEqual([]);
      expect(readdirSync(dir).sort()).toEqual(['1_accounts.sql', '2_accounts_email.sql', '3_accounts_created_at.sql']);
      expect(await query(db.url, "SELECT to_regnamespace('pgwarden') AS s")).toEqual([{ s: null }]);
    }
  });
});
