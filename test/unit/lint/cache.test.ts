import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lintHistory } from '../../../src/lint/engine.js';
import { REPO_ROOT, tempProject, type TempProject } from '../../support/project.js';
import { migrationText } from './history-support.js';

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, stdio: 'ignore' });
}

describe('lintHistory and its cache', () => {
  it('caches the result by content, and re-lints after a change, reusing the parse of unchanged files', async () => {
    project = tempProject();
    project.write('20260101000000_a.sql', migrationText({ revision: '20260101000000', description: 'Create a', up: 'CREATE TABLE a (id bigint PRIMARY KEY);', down: 'DROP TABLE a;' }));
    project.write('20260102000000_b.sql', migrationText({ revision: '20260102000000', revises: '20260101000000', description: 'wip', up: 'CREATE TABLE b (id bigint PRIMARY KEY);', down: 'DROP TABLE b;' }));
    const first = await lintHistory(project.config);
    expect(first.cached).toBe(false);
    expect(first.findings.map((f) => f.rule)).toEqual(['require-docstring']);
    const second = await lintHistory(project.config);
    expect(second.cached).toBe(true);
    expect(second.findings).toEqual(first.findings);
    project.write('20260102000000_b.sql', migrationText({ revision: '20260102000000', revises: '20260101000000', description: 'Create b', up: 'CREATE TABLE b (id bigint PRIMARY KEY);', down: 'DROP TABLE b;' }));
    const third = await lintHistory(project.config);
    expect(third.cached).toBe(false);
    expect(third.findings).toEqual([]);
    // The parse cache holds both files' sections, keyed by checksum.
    const { readFileSync } = await import('node:fs');
    const parsed = JSON.parse(readFileSync(join(project.root, '.pgwarden/cache/lint-parse.json'), 'utf8'));
    expect(Object.keys(parsed.entries)).toHaveLength(4);
    expect((await lintHistory(project.config, { cache: false })).cached).toBe(false);
  });

  it('gives a new file on top of the history the same findings from the model snapshot as from a full replay', async () => {
    project = tempProject();
    project.write('20260101000000_a.sql', migrationText({ revision: '20260101000000', description: 'Create a', up: 'CREATE TABLE a (id bigint PRIMARY KEY, v varchar(10));', down: 'DROP TABLE a;' }));
    project.write('20260102000000_b.sql', migrationText({ revision: '20260102000000', revises: '20260101000000', description: 'Create b', up: 'CREATE TABLE b (id bigint PRIMARY KEY, a_id bigint REFERENCES a);\nCREATE INDEX b_a ON b (a_id);', down: 'DROP TABLE b;' }));
    await lintHistory(project.config);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(project.root, '.pgwarden/cache')).filter((n) => n.startsWith('lint-model-'))).toHaveLength(1);
    const up = 'ALTER TABLE a DROP COLUMN id;\nALTER TABLE a ALTER COLUMN v TYPE varchar(5);\nCREATE TABLE c (x bigint REFERENCES nothing);';
    const c = project.write('20260103000000_c.sql', migrationText({ revision: '20260103000000', revises: '20260102000000', description: 'Change a', up, down: 'SELECT 1;' }));
    const expected = (await lintHistory(project.config, { paths: [c], cache: false })).findings;
    expect(expected.map((f) => f.rule)).toEqual(expect.arrayContaining(['drop-order', 'irreversible-operation', 'fk-target-exists', 'down-reverses-up']));
    const fromSnapshot = await lintHistory(project.config, { paths: [c] });
    expect(fromSnapshot.cached).toBe(false);
    expect(fromSnapshot.findings).toEqual(expected);
    // Edited again: the snapshot before it still answers.
    project.write('20260103000000_c.sql', `${migrationText({ revision: '20260103000000', revises: '20260102000000', description: 'Change a', up, down: 'SELECT 1;' })}-- edited\n`);
    expect((await lintHistory(project.config, { paths: [c] })).findings).toEqual(expected);
  });

  it('survives a corrupt cache file', async () => {
    project = tempProject();
    project.write('20260101000000_a.sql', migrationText({ revision: '20260101000000', description: 'Create a', up: 'CREATE TABLE a (id bigint PRIMARY KEY);', down: 'DROP TABLE a;' }));
    await lintHistory(project.config);
    const { readdirSync } = await import('node:fs');
    const dir = join(project.root, '.pgwarden/cache');
    for (const name of readdirSync(dir)) writeFileSync(join(dir, name), name.startsWith('lint-result-') ? '{not json' : '[]');
    const report = await lintHistory(project.config);
    expect(report.cached).toBe(false);
    expect(report.findings).toEqual([]);
    rmSync(join(project.root, '.pgwarden'), { recursive: true });
    expect((await lintHistory(project.config)).cached).toBe(false);
  });

  it('reports only the named files, checked against the whole history', async () => {
    project = tempProject();
    project.write('20260101000000_a.sql', migrationText({ revision: '20260101000000', description: 'wip', up: 'CREATE TABLE a (id bigint PRIMARY KEY);', down: 'DROP TABLE a;' }));
    const b = project.write('20260102000000_b.sql', migrationText({ revision: '20260102000000', revises: '20260101000000', description: 'Link b to a', up: 'CREATE TABLE b (a_id bigint REFERENCES a);', down: 'DROP TABLE b;' }));
    const report = await lintHistory(project.config, { paths: [b], cache: false });
    expect(report.files).toEqual(['migrations/20260102000000_b.sql']);
    expect(report.findings.filter((f) => f.rule !== 'fk-missing-index')).toEqual([]);
    expect(report.migrations).toBe(2);
    await expect(lintHistory(project.config, { paths: ['nope.sql'], cwd: project.root })).rejects.toThrow(/does not exist/);
  });

  it('judges a branched history again after a commit: which migration git has not committed is an input of the result', async () => {
    project = tempProject();
    const file = (revision: string, revises?: string) => migrationText({ revision, ...(revises ? { revises } : {}), description: `Add t${revision}`, up: `CREATE TABLE t${revision} (id bigint PRIMARY KEY);`, down: `DROP TABLE t${revision};` });
    git(project.root, 'init', '-q');
    project.write('20260101000000_a.sql', file('20260101000000'));
    project.write('20260103000000_c.sql', file('20260103000000', '20260101000000'));
    git(project.root, 'add', '.');
    git(project.root, 'commit', '-qm', 'a c');
    // Not committed yet: b, on the same parent as c.
    project.write('20260102000000_b.sql', file('20260102000000', '20260101000000'));
    const blamed = (report: { findings: Array<{ rule: string; file: string }> }) => report.findings.filter((f) => f.rule === 'single-head').map((f) => f.file);
    const first = await lintHistory(project.config, { cwd: project.root });
    expect({ cached: first.cached, blamed: blamed(first) }).toEqual({ cached: false, blamed: ['migrations/20260102000000_b.sql'] });
    const again = await lintHistory(project.config, { cwd: project.root });
    expect({ cached: again.cached, blamed: blamed(again) }).toEqual({ cached: true, blamed: ['migrations/20260102000000_b.sql'] });
    // Committed: b is no newer than c for git, and the later revision is blamed, as without a cache.
    git(project.root, 'add', '.');
    git(project.root, 'commit', '-qm', 'b');
    const fresh = await lintHistory(project.config, { cwd: project.root, cache: false });
    expect(blamed(fresh)).toEqual(['migrations/20260103000000_c.sql']);
    const afterCommit = await lintHistory(project.config, { cwd: project.root });
    expect({ cached: afterCommit.cached, blamed: blamed(afterCommit) }).toEqual({ cached: false, blamed: blamed(fresh) });
    expect((await lintHistory(project.config, { cwd: project.root })).cached).toBe(true);
    // A run on b blames b whatever the whole-history result says.
    expect(blamed(await lintHistory(project.config, { cwd: project.root, paths: ['migrations/20260102000000_b.sql'] }))).toEqual(['migrations/20260102000000_b.sql']);
  });

  it('keeps the result of an unbranched history across commits: it does not depend on git', async () => {
    project = tempProject();
    git(project.root, 'init', '-q');
    project.write('20260101000000_a.sql', migrationText({ revision: '20260101000000', description: 'Create a', up: 'CREATE TABLE a (id bigint PRIMARY KEY);', down: 'DROP TABLE a;' }));
    expect((await lintHistory(project.config, { cwd: project.root })).cached).toBe(false);
    git(project.root, 'add', '.');
    git(project.root, 'commit', '-qm', 'a');
    expect((await lintHistory(project.config, { cwd: project.root })).cached).toBe(true);
  });

  it('counts the code that parses and judges, and the parser package, among the inputs', async () => {
    const { codeInputs } = await import('../../../src/lint/cache.js');
    const inputs = codeInputs();
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/libpg-query/package.json'), 'utf8')) as { version: string };
    expect(inputs).toContain(`libpg-query ${version}`);
    expect(inputs.some((i) => i.startsWith(`node-pg-migrate `) && !i.endsWith('missing'))).toBe(true);
    for (const file of ['src/lint/rules/require-down.ts', 'src/lint/engine.ts', 'src/migrations/graph.ts', 'src/sql/parse.ts', 'src/runner/steps.ts']) {
      expect(inputs.some((i) => i.startsWith(`${join(REPO_ROOT, file)}:`)), file).toBe(true);
    }
  });
});
