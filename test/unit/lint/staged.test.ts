import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
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
