import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMigrations, getStatus } from '../../../src/runner/run.js';
import { PgwardenError } from '../../../src/errors.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { createTestDatabase, query } from '../../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../../support/project.js';

describe('node-pg-migrate JS/TS migrations', () => {
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

  it('runs an existing node-pg-migrate history (JS, TS, reversible and noTransaction) in file order, then SQL files after it', async () => {
    project.write(
      '1700000000000_create-users.js',
      `exports.up = (pgm) => {\n  pgm.createTable('users', { id: 'id', name: { type: 'text', notNull: true } });\n};\nexports.down = (pgm) => {\n  pgm.dropTable('users');\n};\n`,
    );
    // No down: node-pg-migrate reverses addColumns itself.
    project.write('1700000000001_add-email.js', `exports.up = (pgm) => {\n  pgm.addColumns('users', { email: { type: 'text' } });\n};\n`);
    project.write(
      '1700000000002_index-name.ts',
      `import type { MigrationBuilder } from 'node-pg-migrate';\nexport async function up(pgm: MigrationBuilder): Promise<void> {\n  pgm.noTransaction();\n  pgm.createIndex('users', 'name', { concurrently: true, name: 'idx_users_name' });\n}\nexport async function down(pgm: MigrationBuilder): Promise<void> {\n  pgm.noTransaction();\n  pgm.dropIndex('users', 'name', { concurrently: true, name: 'idx_users_name' });\n}\n`,
    );
    project.write('20260101000000_sessions.sql', sqlMigration('20260101000000', '1700000000002', 'CREATE TABLE sessions (user_id int REFERENCES users (id));', 'DROP TABLE sessions;'));

    const up = await runMigrations(project.config, db, 'up');
    expect(up.migrations.map((m) => [m.revision, m.transactional])).toEqual([
      ['1700000000000', true],
      ['1700000000001', true],
      ['1700000000002', false],
      ['20260101000000', true],
    ]);
    const columns = await query<{ c: string }>(db.url, `SELECT string_agg(column_name, ',' ORDER BY ordinal_position) AS c FROM information_schema.columns WHERE table_name = 'users'`);
    expect(columns[0]!.c).toBe('id,name,email');
    expect(await query(db.url, `SELECT indexname FROM pg_indexes WHERE indexname = 'idx_users_name'`)).toEqual([{ indexname: 'idx_users_name' }]);
    const kinds = await query<{ kind: string }>(db.url, `SELECT kind FROM pgwarden.ledger ORDER BY revision`);
    expect(kinds.map((k) => k.kind)).toEqual(['js', 'js', 'js', 'sql']);

    const dry = await runMigrations(project.config, db, 'down', { to: '1700000000000', dryRun: true });
    expect(dry.migrations.map((m) => m.sql?.join('\n'))).toEqual([
      'DROP TABLE sessions;\n',
      'DROP INDEX CONCURRENTLY "idx_users_name";',
      'ALTER TABLE "users"\n  DROP "email";',
    ]);
    await runMigrations(project.config, db, 'down', { to: '1700000000000' });
    const after = await getStatus(project.config, db);
    expect(after.migrations.map((m) => m.state)).toEqual(['applied', 'pending', 'pending', 'pending']);
    const left = await query<{ c: string }>(db.url, `SELECT string_agg(column_name, ',' ORDER BY ordinal_position) AS c FROM information_schema.columns WHERE table_name = 'users'`);
    expect(left[0]!.c).toBe('id,name');
  });

  it('loads each JS/TS migration once per run, in the runner\'s own process', async () => {
    // Each load of a script appends a line to loads.txt beside it.
    const script = (name: string, table: string) =>
      `const { appendFileSync } = require('node:fs');\nappendFileSync(require('node:path').join(__dirname, 'loads.txt'), '${name}\\n');\nexports.up = (pgm) => pgm.createTable('${table}', { id: 'id' });\nexports.down = (pgm) => pgm.dropTable('${table}');\n`;
    project.write('1700000000000_users.js', script('users', 'users'));
    project.write('1700000000001_teams.js', script('teams', 'teams'));
    await runMigrations(project.config, db, 'up');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(project.migrationsDir, 'loads.txt'), 'utf8')).toBe('users\nteams\n');
  });

  it('a migration that reads the database through pgm.db is refused before anything runs, naming the file, line and the way out', async () => {
    project.write('1700000000000_create-users.js', `exports.up = (pgm) => {\n  pgm.createTable('users', { id: 'id' });\n};\n`);
    project.write('1700000000001_backfill.js', `exports.up = async (pgm) => {\n  const { rows } = await pgm.db.query('SELECT id FROM users');\n  for (const r of rows) pgm.sql(\`UPDATE users SET id = \${r.id}\`);\n};\n`);
    const error = (await runMigrations(project.config, db, 'up').catch((e: unknown) => e)) as PgwardenError;
    expect(error).toBeInstanceOf(PgwardenError);
    expect(error.exitCode).toBe(2);
    // Named by its path from the working directory (here outside it: the absolute path), with line and column.
    expect(error.message.startsWith(`${join(project.migrationsDir, '1700000000001_backfill.js')}:2:`)).toBe(true);
    expect(error.message).toMatch(/_backfill\.js:2:\d+: up calls pgm\.db\.query, which reads the database while the migration's SQL is being built\./);
    expect(error.message).toContain('Move the logic into SQL (pgm.sql');
    expect(error.location).toMatchObject({ line: 2 });
    expect(await query(db.url, `SELECT to_regclass('public.users') AS u, to_regnamespace('pgwarden') AS ledger`)).toEqual([{ u: null, ledger: null }]);
  });

  describe('a failing statement is reported at the line of the pgm call that produced it', () => {
    const failing = (noTransaction: boolean) => [
      'exports.up = (pgm) => {',
      ...(noTransaction ? ['  pgm.noTransaction();'] : []),
      "  pgm.addColumn('users', { email: 'text' });",
      '  pgm.sql(`',
      '    INSERT INTO users (id) VALUES (1);',
      '    INSERT INTO users (id, missing) VALUES (2, 3);',
      '  `);',
      "  pgm.sql('SELECT 1');",
      '};',
      '',
    ];
    const column = "  pgm.sql(`".indexOf('sql') + 1;
    const failure = async () => (await runMigrations(project.config, db, 'up').catch((e: unknown) => e)) as PgwardenError;
    beforeEach(() => {
      project.write('1700000000000_create-users.js', `exports.up = (pgm) => {\n  pgm.createTable('users', { id: 'id' });\n};\n`);
    });

    it('in a transaction: file, line and column of the call, and the lines around it', async () => {
      const path = project.write('1700000000001_backfill.js', failing(false).join('\n'));
      const error = await failure();
      expect(error).toBeInstanceOf(PgwardenError);
      expect(error.exitCode).toBe(3);
      expect(error.message.split('\n').slice(0, 5)).toEqual([
        `${relative(project.root, path)}:3:${column}: up failed: column "missing" of relation "users" does not exist (SQLSTATE 42703)`,
        '  1 | exports.up = (pgm) => {',
        "  2 |   pgm.addColumn('users', { email: 'text' });",
        '> 3 |   pgm.sql(`',
        `    | ${' '.repeat(column - 1)}^`,
      ]);
      expect(error.location).toMatchObject({ file: path, line: 3, column });
      expect(await query(db.url, `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email'`)).toEqual([{ n: 0 }]);
    });

    it('outside a transaction (pgm.noTransaction), statement by statement', async () => {
      const path = project.write('1700000000001_backfill.js', failing(true).join('\n'));
      const error = await failure();
      expect(error.message.split('\n')[0]).toBe(`${relative(project.root, path)}:4:${column}: up failed: column "missing" of relation "users" does not exist (SQLSTATE 42703)`);
      expect(error.location).toMatchObject({ file: path, line: 4, column });
      expect(error.message).toContain('statement 2 failed');
    });

    it('SQL the server cannot parse: nothing runs, exit 2', async () => {
      const path = project.write('1700000000001_backfill.js', ['exports.up = (pgm) => {', "  pgm.addColumn('users', { email: 'text' });", '', "  pgm.sql('SELEC 1');", '};', ''].join('\n'));
      const error = await failure();
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(`${relative(project.root, path)}:4:7: syntax error at or near "SELEC". Nothing was run: fix the SQL and run again.`);
      expect(await query(db.url, `SELECT to_regclass('public.users') AS u`)).toEqual([{ u: null }]);
    });
  });
});
