import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planAdoption, PROPOSED_DOWN_MARK, writeAdoption } from '../../../src/adopt/adopt.js';
import { markAdoptedApplied } from '../../../src/adopt/mark-applied.js';
import { readSourceFolder } from '../../../src/adopt/sources.js';
import { lintHistory } from '../../../src/lint/engine.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { readLedger } from '../../../src/runner/ledger.js';
import { getStatus, runMigrations } from '../../../src/runner/run.js';
import { createTestDatabase, query } from '../../support/db.js';
import { tempProject, type TempProject } from '../../support/project.js';

const USERS_JS = `exports.up = (pgm) => {
  pgm.createTable('users', { id: { type: 'bigint', primaryKey: true, sequenceGenerated: { precedence: 'ALWAYS' } }, email: { type: 'text', notNull: true } });
};
exports.down = (pgm) => {
  pgm.dropTable('users');
};
`;
const SESSIONS_SQL = `-- Up Migration
CREATE TABLE sessions (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- Down Migration
DROP TABLE sessions;
`;
const NAME_SQL = `-- Up Migration
ALTER TABLE users ADD COLUMN name text;
`;

describe('adopting a node-pg-migrate project', () => {
  let project: TempProject;
  let dbs: DatabaseHandle[];
  beforeEach(() => {
    project = tempProject();
    dbs = [];
    project.write('1700000000000_create-users.cjs', USERS_JS);
    project.write('1700000100000_add-sessions.sql', SESSIONS_SQL);
    project.write('1700000200000_add-user-name.sql', NAME_SQL);
  });
  afterEach(async () => {
    for (const db of dbs) await db.close();
    project.cleanup();
  });

  it('adopts in place, records what pgmigrations lists as run, and up applies only the rest', async () => {
    const db = await createTestDatabase();
    dbs.push(db);
    // The database as node-pg-migrate itself left it: the first two migrations run.
    await runner({ databaseUrl: db.url, dir: project.migrationsDir, direction: 'up', migrationsTable: 'pgmigrations', count: 2, log: () => {}, checkOrder: true });
    const runOn = await query<{ name: string; run_on: Date }>(db.url, 'SELECT name, run_on FROM pgmigrations ORDER BY id');
    expect(runOn.map((r) => r.name)).toEqual(['1700000000000_create-users', '1700000100000_add-sessions']);

    const plan = await planAdoption(project.config, { from: project.migrationsDir });
    expect(plan.layout).toBe('node-pg-migrate');
    expect(plan.inPlace).toBe(true);
    expect(plan.migrations.map((m) => [m.target, m.revision, m.revises, m.action, m.down])).toEqual([
      ['migrations/1700000000000_create-users.cjs', '1700000000000', undefined, 'kept', 'script'],
      ['migrations/1700000100000_add-sessions.sql', '1700000100000', '1700000000000', 'rewritten', 'kept'],
      ['migrations/1700000200000_add-user-name.sql', '1700000200000', '1700000100000', 'rewritten', 'proposed'],
    ]);
    writeAdoption(project.config, plan);
    expect(readFileSync(join(project.migrationsDir, '1700000000000_create-users.cjs'), 'utf8')).toBe(USERS_JS);
    const sessions = readFileSync(join(project.migrationsDir, '1700000100000_add-sessions.sql'), 'utf8');
    expect(sessions.startsWith('--! Revision: 1700000100000\n--! Revises: 1700000000000\n--! Description: Add sessions\n')).toBe(true);
    expect(sessions).toContain('-- Down Migration\nDROP TABLE sessions;\n');
    expect(readFileSync(join(project.migrationsDir, '1700000200000_add-user-name.sql'), 'utf8')).toContain(`-- Down Migration\n${PROPOSED_DOWN_MARK}\nALTER TABLE users DROP COLUMN name;\n`);

    const lint = await lintHistory(project.config, { cache: false });
    expect(lint.findings.filter((f) => f.severity === 'error')).toEqual([]);

    const marks = await markAdoptedApplied(project.config, db, plan);
    expect(marks).toMatchObject({ source: 'node-pg-migrate', table: 'public.pgmigrations', marked: ['1700000000000', '1700000100000'], pending: ['1700000200000'], unknown: [] });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const ledger = await readLedger(client, project.config.ledger);
      expect(ledger.map((r) => [r.revision, r.appliedAt.toISOString()])).toEqual(runOn.map((r, i) => [plan.migrations[i]!.revision, r.run_on.toISOString()]));
    } finally {
      await client.end();
    }
    expect((await getStatus(project.config, db)).migrations.map((m) => m.state)).toEqual(['applied', 'applied', 'pending']);
    const run = await runMigrations(project.config, db, 'up');
    expect(run.migrations.map((m) => m.revision)).toEqual(['1700000200000']);
    expect(await query(db.url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' ORDER BY ordinal_position")).toEqual([{ column_name: 'id' }, { column_name: 'email' }, { column_name: 'name' }]);

    // Another database, later: the folder is already adopted; its files are kept and it is marked from its own pgmigrations.
    const staging = await createTestDatabase();
    dbs.push(staging);
    await query(staging.url, readFileSync(join(project.migrationsDir, '1700000100000_add-sessions.sql'), 'utf8').replace(/-- Down Migration[\s\S]*/, '').replace('CREATE TABLE sessions', 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL); CREATE TABLE sessions'));
    await query(staging.url, `CREATE TABLE pgmigrations (id serial PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL);
      INSERT INTO pgmigrations (name, run_on) VALUES ('1700000000000_create-users', now()), ('1700000100000_add-sessions', now()), ('1699999999999_removed-long-ago', now());`);
    const again = await planAdoption(project.config, { from: project.migrationsDir });
    expect(again.migrations.every((m) => m.action === 'kept')).toBe(true);
    const stagingMarks = await markAdoptedApplied(project.config, staging, again);
    expect(stagingMarks).toMatchObject({ marked: ['1700000000000', '1700000100000'], pending: ['1700000200000'], unknown: ['1699999999999_removed-long-ago'] });
    expect((await getStatus(project.config, staging)).migrations.map((m) => m.state)).toEqual(['applied', 'applied', 'pending']);
  });

  it('without a migrations table and without --applied-through, says what to do', async () => {
    const db = await createTestDatabase();
    dbs.push(db);
    const plan = await planAdoption(project.config, { from: project.migrationsDir });
    await expect(markAdoptedApplied(project.config, db, plan)).rejects.toThrow(/no migrations table pgwarden knows .*--applied-through/);
  });
});

describe('adopting golang-migrate, Flyway and dbmate folders', () => {
  let project: TempProject;
  let dbs: DatabaseHandle[];
  beforeEach(() => {
    project = tempProject();
    dbs = [];
  });
  afterEach(async () => {
    for (const db of dbs) await db.close();
    project.cleanup();
  });

  it('golang-migrate: up/down pairs become one file each; schema_migrations (version, dirty) marks the database', async () => {
    const dir = join(project.root, 'sql');
    mkdirSync(dir);
    writeFileSync(join(dir, '000001_create_accounts.up.sql'), 'CREATE TABLE accounts (id bigint PRIMARY KEY);\n');
    writeFileSync(join(dir, '000001_create_accounts.down.sql'), 'DROP TABLE accounts;\n');
    writeFileSync(join(dir, '000002_add_accounts_name.up.sql'), 'ALTER TABLE accounts ADD COLUMN name text;\n');
    writeFileSync(join(dir, '000002_add_accounts_name.down.sql'), 'ALTER TABLE accounts DROP COLUMN name;\n');
    writeFileSync(join(dir, 'README.md'), 'notes\n');
    const plan = await planAdoption(project.config, { from: dir, now: new Date('2026-01-01T00:00:10Z') });
    expect(plan.ignored).toEqual(['README.md']);
    expect(plan.migrations.map((m) => [m.target, m.down, m.sources.length])).toEqual([
      ['migrations/20260101000008_create_accounts.sql', 'kept', 2],
      ['migrations/20260101000009_add_accounts_name.sql', 'kept', 2],
    ]);
    writeAdoption(project.config, plan);
    const db = await createTestDatabase();
    dbs.push(db);
    await query(db.url, 'CREATE TABLE accounts (id bigint PRIMARY KEY); CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (1, false);');
    const marks = await markAdoptedApplied(project.config, db, plan);
    expect(marks).toMatchObject({ source: 'golang-migrate', marked: ['20260101000008'], pending: ['20260101000009'] });
    await runMigrations(project.config, db, 'up');
    await runMigrations(project.config, db, 'down', { to: '0' });
    expect(await query(db.url, "SELECT to_regclass('accounts') AS t")).toEqual([{ t: null }]);
  });

  it('Flyway V/U files and dbmate markers are split into up and down', () => {
    const dir = join(project.root, 'flyway');
    mkdirSync(dir);
    writeFileSync(join(dir, 'V1__init.sql'), 'CREATE TABLE a (id int);\n');
    writeFileSync(join(dir, 'U1__init.sql'), 'DROP TABLE a;\n');
    writeFileSync(join(dir, 'V1.1__more.sql'), 'CREATE TABLE b (id int);\n');
    const flyway = readSourceFolder(dir);
    expect(flyway.migrations.map((m) => [m.version, m.slug, m.up.trim(), m.down?.trim()])).toEqual([
      ['1', 'init', 'CREATE TABLE a (id int);', 'DROP TABLE a;'],
      ['1.1', 'more', 'CREATE TABLE b (id int);', undefined],
    ]);
    const dbmate = join(project.root, 'dbmate');
    mkdirSync(dbmate);
    writeFileSync(join(dbmate, '20240101120000_create_c.sql'), '-- migrate:up\nCREATE TABLE c (id int);\n\n-- migrate:down\nDROP TABLE c;\n');
    const read = readSourceFolder(dbmate);
    expect(read.layout).toBe('node-pg-migrate');
    expect(read.migrations.map((m) => [m.version, m.up.trim(), m.down?.trim()])).toEqual([['20240101120000', 'CREATE TABLE c (id int);', 'DROP TABLE c;']]);
  });

  it("timestamped file names (dbmate) are kept: the revision is the file's own", async () => {
    const dbmate = join(project.root, 'dbmate');
    mkdirSync(dbmate);
    writeFileSync(join(dbmate, '20240101120000_create_c.sql'), '-- migrate:up\nCREATE TABLE c (id int);\n\n-- migrate:down\nDROP TABLE c;\n');
    writeFileSync(join(dbmate, '20240102120000_create_d.sql'), '-- migrate:up\nCREATE TABLE d (id int);\n');
    const plan = await planAdoption(project.config, { from: dbmate });
    expect(plan.migrations.map((m) => [m.target, m.revision, m.revises, m.down])).toEqual([
      ['migrations/20240101120000_create_c.sql', '20240101120000', undefined, 'kept'],
      ['migrations/20240102120000_create_d.sql', '20240102120000', '20240101120000', 'proposed'],
    ]);
    expect(plan.migrations[0]!.text).toContain('-- Up Migration\nCREATE TABLE c (id int);\n\n-- Down Migration\nDROP TABLE c;\n');
  });
});
