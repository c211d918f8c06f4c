/**
 * Which package manager `pgwarden init` writes its hook and CI job for, and what those say: the
 * nearest lock file from the project up to the top of the repository decides, else the
 * `packageManager` field, else pnpm-workspace.yaml; npm when nothing does.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { detectPackageManager, execCommand, installCommand } from '../../../src/init/package-manager.js';
import { gitHookTemplate, githubWorkflowTemplate, gitlabTemplate, hookLine, huskyHookTemplate } from '../../../src/init/templates.js';

describe('detectPackageManager', () => {
  let top: string;
  const put = (path: string, text = '') => {
    mkdirSync(join(top, path, '..'), { recursive: true });
    writeFileSync(join(top, path), text);
  };
  beforeEach(() => {
    top = mkdtempSync(join(tmpdir(), 'pgwarden-pm-'));
  });
  afterEach(() => rmSync(top, { recursive: true, force: true }));

  it('is npm when nothing says otherwise', () => {
    const pm = detectPackageManager(top, 'packages/db');
    expect(pm).toMatchObject({ name: 'npm', lockFile: undefined, pnp: false });
    expect(installCommand(pm)).toBe('npm ci');
    expect(execCommand(pm, 'check')).toBe('npx pgwarden check');
  });

  it('takes the nearest lock file, from the package up to the top', () => {
    put('pnpm-lock.yaml');
    expect(detectPackageManager(top, 'packages/db')).toMatchObject({ name: 'pnpm', lockFile: 'pnpm-lock.yaml', source: 'pnpm-lock.yaml' });
    put('packages/db/package-lock.json');
    expect(detectPackageManager(top, 'packages/db')).toMatchObject({ name: 'npm', lockFile: 'packages/db/package-lock.json' });
  });

  it('reads the packageManager field when there is no lock file yet, and keeps its version', () => {
    put('package.json', JSON.stringify({ packageManager: 'pnpm@9.12.3+sha512.abc' }));
    const pm = detectPackageManager(top, 'packages/db');
    expect(pm).toMatchObject({ name: 'pnpm', pinned: 'pnpm@9.12.3', pinnedIn: '', source: '"packageManager": "pnpm@9.12.3" in package.json' });
    expect(installCommand(pm)).toBe('pnpm install --frozen-lockfile');
    expect(execCommand(pm, 'check')).toBe('pnpm exec pgwarden check');
  });

  it('takes pnpm-workspace.yaml as pnpm', () => {
    put('pnpm-workspace.yaml', "packages:\n  - 'packages/*'\n");
    expect(detectPackageManager(top, 'packages/db').name).toBe('pnpm');
  });

  it('tells Yarn 1 from Yarn 2+ and Plug\'n\'Play from node_modules', () => {
    put('yarn.lock');
    expect(detectPackageManager(top)).toMatchObject({ name: 'yarn', berry: false, pnp: false });
    expect(installCommand(detectPackageManager(top))).toBe('yarn install --frozen-lockfile');
    put('.yarnrc.yml', 'enableTelemetry: false\n');
    expect(detectPackageManager(top)).toMatchObject({ name: 'yarn', berry: true, pnp: true });
    expect(installCommand(detectPackageManager(top))).toBe('yarn install --immutable');
    put('.yarnrc.yml', 'nodeLinker: node-modules\n');
    expect(detectPackageManager(top)).toMatchObject({ name: 'yarn', berry: true, pnp: false });
    put('.yarnrc.yml', "nodeLinker: 'pnp'\n");
    expect(detectPackageManager(top).pnp).toBe(true);
  });

  it('takes bun.lock as Bun', () => {
    put('bun.lock');
    const pm = detectPackageManager(top);
    expect(pm.name).toBe('bun');
    expect(installCommand(pm)).toBe('bun install --frozen-lockfile');
  });
});

describe('templates for a package manager', () => {
  let top: string;
  beforeEach(() => {
    top = mkdtempSync(join(tmpdir(), 'pgwarden-pm-'));
  });
  afterEach(() => rmSync(top, { recursive: true, force: true }));

  it('writes a GitHub workflow that sets pnpm up, caches its store and runs pgwarden through it', () => {
    writeFileSync(join(top, 'pnpm-lock.yaml'), '');
    const pm = detectPackageManager(top, 'packages/db');
    const workflow = parse(githubWorkflowTemplate({ folder: 'packages/db', install: '' }, pm)) as { jobs: { check: { steps: Array<Record<string, unknown>> } } };
    const steps = workflow.jobs.check.steps;
    expect(steps[1]).toEqual({ uses: 'pnpm/action-setup@v4', with: { version: 10 } });
    expect(steps[2]).toMatchObject({ uses: 'actions/setup-node@v4', with: { cache: 'pnpm', 'cache-dependency-path': 'pnpm-lock.yaml' } });
    expect(steps[3]).toEqual({ run: 'pnpm install --frozen-lockfile', 'working-directory': '.' });
    expect(steps[4]).toMatchObject({ name: 'pgwarden check', run: 'pnpm exec pgwarden check --report-dir pgwarden-report --github' });
  });

  it('lets pnpm/action-setup read the packageManager field at the top, and gives it the version of one further down', () => {
    writeFileSync(join(top, 'package.json'), JSON.stringify({ packageManager: 'pnpm@9.1.0' }));
    const atTop = parse(githubWorkflowTemplate(undefined, detectPackageManager(top))) as { jobs: { check: { steps: Array<Record<string, unknown>> } } };
    expect(atTop.jobs.check.steps[1]).toEqual({ uses: 'pnpm/action-setup@v4' });
    rmSync(join(top, 'package.json'));
    mkdirSync(join(top, 'packages', 'db'), { recursive: true });
    writeFileSync(join(top, 'packages', 'db', 'package.json'), JSON.stringify({ packageManager: 'pnpm@9.1.0' }));
    const below = parse(githubWorkflowTemplate({ folder: 'packages/db', install: 'packages/db' }, detectPackageManager(top, 'packages/db'))) as { jobs: { check: { steps: Array<Record<string, unknown>> } } };
    expect(below.jobs.check.steps[1]).toEqual({ uses: 'pnpm/action-setup@v4', with: { version: 9 } });
  });

  it('enables Corepack for Yarn 2+, and leaves npm\'s workflow as it was', () => {
    writeFileSync(join(top, 'yarn.lock'), '');
    writeFileSync(join(top, '.yarnrc.yml'), 'nodeLinker: node-modules\n');
    const yarn = parse(githubWorkflowTemplate(undefined, detectPackageManager(top))) as { jobs: { check: { steps: Array<Record<string, unknown>> } } };
    expect(yarn.jobs.check.steps.map((s) => s.uses ?? s.run ?? s.name)).toEqual(['actions/checkout@v4', 'actions/setup-node@v4', 'corepack enable', 'yarn install --immutable', 'yarn pgwarden check --report-dir pgwarden-report --github', 'github/codeql-action/upload-sarif@v3']);
    const npm = parse(githubWorkflowTemplate()) as { jobs: { check: { steps: Array<Record<string, unknown>> } } };
    expect(npm.jobs.check.steps.map((s) => s.uses ?? s.run)).toEqual(['actions/checkout@v4', 'actions/setup-node@v4', 'npm ci', 'npx pgwarden check --report-dir pgwarden-report --github', 'github/codeql-action/upload-sarif@v3']);
  });

  it('writes a GitLab job for pnpm', () => {
    writeFileSync(join(top, 'pnpm-lock.yaml'), '');
    const job = (parse(gitlabTemplate(detectPackageManager(top))) as { pgwarden: { script: string[] } }).pgwarden;
    expect(job.script).toEqual(['corepack enable', 'pnpm install --frozen-lockfile', 'pnpm exec pgwarden check --report-dir pgwarden-report']);
  });

  it("runs pgwarden through Yarn in a Plug'n'Play project's hooks, which have no node_modules/.bin", () => {
    writeFileSync(join(top, 'yarn.lock'), '');
    writeFileSync(join(top, '.yarnrc.yml'), '');
    const pm = detectPackageManager(top, 'packages/db');
    expect(pm.pnp).toBe(true);
    expect(huskyHookTemplate(undefined, pm)).toContain('\nyarn pgwarden check --staged\n');
    expect(gitHookTemplate(undefined, pm)).toContain('\nexec yarn pgwarden check --staged\n');
    expect(gitHookTemplate({ folder: 'packages/db', bin: './node_modules/.bin/pgwarden' }, pm)).toContain('cd packages/db || exit 1\nexec yarn pgwarden check --staged\n');
    expect(hookLine('git', { folder: 'packages/db', bin: './node_modules/.bin/pgwarden' }, pm)).toBe('(cd packages/db && yarn pgwarden check --staged)');
    expect(gitHookTemplate()).toContain('\nexec ./node_modules/.bin/pgwarden check --staged\n');
  });
});
