import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { adminUrl, query } from '../../support/db.js';
import { projectWith } from './history.js';

// Bad input is found before verify touches any database: a migration that runs before the bad one
// must not have changed the user's server (here a role, which outlives the throwaway database).
describe('pgwarden verify on bad input', () => {
  const projects: Array<ReturnType<typeof projectWith>> = [];
  afterAll(() => {
    for (const p of projects) p.cleanup();
  });

  it('names the file and line of a syntax error in a later down, exits 2, and changes nothing on the server', async () => {
    const role = `pgw_verify_r9_${randomBytes(3).toString('hex')}`;
    const project = projectWith([
      { name: 'base', up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' },
      { name: 'role', up: `CREATE ROLE ${role};`, down: `DROP ROLE ${role};` },
      { name: 'broken_down', up: 'CREATE TABLE u (id int);', down: 'DROPP TABLE u;' },
    ]);
    projects.push(project);
    const result = await runCli(['verify', '--url', adminUrl()], { cwd: project.root });
    expect(result.code).toBe(2);
    // The path from the project's folder, as lint and docs/verify.md print it.
    expect(result.stderr).toContain(`error[MIGRATION_INVALID]: migrations/${project.revisions.broken_down}_broken_down.sql:9:1: syntax error`);
    expect(result.stderr).toContain('syntax error at or near "DROPP"');
    expect((await query(adminUrl(), 'SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).length).toBe(0);
  });

  it('names the file, line and column of a pgm.db call in a node-pg-migrate migration, from the project folder, exits 2', async () => {
    const project = projectWith([{ name: 'base', up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' }]);
    projects.push(project);
    const js = `//! Revises: ${project.revisions.base}\n//! Description: Backfill t\nexports.up = async (pgm) => {\n  const { rows } = await pgm.db.query('SELECT id FROM t');\n  for (const r of rows) pgm.sql(\`UPDATE t SET id = \${r.id}\`);\n};\nexports.down = () => {};\n`;
    project.write('20270101000000_backfill.js', js);
    const result = await runCli(['verify', '--url', adminUrl()], { cwd: project.root });
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toContain(`error[MIGRATION_INVALID]: migrations/20270101000000_backfill.js:4:${js.split('\n')[3]!.indexOf('query') + 1}: up calls pgm.db.query`);
  });

  it("names the seed file's line of a syntax error in a seed, exits 2", async () => {
    const project = projectWith([{ name: 'base', up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' }]);
    projects.push(project);
    writeFileSync(join(project.root, 'seed.sql'), '--! After: ' + project.revisions.base + '\nINSERT INTO t VALUES (1);\nINSERTT INTO t VALUES (2);\n');
    const result = await runCli(['verify', '--url', adminUrl(), '--seed', 'seed.sql'], { cwd: project.root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('seed.sql:3:1: syntax error at or near "INSERTT"');
  });
});

describe('verifyHistory as a library, on bad options', () => {
  it('refuses jobs that are not a whole number of at least 1 (NaN split the history into NaN ranges), before touching the database', async () => {
    const { verifyHistory } = await import('../../../src/verify/verify.js');
    const { createTestDatabase } = await import('../../support/db.js');
    const project = projectWith([{ name: 'base', up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' }]);
    const db = await createTestDatabase();
    try {
      for (const jobs of [Number.NaN, 0, -1, 1.5, Number.POSITIVE_INFINITY]) {
        await expect(verifyHistory(project.config, db, { jobs })).rejects.toMatchObject({ code: 'USAGE', message: expect.stringMatching(/^jobs must be a whole number of at least 1/) });
      }
      // Nothing ran: no ledger, no table.
      expect(await query(db.url, `SELECT to_regclass('t')::text AS t`)).toEqual([{ t: null }]);
      expect((await verifyHistory(project.config, db, { jobs: 1 })).migrations).toHaveLength(1);
    } finally {
      await db.close();
      project.cleanup();
    }
  });
});
