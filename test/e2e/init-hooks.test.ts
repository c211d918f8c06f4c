/**
 * The pre-commit hooks `pgwarden init` writes, run by a real `git commit`, for a project in a
 * sub-folder of its repository (a monorepo package): git runs hooks from the top of the repository,
 * and pgwarden is installed either in the package or hoisted to the top (npm workspaces).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { initProject } from '../../src/init/init.js';
import { CLI } from '../support/cli.js';
import { REPO_ROOT, sqlMigration } from '../support/project.js';

/** The last revision of the reference history. */
const HEAD = readdirSync(join(REPO_ROOT, 'migrations')).filter((name) => name.endsWith('.sql')).sort().at(-1)!.slice(0, 14);

describe('pgwarden init hooks in a monorepo package', () => {
  let top: string;
  let db: string;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: top, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  /** `git commit` as a person runs it: the hook decides. (git sends a hook's output to its stderr.) */
  const commit = (message: string) => spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', message], { cwd: top, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', DATABASE_URL: '' } });
  /** pgwarden installed in `folder`'s node_modules, as npm links a package's bin. */
  const install = (folder: string) => {
    mkdirSync(join(folder, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(CLI, join(folder, 'node_modules', '.bin', 'pgwarden'));
  };
  const stage = (name: string, text: string) => {
    writeFileSync(join(db, 'migrations', name), text);
    git('add', '.');
  };
  const good = sqlMigration('20261201090000', HEAD, "ALTER TABLE jobs ADD COLUMN priority bigint;\nCOMMENT ON COLUMN jobs.priority IS 'Higher runs first.';", 'ALTER TABLE jobs DROP COLUMN priority;');
  // On an old parent, as after merging two pull requests: the history branches.
  const branching = sqlMigration('20261201100000', '20261104100000', "ALTER TABLE jobs ADD COLUMN note text;\nCOMMENT ON COLUMN jobs.note IS 'Free text.';", 'ALTER TABLE jobs DROP COLUMN note;');

  beforeEach(() => {
    top = mkdtempSync(join(tmpdir(), 'pgwarden-monorepo-'));
    db = join(top, 'packages', 'db');
    mkdirSync(db, { recursive: true });
    writeFileSync(join(top, 'package.json'), JSON.stringify({ private: true, workspaces: ['packages/*'] }));
    writeFileSync(join(db, 'package.json'), JSON.stringify({ name: 'db', private: true }));
    git('init', '-q');
  });
  afterEach(() => rmSync(top, { recursive: true, force: true }));

  const seed = () => {
    cpSync(join(REPO_ROOT, 'migrations'), join(db, 'migrations'), { recursive: true });
    writeFileSync(join(top, '.gitignore'), 'node_modules/\n');
    git('add', '.');
    git('commit', '-q', '--no-verify', '-m', 'reference');
  };

  it('git hook: runs pgwarden hoisted to the top, in the package; stops a branching migration; says when pgwarden is missing', () => {
    const result = initProject({ root: db, ci: 'none' });
    expect(result.hook.kind).toBe('git');
    const hook = readFileSync(join(top, '.git', 'hooks', 'pre-commit'), 'utf8');
    expect(hook).toContain('cd packages/db || exit 1');
    expect(hook).toContain('for pgwarden in ./node_modules/.bin/pgwarden ../node_modules/.bin/pgwarden ../../node_modules/.bin/pgwarden; do');
    expect(result.hook.note).toContain('runs pgwarden in packages/db');
    seed();

    install(top);
    stage('20261201090000_add_job_priority.sql', good);
    let r = commit('good migration');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/No problems in 1 file/);

    stage('20261201100000_add_job_note.sql', branching);
    r = commit('branching migration');
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/migrations\/20261201100000_add_job_note\.sql:\d+:\d+\s+error\s+single-head/);

    rmSync(join(top, 'node_modules'), { recursive: true });
    r = commit('without pgwarden');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`pgwarden: not installed in ${db} nor above it: run npm install there`);
  });

  it('pnpm workspace: the hook runs the package\'s pgwarden as pnpm links it, names pnpm when it is missing, and the workflow installs with pnpm', () => {
    rmSync(join(top, 'package.json'));
    writeFileSync(join(top, 'package.json'), JSON.stringify({ private: true }));
    writeFileSync(join(top, 'pnpm-workspace.yaml'), "packages:\n  - 'packages/*'\n");
    writeFileSync(join(top, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n");
    const result = initProject({ root: db });
    expect(result.packageManager).toEqual({ name: 'pnpm', source: 'pnpm-lock.yaml', pnp: false });
    const workflow = parse(readFileSync(join(top, '.github', 'workflows', 'pgwarden-packages-db.yml'), 'utf8')) as { jobs: { check: { steps: Array<Record<string, unknown>> } } };
    expect(workflow.jobs.check.steps.map((s) => s.uses ?? s.run)).toEqual(['actions/checkout@v4', 'pnpm/action-setup@v4', 'actions/setup-node@v4', 'pnpm install --frozen-lockfile', 'pnpm exec pgwarden check --report-dir pgwarden-report --github', 'github/codeql-action/upload-sarif@v3']);
    seed();

    // pnpm links the bins of a package's own dependencies into its node_modules/.bin.
    install(db);
    stage('20261201100000_add_job_note.sql', branching);
    let r = commit('branching migration');
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/single-head/);

    rmSync(join(db, 'node_modules'), { recursive: true });
    r = commit('without pgwarden');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`pgwarden: not installed in ${db} nor above it: run pnpm install there`);
  });

  it('husky at the top of the repository: the hook goes in its folder and runs the package\'s own pgwarden', () => {
    // husky 9's own installer, as its "prepare" script runs it at the top: core.hooksPath = .husky/_.
    execFileSync(process.execPath, ['--input-type=module', '-e', `import(${JSON.stringify(join(REPO_ROOT, 'node_modules', 'husky', 'index.js'))}).then((m) => { const e = m.default(); if (e) throw new Error(e); })`], { cwd: top });
    const result = initProject({ root: db, ci: 'none' });
    expect(result.hook.kind).toBe('husky');
    expect(result.files).toContainEqual({ path: '../../.husky/pre-commit', action: 'created', note: 'husky pre-commit hook' });
    seed();

    install(db);
    stage('20261201090000_add_job_priority.sql', good);
    let r = commit('good migration');
    expect(r.status, r.stdout + r.stderr).toBe(0);

    stage('20261201100000_add_job_note.sql', branching);
    r = commit('branching migration');
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/single-head/);
    expect(git('log', '--format=%s')).toBe('good migration\nreference\n');

    // A hook that exists is kept, with the line to add to it.
    writeFileSync(join(top, '.husky', 'pre-commit'), 'npx lint-staged\n');
    const kept = initProject({ root: db, ci: 'none' });
    expect(kept.files).toContainEqual({ path: '../../.husky/pre-commit', action: 'kept', note: 'husky hook; add the line "(cd packages/db && ./node_modules/.bin/pgwarden check --staged)" to it' });
  });

  it('GitHub workflow: written at the top of the repository, where GitHub reads it, running in the package', () => {
    const result = initProject({ root: db, hook: 'none' });
    expect(existsSync(join(db, '.github'))).toBe(false);
    expect(result.files).toContainEqual({ path: '../../.github/workflows/pgwarden-packages-db.yml', action: 'created', note: 'CI: pgwarden check in packages/db on every pull request, SARIF to code scanning' });
    const workflow = parse(readFileSync(join(top, '.github', 'workflows', 'pgwarden-packages-db.yml'), 'utf8'));
    expect(workflow.defaults).toEqual({ run: { 'working-directory': 'packages/db' } });
    const steps = workflow.jobs.check.steps as Array<Record<string, any>>;
    // npm workspaces: one lock file at the top, installed there.
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node'))?.with).toMatchObject({ cache: 'npm', 'cache-dependency-path': 'package-lock.json' });
    expect(steps.find((s) => s.run === 'npm ci')).toEqual({ run: 'npm ci', 'working-directory': '.' });
    // pgwarden runs in the package (the default working directory); actions read paths from the top.
    expect(steps.find((s) => s.name === 'pgwarden check')).toEqual({ name: 'pgwarden check', run: 'npx pgwarden check --report-dir pgwarden-report --github' });
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    expect(upload.if).toBe("always() && hashFiles('packages/db/pgwarden-report/pgwarden-results.sarif') != ''");
    expect(upload.with).toEqual({ sarif_file: 'packages/db/pgwarden-report/pgwarden-results.sarif', category: 'pgwarden-packages-db' });

    // A package with a lock file of its own installs in its folder.
    rmSync(join(top, '.github'), { recursive: true });
    writeFileSync(join(db, 'package-lock.json'), '{}\n');
    initProject({ root: db, hook: 'none' });
    const own = parse(readFileSync(join(top, '.github', 'workflows', 'pgwarden-packages-db.yml'), 'utf8'));
    const ownSteps = own.jobs.check.steps as Array<Record<string, any>>;
    expect(ownSteps.find((s) => s.uses?.startsWith('actions/setup-node'))?.with['cache-dependency-path']).toBe('packages/db/package-lock.json');
    expect(ownSteps.find((s) => s.run === 'npm ci')).toEqual({ run: 'npm ci' });
  });
});
