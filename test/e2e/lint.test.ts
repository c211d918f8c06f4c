import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempProject, type TempProject } from '../support/project.js';

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

function migration(revision: string, revises: string | undefined, description: string, up: string, down: string | undefined, header: string[] = []): string {
  return [
    `--! Revision: ${revision}`,
    ...(revises ? [`--! Revises: ${revises}`] : []),
    `--! Description: ${description}`,
    ...header,
    '',
    '-- Up Migration',
    up,
    ...(down !== undefined ? ['', '-- Down Migration', down] : []),
    '',
  ].join('\n');
}

function cleanProject(): TempProject {
  const p = tempProject();
  p.write('20260101000000_users.sql', migration('20260101000000', undefined, 'Create users', 'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);', 'DROP TABLE users;'));
  p.write(
    '20260102000000_index.sql',
    migration('20260102000000', '20260101000000', 'Index users by email', 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);', 'DROP INDEX CONCURRENTLY users_email_idx;', ['--! Transaction: none']),
  );
  return p;
}

describe('pgwarden lint (built CLI)', () => {
  it('exits 0 on a clean history and says so', async () => {
    project = cleanProject();
    const result = await runCli(['lint'], { cwd: project.root });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^No problems in 2 files \(2 migrations checked in \d+ ms\)\.\n$/);
  });

  it('exits 1 on an error and prints location, source line, marker, help and fix', async () => {
    project = cleanProject();
    project.write('20260103000000_jobs.sql', migration('20260103000000', '20260102000000', 'Index users by id', 'CREATE INDEX CONCURRENTLY users_id_idx ON users (id);', 'DROP INDEX users_id_idx;'));
    const result = await runCli(['lint'], { cwd: project.root });
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(
      'migrations/20260103000000_jobs.sql:6:1  error  ban-concurrent-index-creation-in-transaction  CREATE INDEX CONCURRENTLY in a migration that runs in a transaction: Postgres refuses it ("cannot run inside a transaction block")',
    );
    expect(lines[1]).toBe('  6 | CREATE INDEX CONCURRENTLY users_id_idx ON users (id);');
    expect(lines[2]).toBe(`    | ${'^'.repeat('CREATE INDEX CONCURRENTLY users_id_idx ON users (id)'.length)}`);
    expect(lines[3]).toMatch(/^ {2}help: /);
    expect(lines[4]).toBe('  fix: Add "--! Transaction: none" to the header (and keep other statements out of this migration)');
    expect(result.stdout).toMatch(/\n1 problem \(1 error\) in 1 file \(3 migrations checked in \d+ ms\)\.\n$/);
  });

  it('exits 0 when only warnings remain', async () => {
    project = cleanProject();
    project.write('pgwarden.config.yaml', '');
    const config = 'lint:\n  rules:\n    require-docstring: warning\n';
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${project.root}/pgwarden.config.yaml`, config);
    project.write('20260103000000_wip.sql', migration('20260103000000', '20260102000000', 'wip', 'COMMENT ON TABLE users IS \'People who log in.\';', "COMMENT ON TABLE users IS NULL;"));
    const result = await runCli(['lint', '--format', 'json'], { cwd: project.root });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.findings.map((f: { rule: string; severity: string }) => `${f.rule}:${f.severity}`)).toEqual(['require-docstring:warning']);
  });

  it('flags SQL newer than lint.postgresVersion, which the PostgreSQL 18 parser accepts, until the config targets that version', async () => {
    project = cleanProject();
    const { writeFileSync } = await import('node:fs');
    const up = 'ALTER TABLE users ADD COLUMN email_lower text GENERATED ALWAYS AS (lower(email)) VIRTUAL;';
    project.write('20260103000000_virtual.sql', migration('20260103000000', '20260102000000', 'Add the lower-cased email', up, 'ALTER TABLE users DROP COLUMN email_lower;'));
    writeFileSync(`${project.root}/pgwarden.config.yaml`, 'lint:\n  postgresVersion: 15\n');
    const on15 = await runCli(['lint'], { cwd: project.root });
    expect(on15.stderr).toBe('');
    expect(on15.code).toBe(1);
    const lines = on15.stdout.split('\n');
    expect(lines[0]).toBe(
      'migrations/20260103000000_virtual.sql:6:47  error  requires-newer-postgres  A virtual generated column (GENERATED ALWAYS AS (...) without STORED, or VIRTUAL) needs PostgreSQL 18 or later; lint.postgresVersion is 15, where this statement fails.',
    );
    expect(lines[1]).toBe(`  6 | ${up}`);
    expect(lines[3]).toBe(
      "  help: Rewrite the statement without it (write GENERATED ALWAYS AS (...) STORED, a stored generated column), or raise lint.postgresVersion to 18 if every server these migrations run on (each environment, CI, developers' databases) has PostgreSQL 18 or later.",
    );
    expect(on15.stdout).toMatch(/\n1 problem \(1 error\) in 1 file \(3 migrations checked in \d+ ms\)\.\n$/);

    writeFileSync(`${project.root}/pgwarden.config.yaml`, 'lint:\n  postgresVersion: 18\n');
    const on18 = await runCli(['lint'], { cwd: project.root });
    expect(on18.code).toBe(0);
    expect(on18.stdout).toMatch(/^No problems in 3 files/);
  });

  it("takes the issue's file-ignore syntax without a reason: the ignore applies, a warning says it has no reason, exit 0", async () => {
    project = cleanProject();
    project.write(
      '20260103000000_note.sql',
      migration('20260103000000', '20260102000000', 'Add a note to users', 'ALTER TABLE users ADD COLUMN note varchar(200);', 'ALTER TABLE users DROP COLUMN note;', ['-- pgwarden-ignore-file prefer-text-field']),
    );
    const result = await runCli(['lint', '--format', 'json'], { cwd: project.root });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.findings.map((f: { rule: string; severity: string; line: number }) => `${f.rule}:${f.severity}:${f.line}`)).toEqual(['ignore-needs-reason:warning:4']);
  });

  it('writes json, sarif and github formats', async () => {
    project = cleanProject();
    project.write('20260103000000_drop.sql', migration('20260103000000', '20260102000000', 'Drop users', 'DROP TABLE users;', undefined));
    const json = await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: project.root });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ version: 1, migrations: 3, cached: false });
    expect(report.findings.map((f: { rule: string }) => f.rule).sort()).toEqual(['ban-drop-table', 'irreversible-operation', 'require-down']);

    const sarif = JSON.parse((await runCli(['lint', '--format', 'sarif'], { cwd: project.root })).stdout);
    expect(sarif.version).toBe('2.1.0');
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'irreversible-operation');
    expect(result.message.text).toContain('DROP TABLE users deletes the table and its rows');
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('migrations/20260103000000_drop.sql');
    expect(result.locations[0].physicalLocation.region.startLine).toBe(6);

    const github = await runCli(['lint', '--format', 'github'], { cwd: project.root });
    expect(github.code).toBe(1);
    expect(github.stdout).toContain('::error file=migrations/20260103000000_drop.sql,line=6,col=1,');
    expect(github.stdout).toContain('title=pgwarden irreversible-operation::DROP TABLE users deletes the table and its rows');
  });

  it('serves an unchanged history from the cache, and re-checks after an edit', async () => {
    project = cleanProject();
    const first = JSON.parse((await runCli(['lint', '--json'], { cwd: project.root })).stdout);
    const second = JSON.parse((await runCli(['lint', '--json'], { cwd: project.root })).stdout);
    expect([first.cached, second.cached]).toEqual([false, true]);
    project.write('20260101000000_users.sql', migration('20260101000000', undefined, 'fix', 'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);', 'DROP TABLE users;'));
    const third = JSON.parse((await runCli(['lint', '--json'], { cwd: project.root })).stdout);
    expect(third.cached).toBe(false);
    expect(third.findings.map((f: { rule: string }) => f.rule)).toEqual(['require-docstring']);
  });

  it('serves JS/TS migrations from the cache until a module they import changes: by require, by import, and a module that module imports', async () => {
    project = cleanProject();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const write = (name: string, text: string) => {
      mkdirSync(`${project!.root}/${name.replace(/\/[^/]*$/, '')}`, { recursive: true });
      writeFileSync(`${project!.root}/${name}`, text);
    };
    const column = (notNull: boolean) => `{ type: 'text', notNull: ${notNull} }`;
    write('migrations/20260103000000_a.js', "//! Revises: 20260102000000\n//! Description: Add a\nconst { column } = require('./lib/columns');\nexports.up = (pgm) => pgm.addColumn('users', { a: column() });\nexports.down = (pgm) => pgm.dropColumn('users', 'a');\n");
    write('migrations/lib/columns.js', `exports.column = () => (${column(true)});\n`);
    write('migrations/20260104000000_b.mjs', "//! Revises: 20260103000000\n//! Description: Add b\nimport { column } from '../shared/columns.mjs';\nexport const up = (pgm) => pgm.addColumn('users', { b: column });\nexport const down = (pgm) => pgm.dropColumn('users', 'b');\n");
    write('shared/columns.mjs', `export const column = ${column(true)};\n`);
    write('migrations/20260105000000_c.ts', "//! Revises: 20260104000000\n//! Description: Add c\nimport { column } from './lib/typed';\nexport const up = (pgm: any) => pgm.addColumn('users', { c: column });\nexport const down = (pgm: any) => pgm.dropColumn('users', 'c');\n");
    write('migrations/lib/typed.ts', "export { column } from './deep/column.js';\n");
    write('migrations/lib/deep/column.ts', `export const column: object = ${column(true)};\n`);
    const lint = async () => {
      const result = await runCli(['lint', '--json'], { cwd: project!.root });
      const report = JSON.parse(result.stdout) as { cached: boolean; findings: Array<{ file: string; rule: string }> };
      return { cached: report.cached, findings: report.findings.map((f) => `${f.file} ${f.rule}`) };
    };
    const finding = (file: string) => `migrations/${file} adding-required-field`;
    expect(await lint()).toEqual({ cached: false, findings: [finding('20260103000000_a.js'), finding('20260104000000_b.mjs'), finding('20260105000000_c.ts')] });
    expect(await lint()).toEqual({ cached: true, findings: [finding('20260103000000_a.js'), finding('20260104000000_b.mjs'), finding('20260105000000_c.ts')] });
    write('migrations/lib/columns.js', `exports.column = () => (${column(false)});\n`);
    expect(await lint()).toEqual({ cached: false, findings: [finding('20260104000000_b.mjs'), finding('20260105000000_c.ts')] });
    write('shared/columns.mjs', `export const column = ${column(false)};\n`);
    expect(await lint()).toEqual({ cached: false, findings: [finding('20260105000000_c.ts')] });
    write('migrations/lib/deep/column.ts', `export const column: object = ${column(false)};\n`);
    expect(await lint()).toEqual({ cached: false, findings: [] });
    // And back: the finding appears again.
    write('migrations/lib/columns.js', `exports.column = () => (${column(true)});\n`);
    expect(await lint()).toEqual({ cached: false, findings: [finding('20260103000000_a.js')] });
  });

  it('reports a finding of a JS migration at the line of the pgm call, with that line and a marker, from the cache too, and in every format', async () => {
    project = cleanProject();
    const js = [
      '//! Revises: 20260102000000',
      '//! Description: Give users flags and a plan',
      'exports.up = (pgm) => {',
      "  pgm.addColumn('users', { flags: { type: 'jsonb' } });",
      "  pgm.addColumn('users', {",
      "    plan: { type: 'text', notNull: true },",
      '  });',
      '};',
      "exports.down = (pgm) => pgm.dropColumn('users', ['plan', 'flags']);",
      '',
    ].join('\n');
    project.write('20260103000000_plan.js', js);
    const column = "  pgm.addColumn('users', {".indexOf('addColumn') + 1;
    const text = async () => {
      const result = await runCli(['lint'], { cwd: project!.root });
      expect(result.code).toBe(1);
      return result.stdout.split('\n');
    };
    const expected = [
      `migrations/20260103000000_plan.js:5:${column}  error  adding-required-field`,
      "  5 |   pgm.addColumn('users', {",
      `    | ${' '.repeat(column - 1)}${'^'.repeat("addColumn('users', {".length)}`,
    ];
    const first = await text();
    expect([first[0]!.slice(0, expected[0]!.length), first[1], first[2]]).toEqual(expected);
    const cached = await text();
    expect(cached.at(-2)).toMatch(/\(cached\)\)\.$/);
    expect(cached.slice(0, -2)).toEqual(first.slice(0, -2));

    const report = JSON.parse((await runCli(['lint', '--format', 'json'], { cwd: project.root })).stdout);
    expect(report.findings.map((f: { rule: string; line: number; column: number; endLine: number }) => [f.rule, f.line, f.column, f.endLine])).toEqual([['adding-required-field', 5, column, 7]]);
    const sarif = JSON.parse((await runCli(['lint', '--format', 'sarif'], { cwd: project.root })).stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.region).toMatchObject({ startLine: 5, startColumn: column, endLine: 7 });
    const github = await runCli(['lint', '--format', 'github'], { cwd: project.root });
    expect(github.stdout).toContain(`::error file=migrations/20260103000000_plan.js,line=5,col=${column},endLine=7,title=pgwarden adding-required-field::`);
  });

  it('starts a run on a named file from the stored model of the history before it only while the modules JS migrations loaded are unchanged', async () => {
    project = cleanProject();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(`${project.root}/migrations/lib`);
    const names = (table: string) => writeFileSync(`${project!.root}/migrations/lib/names.js`, `exports.table = '${table}';\n`);
    names('teams');
    project.write('20260103000000_teams.js', "//! Revises: 20260102000000\n//! Description: Create teams\nconst { table } = require('./lib/names');\nexports.up = (pgm) => pgm.createTable(table, { id: 'id' });\nexports.down = (pgm) => pgm.dropTable(table);\n");
    const members = (comment: string) =>
      migration('20260104000000', '20260103000000', 'Create members', `CREATE TABLE members (team_id bigint REFERENCES teams (id));\nCREATE INDEX members_team_idx ON members (team_id);${comment}`, 'DROP TABLE members;');
    project.write('20260104000000_members.sql', members(''));
    const lint = async () => {
      const result = await runCli(['lint', 'migrations/20260104000000_members.sql', '--json'], { cwd: project!.root, env: { PGWARDEN_TRACE: '1' } });
      const report = JSON.parse(result.stdout) as { findings: Array<{ rule: string }> };
      return { start: /lint: (model snapshot loaded|replay from the start)/.exec(result.stderr)?.[1], findings: report.findings.map((f) => f.rule) };
    };
    expect(await lint()).toEqual({ start: 'replay from the start', findings: [] });
    project.write('20260104000000_members.sql', members('\n-- edited'));
    expect(await lint()).toEqual({ start: 'model snapshot loaded', findings: [] });
    names('squads');
    expect(await lint()).toEqual({ start: 'replay from the start', findings: ['fk-target-exists'] });
  });

  it('re-checks a JS migration after an edit to the SQL file it reads itself, and refuses --staged while that file has unstaged changes', async () => {
    project = cleanProject();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(`${project.root}/migrations/sql`);
    const sql = (notNull: boolean) => writeFileSync(`${project!.root}/migrations/sql/nick.sql`, `ALTER TABLE users ADD COLUMN nick text${notNull ? ' NOT NULL' : ''};\n`);
    sql(true);
    project.write('20260103000000_nick.js', "//! Revises: 20260102000000\n//! Description: Add a nickname\nconst { readFileSync } = require('node:fs');\nconst { join } = require('node:path');\nexports.up = (pgm) => pgm.sql(readFileSync(join(__dirname, 'sql', 'nick.sql'), 'utf8'));\nexports.down = (pgm) => pgm.sql('ALTER TABLE users DROP COLUMN nick;');\n");
    const lint = async (...args: string[]) => {
      const result = await runCli(['lint', '--json', ...args], { cwd: project!.root });
      if (result.code === 2) return { code: 2, stderr: result.stderr };
      const report = JSON.parse(result.stdout) as { cached: boolean; findings: Array<{ file: string; rule: string }> };
      return { cached: report.cached, findings: report.findings.map((f) => `${f.file} ${f.rule}`) };
    };
    expect(await lint()).toEqual({ cached: false, findings: ['migrations/20260103000000_nick.js adding-required-field'] });
    expect(await lint()).toEqual({ cached: true, findings: ['migrations/20260103000000_nick.js adding-required-field'] });
    sql(false);
    expect(await lint()).toEqual({ cached: false, findings: [] });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: project!.root, stdio: 'ignore' });
    git('init', '-q');
    git('add', '.');
    sql(true);
    const refused = await lint('--staged');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Stage it (git add migrations/sql/nick.sql)');
    expect(refused.stderr).toContain('has changes that are not staged (read by migrations/20260103000000_nick.js)');
    git('add', '.');
    expect((await lint('--staged')).findings).toEqual(['migrations/20260103000000_nick.js adding-required-field']);
  });

  it('as a library (the built package): a second lintHistory in the same process sees an edited helper module, ES module or CommonJS', async () => {
    project = cleanProject();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(`${project.root}/migrations/lib`);
    project.write('20260103000000_a.js', "//! Revises: 20260102000000\n//! Description: Add a\nconst { notNull } = require('./lib/a.js');\nexports.up = (pgm) => pgm.addColumn('users', { a: { type: 'text', notNull } });\nexports.down = (pgm) => pgm.dropColumn('users', 'a');\n");
    project.write('20260104000000_b.mjs', "//! Revises: 20260103000000\n//! Description: Add b\nimport { notNull } from './lib/b.mjs';\nexport const up = (pgm) => pgm.addColumn('users', { b: { type: 'text', notNull } });\nexport const down = (pgm) => pgm.dropColumn('users', 'b');\n");
    const helpers = (notNull: boolean) => {
      writeFileSync(`${project!.root}/migrations/lib/a.js`, `exports.notNull = ${notNull};\n`);
      writeFileSync(`${project!.root}/migrations/lib/b.mjs`, `export const notNull = ${notNull};\n`);
    };
    helpers(true);
    const { REPO_ROOT } = await import('../support/project.js');
    const script = [
      `import { lintHistory, resolveConfig } from ${JSON.stringify(`${REPO_ROOT}/dist/index.js`)};`,
      "import { writeFileSync } from 'node:fs';",
      'const config = resolveConfig({}, undefined, process.cwd());',
      'const rules = async (cache) => (await lintHistory(config, { cache })).findings.map((f) => f.file + " " + f.rule);',
      'const out = [await rules(false)];',
      "writeFileSync('migrations/lib/a.js', 'exports.notNull = false;\\n');",
      "writeFileSync('migrations/lib/b.mjs', 'export const notNull = false;\\n');",
      'out.push(await rules(false), await rules(true));',
      "writeFileSync('migrations/lib/b.mjs', 'export const notNull = true;\\n');",
      'out.push(await rules(true));',
      'console.log(JSON.stringify(out));',
    ].join('\n');
    const { execFileSync: run } = await import('node:child_process');
    const out = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], { cwd: project.root, encoding: 'utf8' })) as string[][];
    const a = 'migrations/20260103000000_a.js adding-required-field';
    const b = 'migrations/20260104000000_b.mjs adding-required-field';
    expect(out).toEqual([[a, b], [], [], [b]]);
  });

  it('loads a TS migration that imports through a tsconfig path alias as pgwarden up does: not without JITI_TSCONFIG_PATHS, and with it', async () => {
    project = cleanProject();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    writeFileSync(`${project.root}/tsconfig.json`, `${JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@lib/*': ['lib/*'] } } })}\n`);
    mkdirSync(`${project.root}/lib`);
    writeFileSync(`${project.root}/lib/columns.ts`, "export const nick = { type: 'text', notNull: true };\n");
    project.write('20260103000000_nick.ts', "//! Revises: 20260102000000\n//! Description: Add a nickname\nimport { nick } from '@lib/columns';\nexport const up = (pgm: any) => pgm.addColumn('users', { nick });\nexport const down = (pgm: any) => pgm.dropColumn('users', 'nick');\n");
    const { createTestDatabase } = await import('../support/db.js');
    const db = await createTestDatabase();
    try {
      const both = async (env: NodeJS.ProcessEnv) => {
        const lint = await runCli(['lint', '--json'], { cwd: project!.root, env });
        const up = await runCli(['up', '--dry-run', '--url', db.url], { cwd: project!.root, env });
        const findings = (JSON.parse(lint.stdout) as { findings: Array<{ rule: string; message: string }> }).findings;
        return { lint: findings.map((f) => (f.rule === 'syntax-error' ? `${f.rule}: ${f.message.split('\n')[0]}` : f.rule)), up: up.code === 0 ? 'loaded' : up.stderr.split('\n').find((l) => l.includes('could not be loaded')) };
      };
      const without = await both({});
      expect(without.lint).toEqual(expect.arrayContaining([expect.stringMatching(/^syntax-error: up section: 20260103000000_nick\.ts could not be loaded: Cannot find module '@lib\/columns'/)]));
      expect(without.up).toMatch(/20260103000000_nick\.ts could not be loaded: Cannot find module '@lib\/columns'/);
      expect(await both({ JITI_TSCONFIG_PATHS: 'true' })).toEqual({ lint: ['adding-required-field'], up: 'loaded' });
    } finally {
      await db.close();
    }
  });

  it('compiles from the code cache npm run build wrote, with the same findings as without it', async () => {
    project = cleanProject();
    project.write('20260103000000_drop.sql', migration('20260103000000', '20260102000000', 'Drop users', 'DROP TABLE users;', undefined));
    const run = (cache: string) =>
      runCli(['lint', '--format', 'json', '--no-cache'], { cwd: project!.root, env: { PGWARDEN_TRACE: '1', PGWARDEN_CODE_CACHE: cache, NODE_OPTIONS: '' } });
    const [cached, off] = [await run(''), await run('off')];
    expect(cached.stderr).toMatch(/code cache accepted: .*dist[\\/]bundle[\\/]lint-fast\.cjs\n/);
    expect(off.stderr).toMatch(/code cache off: /);
    const findings = (r: { stdout: string }) => (JSON.parse(r.stdout) as { findings: unknown[] }).findings;
    expect([cached.code, off.code]).toEqual([1, 1]);
    expect(findings(cached)).toEqual(findings(off));
    expect(findings(cached)).toHaveLength(3);
  });

  it('lints what git has staged, and nothing when no migration is staged', async () => {
    project = cleanProject();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: project!.root, stdio: 'ignore' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'init');
    const none = await runCli(['lint', '--staged'], { cwd: project.root });
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^No problems in 0 files/);
    project.write('20260103000000_bad.sql', migration('20260103000000', '20260102000000', 'Add a column', 'BEGIN;\nALTER TABLE users ADD COLUMN name text;\nCOMMIT;', 'ALTER TABLE users DROP COLUMN name;'));
    git('add', 'migrations/20260103000000_bad.sql');
    // The hook's process starts the parse worker before loading the CLI, and lint takes it over.
    const staged = await runCli(['lint', '--staged', '--format', 'json'], { cwd: project.root, env: { ...process.env, PGWARDEN_TRACE: '1' } });
    expect(staged.stderr).toContain('lint: parse worker started by bin/fast-path.js');
    expect(staged.code).toBe(1);
    const report = JSON.parse(staged.stdout);
    expect(report.files).toEqual(['migrations/20260103000000_bad.sql']);
    expect(report.findings.filter((f: { rule: string }) => f.rule === 'transaction-nesting').map((f: { line: number }) => f.line)).toEqual([6, 8]);
  });

  it('takes --staged with flags only the full CLI parses (global options, --color=false), and refuses --staged with file names', async () => {
    project = cleanProject();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: project!.root, stdio: 'ignore' });
    git('init', '-q');
    git('add', '.');
    for (const args of [
      ['lint', '--staged', '--color=false'],
      ['lint', '--staged', '--env', 'dev'],
      ['--no-color', 'lint', '--staged'],
    ]) {
      const result = await runCli(args, { cwd: project.root });
      expect({ args, stderr: result.stderr, code: result.code }).toEqual({ args, stderr: '', code: 0 });
      expect(result.stdout).toMatch(/^No problems in 2 files/);
    }
    const both = await runCli(['lint', '--staged', 'migrations/20260101000000_users.sql'], { cwd: project.root });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--staged lints what git has staged and takes no file names');
  });

  it('exits 2 on usage errors', async () => {
    project = cleanProject();
    const badFormat = await runCli(['lint', '--format', 'xml'], { cwd: project.root });
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/Invalid values|choices/i);
    const unknown = await runCli(['lint', '--frobnicate'], { cwd: project.root });
    expect(unknown.code).toBe(2);
    const missing = await runCli(['lint', 'no/such/file.sql'], { cwd: project.root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no/such/file.sql does not exist');
    const noDir = await runCli(['lint', '--migrations', 'elsewhere'], { cwd: project.root });
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toContain('does not exist');
  });

  it('shows lint in the help of the full CLI', async () => {
    const help = await runCli(['lint', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--staged');
    expect(help.stdout).toContain('--format');
  });
});
