import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { lintHistory } from '../../../src/lint/engine.js';
import { stagedFiles } from '../../../src/lint/staged.js';
import { tempProject, type TempProject } from '../../support/project.js';
import { migrationText } from './history-support.js';

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, stdio: 'ignore' });
}

describe('--staged', () => {
  it('lints the staged content of staged migrations, against the whole history', async () => {
    project = tempProject();
    git(project.root, 'init', '-q');
    project.write('20260101000000_a.sql', migrationText({ revision: '20260101000000', description: 'Create a', up: 'CREATE TABLE a (id bigint PRIMARY KEY);', down: 'DROP TABLE a;' }));
    git(project.root, 'add', '.');
    git(project.root, 'commit', '-qm', 'a');
    expect((await lintHistory(project.config, { staged: true, cwd: project.root })).files).toEqual([]);

    project.write('20260102000000_b.sql', migrationText({ revision: '20260102000000', revises: '20260101000000', description: 'Add b', up: 'CREATE INDEX CONCURRENTLY b_idx ON a (id);', down: 'DROP INDEX b_idx;' }));
    git(project.root, 'add', 'migrations/20260102000000_b.sql');
    // The working tree differs from the index: lint must read the index.
    project.write('20260102000000_b.sql', migrationText({ revision: '20260102000000', revises: '20260101000000', description: 'Add b', up: 'SELECT 1;', down: 'SELECT 1;' }));
    const staged = stagedFiles(project.migrationsDir);
    expect([...staged.changed.keys()].map((p) => p.split('/').pop())).toEqual(['20260102000000_b.sql']);
    const report = await lintHistory(project.config, { staged: true, cwd: project.root });
    expect(report.files).toEqual(['migrations/20260102000000_b.sql']);
    expect(report.findings.map((f) => f.rule)).toContain('ban-concurrent-index-creation-in-transaction');
    expect(report.findings.every((f) => f.file === 'migrations/20260102000000_b.sql')).toBe(true);
  });

  it('gives the staged text whether or not the working tree still has it, and lists staged deletions', () => {
    project = tempProject();
    git(project.root, 'init', '-q');
    const a = migrationText({ revision: '20260101000000', description: 'Create a', up: 'CREATE TABLE a (id bigint PRIMARY KEY);', down: 'DROP TABLE a;' });
    const b = migrationText({ revision: '20260102000000', revises: '20260101000000', description: 'Add b', up: 'CREATE TABLE b (id bigint);', down: 'DROP TABLE b;' });
    project.write('20260101000000_a.sql', a);
    git(project.root, 'add', '.');
    git(project.root, 'commit', '-qm', 'a');
    project.write('20260102000000_b.sql', b);
    git(project.root, 'add', 'migrations/20260102000000_b.sql');
    git(project.root, 'rm', '-q', 'migrations/20260101000000_a.sql');
    let staged = stagedFiles(project.migrationsDir);
    expect([...staged.changed.values()]).toEqual([b]);
    expect([...staged.deleted].map((p) => p.split('/').pop())).toEqual(['20260101000000_a.sql']);
    // Same bytes in the index whether read from the working tree or from git.
    project.write('20260102000000_b.sql', `${b}-- not staged\n`);
    staged = stagedFiles(project.migrationsDir);
    expect([...staged.changed.values()]).toEqual([b]);
  });

  it('fails with a usage error outside a git repository', async () => {
    project = tempProject();
    expect(() => stagedFiles(project!.migrationsDir)).toThrow(/--staged needs a git repository/);
  });
});
