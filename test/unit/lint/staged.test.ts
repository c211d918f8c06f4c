import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lintHistory } from '../../../src/lint/engine.js';
import { stagedHistory } from '../../../src/lint/staged.js';
import { tempProject, type TempProject } from '../../support/project.js';
import { migrationText } from './history-support.js';

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, stdio: 'ignore' });
}

const names = (paths: Iterable<string>) => [...paths].map((p) => p.split('/').pop()).sort();

const A = migrationText({ revision: '20260101000000', description: 'Create a', up: 'CREATE TABLE a (id bigint PRIMARY KEY);', down: 'DROP TABLE a;' });

/** A project whose history (one migration, a) is committed. */
function committed(): TempProject {
  const p = tempProject();
  git(p.root, 'init', '-q');
  p.write('20260101000000_a.sql', A);
  git(p.root, 'add', '.');
  git(p.root, 'commit', '-qm', 'a');
  return p;
}

describe('--staged', () => {
  it('lints the staged content of staged migrations, against the whole history', async () => {
    project = committed();
    expect((await lintHistory(project.config, { staged: true, cwd: project.root })).files).toEqual([]);

    project.write('20260102000000_b.sql', migrationText({ revision: '20260102000000', revises: '20260101000000', description: 'Add b', up: 'CREATE INDEX CONCURRENTLY b_idx ON a (id);', down: 'DROP INDEX b_idx;' }));
    git(project.root, 'add', 'migrations/20260102000000_b.sql');
    // The working tree differs from the index: lint must read the index.
    project.write('20260102000000_b.sql', migrationText({ revision: '20260102000000', revises: '20260101000000', description: 'Add b', up: 'SELECT 1;', down: 'SELECT 1;' }));
    const staged = await stagedHistory(project.migrationsDir);
    expect(names(staged.changed)).toEqual(['20260102000000_b.sql']);
    const report = await lintHistory(project.config, { staged: true, cwd: project.root });
    expect(report.files).toEqual(['migrations/20260102000000_b.sql']);
    expect(report.findings.map((f) => f.rule)).toContain('ban-concurrent-index-creation-in-transaction');
    expect(report.findings.every((f) => f.file === 'migrations/20260102000000_b.sql')).toBe(true);
  });

  it('gives the staged text whether or not the working tree still has it, and lists staged deletions', async () => {
    project = committed();
    const b = migrationText({ revision: '20260102000000', revises: '20260101000000', description: 'Add b', up: 'CREATE TABLE b (id bigint);', down: 'DROP TABLE b;' });
    project.write('20260102000000_b.sql', b);
    git(project.root, 'add', 'migrations/20260102000000_b.sql');
    git(project.root, 'rm', '-q', 'migrations/20260101000000_a.sql');
    let staged = await stagedHistory(project.migrationsDir);
    expect(names(staged.changed)).toEqual(['20260102000000_b.sql']);
    expect([...staged.files.values()]).toEqual([b]);
    expect(names(staged.deleted)).toEqual(['20260101000000_a.sql']);
    // Same bytes in the index whether read from the working tree or from git.
    project.write('20260102000000_b.sql', `${b}-- not staged\n`);
    staged = await stagedHistory(project.migrationsDir);
    expect([...staged.files.values()]).toEqual([b]);
  });

  it('holds the history as the commit will: the index, not untracked files or unstaged edits', async () => {
    project = committed();
    // An unstaged edit of a committed file, and a committed file removed from the working tree only.
    project.write('20260101000000_a.sql', `${A}-- edited, not staged\n`);
    const c = migrationText({ revision: '20260101050000', revises: '20260101000000', description: 'Create c', up: 'CREATE TABLE c (id bigint PRIMARY KEY);', down: 'DROP TABLE c;' });
    project.write('20260101050000_c.sql', c);
    git(project.root, 'add', '.');
    git(project.root, 'commit', '-qm', 'c');
    rmSync(join(project.migrationsDir, '20260101050000_c.sql'));
    // Untracked and ignored files, which the commit will not hold.
    project.write('20260103000000_wip.sql', migrationText({ revision: '20260103000000', revises: '20260101050000', description: 'Create wip', up: 'CREATE TABLE wip (id bigint PRIMARY KEY);', down: 'DROP TABLE wip;' }));
    project.write('20260104000000_ignored.sql', 'anything');
    project.write('.gitignore', '*_ignored.sql\n');
    const staged = await stagedHistory(project.migrationsDir);
    expect(names(staged.files.keys())).toEqual(['20260101000000_a.sql', '20260101050000_c.sql']);
    expect(staged.files.get(join(project.migrationsDir, '20260101000000_a.sql'))).toBe(`${A}-- edited, not staged\n`);
    expect(staged.files.get(join(project.migrationsDir, '20260101050000_c.sql'))).toBe(c);
    expect(staged.changed.size).toBe(0);
  });

  it('judges a staged migration against the committed history: a parent or a table only an untracked file has is missing', async () => {
    project = committed();
    project.write('20260102000000_wip.sql', migrationText({ revision: '20260102000000', revises: '20260101000000', description: 'Create wip', up: 'CREATE TABLE wip (id bigint PRIMARY KEY);', down: 'DROP TABLE wip;' }));
    project.write(
      '20260103000000_child.sql',
      migrationText({ revision: '20260103000000', revises: '20260102000000', description: 'Create child', up: 'CREATE TABLE child (id bigint PRIMARY KEY, wip_id bigint REFERENCES wip (id));\nCREATE INDEX child_wip_idx ON child (wip_id);', down: 'DROP TABLE child;' }),
    );
    git(project.root, 'add', 'migrations/20260103000000_child.sql');
    const report = await lintHistory(project.config, { staged: true, cwd: project.root, cache: false });
    expect(report.migrations).toBe(2);
    expect(report.findings.map((f) => f.rule).sort()).toEqual(['fk-target-exists', 'revision-chain']);
    // Staged too, the same history is clean.
    git(project.root, 'add', 'migrations/20260102000000_wip.sql');
    const clean = await lintHistory(project.config, { staged: true, cwd: project.root, cache: false });
    expect(clean.migrations).toBe(3);
    expect(clean.findings).toEqual([]);
  });

  it('asks git where the folder is when the environment points git at the repository (GIT_DIR, GIT_WORK_TREE)', async () => {
    project = committed();
    project.write('20260102000000_b.sql', migrationText({ revision: '20260102000000', revises: '20260101000000', description: 'Add b', up: 'SELECT 1;', down: 'SELECT 1;' }));
    git(project.root, 'add', '.');
    project.write('20260103000000_wip.sql', 'untracked');
    const saved = { GIT_DIR: process.env.GIT_DIR, GIT_WORK_TREE: process.env.GIT_WORK_TREE };
    process.env.GIT_DIR = join(project.root, '.git');
    process.env.GIT_WORK_TREE = project.root;
    try {
      const staged = await stagedHistory(project.migrationsDir);
      expect(names(staged.changed)).toEqual(['20260102000000_b.sql']);
      expect(names(staged.files.keys())).toEqual(['20260101000000_a.sql', '20260102000000_b.sql']);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('blames a branch on the staged or named migration (or the uncommitted one), not on the merged one', async () => {
    project = committed();
    const file = (revision: string, revises: string) => migrationText({ revision, revises, description: `Add t${revision}`, up: `CREATE TABLE t${revision} (id bigint PRIMARY KEY);`, down: `DROP TABLE t${revision};` });
    project.write('20260103000000_c.sql', file('20260103000000', '20260101000000'));
    git(project.root, 'add', '.');
    git(project.root, 'commit', '-qm', 'c');
    // A new migration on the same parent sorts before the merged one.
    project.write('20260102000000_b.sql', file('20260102000000', '20260101000000'));
    git(project.root, 'add', '.');
    const where = (report: { findings: Array<{ rule: string; file: string; message: string; fix?: { replacement?: string } }> }) =>
      report.findings.filter((f) => f.rule === 'single-head').map((f) => ({ file: f.file, fix: f.fix?.replacement, advice: /Re-parent .*$/.exec(f.message)?.[0] }));
    const expected = [{ file: 'migrations/20260102000000_b.sql', fix: '--! Revises: 20260103000000', advice: 'Re-parent the newer one: set "--! Revises: 20260103000000" in 20260102000000_b.sql' }];
    const staged = await lintHistory(project.config, { staged: true, cwd: project.root, cache: false });
    expect(where(staged)).toEqual(expected);
    expect(staged.counts.error).toBe(1);
    // A whole-history run (cached) and then a run on the named file: the cache must not hide it.
    const whole = await lintHistory(project.config, { cwd: project.root });
    expect(where(whole)).toEqual(expected);
    const named = await lintHistory(project.config, { paths: ['migrations/20260102000000_b.sql'], cwd: project.root });
    expect(where(named)).toEqual(expected);
    // Outside git the whole-history run has nothing to go by but the names: the later revision.
    rmSync(join(project.root, '.git'), { recursive: true, force: true });
    expect(where(await lintHistory(project.config, { cwd: project.root, cache: false }))[0]!.file).toBe('migrations/20260103000000_c.sql');
    // ...and a run on the named file still blames that one.
    expect(where(await lintHistory(project.config, { paths: ['migrations/20260102000000_b.sql'], cwd: project.root }))).toEqual(expected);
  });

  it('reports the chain a staged deletion breaks, on the migration left without its parent', async () => {
    project = committed();
    project.write('20260102000000_b.sql', migrationText({ revision: '20260102000000', revises: '20260101000000', description: 'Add b', up: 'SELECT 1;', down: 'SELECT 1;' }));
    project.write('20260103000000_c.sql', migrationText({ revision: '20260103000000', revises: '20260102000000', description: 'Add c', up: 'SELECT 1;', down: 'SELECT 1;' }));
    git(project.root, 'add', '.');
    git(project.root, 'commit', '-qm', 'b c');
    git(project.root, 'rm', '-q', 'migrations/20260102000000_b.sql');
    const report = await lintHistory(project.config, { staged: true, cwd: project.root, cache: false });
    expect(report.findings.map((f) => `${f.file} ${f.rule}`)).toEqual(['migrations/20260103000000_c.sql revision-chain']);
    expect(report.counts.error).toBe(1);
  });

  it('fails with a usage error outside a git repository', async () => {
    project = tempProject();
    await expect(stagedHistory(project.migrationsDir)).rejects.toThrow(/--staged needs a git repository/);
  });
});

/** Every file under `dir` but git's and the cache's folders, with its content: a temporary file left behind shows here. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const name = relative(dir, path);
    if (!entry.isFile() || /^(\.git|\.pgwarden)(\/|$)/.test(name)) continue;
    out[name] = readFileSync(path, 'utf8');
  }
  return out;
}

/** Writes a module under the migrations folder, making its folder. */
function writeModule(p: TempProject, name: string, text: string): void {
  mkdirSync(dirname(join(p.migrationsDir, name)), { recursive: true });
  p.write(name, text);
}

const gitStatus = (cwd: string) => execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--ignored'], { cwd, encoding: 'utf8' });

/**
 * A JS/TS migration of each supported kind, adding column `nick` (its name from a staged helper
 * module, which the migration imports by a relative path) as NOT NULL without a default or as nullable.
 */
const scripts: Record<string, (notNull: boolean) => string> = {
  '.js': (notNull) => `//! Revises: 20260101000000\nconst { nick } = require('./lib/columns');\nexports.up = (pgm) => {\n  pgm.addColumn('a', { [nick]: { type: 'text', notNull: ${notNull} } });\n};\nexports.down = (pgm) => {\n  pgm.dropColumn('a', nick);\n};\n`,
  '.cjs': (notNull) => `//! Revises: 20260101000000\nconst { nick } = require('./lib/columns.js');\nmodule.exports = {\n  up: (pgm) => pgm.addColumn('a', { [nick]: { type: 'text', notNull: ${notNull} } }),\n  down: (pgm) => pgm.dropColumn('a', nick),\n};\n`,
  '.mjs': (notNull) => `//! Revises: 20260101000000\nimport { nick } from './lib/columns.js';\nexport const up = (pgm) => {\n  pgm.addColumn('a', { [nick]: { type: 'text', notNull: ${notNull} } });\n};\nexport const down = (pgm) => pgm.dropColumn('a', nick);\n`,
  '.ts': (notNull) =>
    `//! Revises: 20260101000000\nimport type { MigrationBuilder } from 'node-pg-migrate';\nimport { nick } from './lib/columns';\nexport async function up(pgm: MigrationBuilder): Promise<void> {\n  pgm.addColumn('a', { [nick]: { type: 'text', notNull: ${notNull} } });\n}\nexport async function down(pgm: MigrationBuilder): Promise<void> {\n  pgm.dropColumn('a', nick);\n}\n`,
};

describe('--staged on JS/TS migrations', () => {
  for (const [ext, script] of Object.entries(scripts)) {
    it(`lints the staged version of a ${ext} migration changed since it was staged, and leaves no file behind`, async () => {
      project = committed();
      writeModule(project, 'lib/columns.js', "exports.nick = 'nick';\n");
      const name = `20260102000000_nick${ext}`;
      const file = project.write(name, script(true));
      git(project.root, 'add', '.');
      // Not staged: the column becomes nullable, which would hide the finding.
      project.write(name, script(false));
      const before = { tree: tree(project.root), status: gitStatus(project.root) };
      const staged = await lintHistory(project.config, { staged: true, cwd: project.root, cache: false });
      expect(staged.files).toEqual([`migrations/${name}`]);
      expect(staged.findings.map((f) => `${f.file} ${f.rule}`)).toEqual([`migrations/${name} adding-required-field`]);
      expect({ tree: tree(project.root), status: gitStatus(project.root) }).toEqual(before);
      expect(readFileSync(file, 'utf8')).toBe(script(false));
      // The working tree's version, linted as it is, has no finding: the staged one was linted above.
      expect((await lintHistory(project.config, { paths: [file], cwd: project.root, cache: false })).findings).toEqual([]);
      // The other way round: a finding left unstaged is not reported.
      project.write(name, script(false));
      git(project.root, 'add', '.');
      project.write(name, script(true));
      expect((await lintHistory(project.config, { staged: true, cwd: project.root, cache: false })).findings).toEqual([]);
    });
  }

  it('reports a pgm.db call of the staged version where the staged version makes it', async () => {
    project = committed();
    const name = '20260102000000_backfill.js';
    const script = (blank: string) => `//! Revises: 20260101000000\nexports.up = async (pgm) => {${blank}\n  await pgm.db.query('SELECT 1');\n};\nexports.down = () => {};\n`;
    project.write(name, script('\n'));
    git(project.root, 'add', '.');
    project.write(name, script('\n\n\n'));
    const report = await lintHistory(project.config, { staged: true, cwd: project.root, cache: false });
    expect(report.findings.filter((f) => f.rule === 'syntax-error').map((f) => [f.file, f.line, f.column])).toEqual([[`migrations/${name}`, 4, 16]]);
  });

  it('does not ask about the modules when no migration is reported on: a commit that only deletes one runs no script', async () => {
    project = committed();
    writeModule(project, 'lib/columns.js', "exports.nick = 'nick';\n");
    project.write('20260102000000_nick.js', scripts['.js']!(false));
    project.write('20260103000000_c.sql', migrationText({ revision: '20260103000000', revises: '20260102000000', description: 'Add c', up: 'SELECT 1;', down: 'SELECT 1;' }));
    git(project.root, 'add', '.');
    git(project.root, 'commit', '-qm', 'nick c');
    writeModule(project, 'lib/columns.js', "exports.nick = 'nickname';\n");
    git(project.root, 'rm', '-q', 'migrations/20260103000000_c.sql');
    const report = await lintHistory(project.config, { staged: true, cwd: project.root, cache: false });
    expect(report.findings).toEqual([]);
  });

  it('refuses (exit 2) when a module that a migration imports differs from the index, naming it, the migration that read it and what to do', async () => {
    project = committed();
    writeModule(project, 'lib/columns.js', "exports.nick = 'nick';\n");
    project.write('20260102000000_nick.js', scripts['.js']!(false));
    git(project.root, 'add', '.');
    writeModule(project, 'lib/columns.js', "exports.nick = 'nickname';\n");
    const refused = lintHistory(project.config, { staged: true, cwd: project.root });
    await expect(refused).rejects.toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message: expect.stringContaining('Stage it (git add migrations/lib/columns.js), or set the changes you have not staged aside while you commit (git stash push --keep-index)'),
      problems: [{ file: join(project.migrationsDir, 'lib/columns.js'), message: 'has changes that are not staged (read by migrations/20260102000000_nick.js)' }],
    });
    // Staged: linted, with the staged module.
    git(project.root, 'add', '.');
    expect((await lintHistory(project.config, { staged: true, cwd: project.root })).findings).toEqual([]);
    // A module the commit would not hold at all.
    project.write('20260103000000_more.js', `//! Revises: 20260102000000\nconst { more } = require('./lib/more');\nexports.up = (pgm) => pgm.sql(more);\nexports.down = (pgm) => pgm.sql('SELECT 1');\n`);
    writeModule(project, 'lib/more.js', "exports.more = 'SELECT 1';\n");
    git(project.root, 'add', 'migrations/20260103000000_more.js');
    await expect(lintHistory(project.config, { staged: true, cwd: project.root })).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/Stage it \(git add migrations\/lib\/more\.js\) and run again\.$/),
      problems: [{ file: join(project.migrationsDir, 'lib/more.js'), message: 'is not tracked by git: the commit does not hold it (read by migrations/20260103000000_more.js)' }],
    });
  });

  it('refuses (exit 2) when a file a migration reads itself differs from the index, and lints once it is staged', async () => {
    project = committed();
    const script = "//! Revises: 20260101000000\nconst { readFileSync } = require('node:fs');\nconst { join } = require('node:path');\nexports.up = (pgm) => pgm.sql(readFileSync(join(__dirname, 'sql', 'nick.sql'), 'utf8'));\nexports.down = (pgm) => pgm.sql('ALTER TABLE a DROP COLUMN nick;');\n";
    const sql = (notNull: boolean) => `ALTER TABLE a ADD COLUMN nick text${notNull ? ' NOT NULL' : ''};\n`;
    project.write('20260102000000_nick.js', script);
    writeModule(project, 'sql/nick.sql', sql(false));
    git(project.root, 'add', '.');
    // Not staged: the column becomes NOT NULL. The commit holds the nullable one.
    writeModule(project, 'sql/nick.sql', sql(true));
    const refused = lintHistory(project.config, { staged: true, cwd: project.root });
    await expect(refused).rejects.toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message: expect.stringContaining('Stage it (git add migrations/sql/nick.sql), or set the changes you have not staged aside while you commit (git stash push --keep-index), and run again.'),
      problems: [{ file: join(project.migrationsDir, 'sql/nick.sql'), message: 'has changes that are not staged (read by migrations/20260102000000_nick.js)' }],
    });
    // The same from a cached result: the whole-history run below stores one for the working tree.
    expect((await lintHistory(project.config, { cwd: project.root })).findings.map((f) => f.rule)).toEqual(['adding-required-field']);
    await expect(lintHistory(project.config, { staged: true, cwd: project.root })).rejects.toMatchObject({ code: 'USAGE', problems: [{ file: join(project.migrationsDir, 'sql/nick.sql') }] });
    // Staged: linted as the commit holds it.
    git(project.root, 'add', '.');
    const staged = await lintHistory(project.config, { staged: true, cwd: project.root });
    expect(staged.findings.map((f) => `${f.file} ${f.rule}`)).toEqual(['migrations/20260102000000_nick.js adding-required-field']);
    // A file the commit would not hold at all.
    project.write('20260103000000_more.js', "//! Revises: 20260102000000\nconst { readFileSync } = require('node:fs');\nexports.up = (pgm) => pgm.sql(readFileSync(`${__dirname}/sql/more.sql`, 'utf8'));\nexports.down = (pgm) => pgm.sql('SELECT 1');\n");
    writeModule(project, 'sql/more.sql', 'SELECT 1;\n');
    git(project.root, 'add', 'migrations/20260103000000_more.js');
    await expect(lintHistory(project.config, { staged: true, cwd: project.root })).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/Stage it \(git add migrations\/sql\/more\.sql\) and run again\.$/),
      problems: [{ file: join(project.migrationsDir, 'sql/more.sql'), message: 'is not tracked by git: the commit does not hold it (read by migrations/20260103000000_more.js)' }],
    });
  });

  it('does not refuse an unstaged change to package.json that leaves how modules load as staged, and refuses one that changes it', async () => {
    project = committed();
    const pkg = (fields: Record<string, unknown>) => writeFileSync(join(project!.root, 'package.json'), `${JSON.stringify({ name: 'app', ...fields })}\n`);
    pkg({});
    writeModule(project, 'lib/columns.js', "exports.nick = 'nick';\n");
    project.write('20260102000000_nick.js', scripts['.js']!(true));
    git(project.root, 'add', '.');
    pkg({ dependencies: { lodash: '^4.0.0' } });
    const report = await lintHistory(project.config, { staged: true, cwd: project.root });
    expect(report.findings.map((f) => f.rule)).toEqual(['adding-required-field']);
    pkg({ type: 'module' });
    await expect(lintHistory(project.config, { staged: true, cwd: project.root })).rejects.toMatchObject({ code: 'USAGE', problems: [{ file: join(project.root, 'package.json'), message: expect.stringContaining('has changes that are not staged') }] });
  });
});
