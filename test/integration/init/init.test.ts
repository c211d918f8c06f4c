import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { initProject } from '../../../src/init/init.js';
import { loadRolesFile } from '../../../src/roles/load.js';
import { runCli } from '../../support/cli.js';
import { REPO_ROOT } from '../../support/project.js';

describe('initProject', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pgwarden-init-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes a config that loads, a roles file that validates, a git hook and a workflow; a second run keeps every file', () => {
    execFileSync('git', ['init', '-q'], { cwd: root });
    const first = initProject({ root });
    expect(first.files.map((f) => [f.path, f.action])).toEqual([
      ['pgwarden.config.yaml', 'created'],
      ['migrations/.gitkeep', 'created'],
      ['schema/roles.yaml', 'created'],
      ['.gitignore', 'created'],
      ['.git/hooks/pre-commit', 'created'],
      ['.github/workflows/pgwarden.yml', 'created'],
    ]);
    expect(first.files.find((f) => f.path === '.gitignore')?.note).toBe("ignores pgwarden's caches and reports");
    expect(first.hook.kind).toBe('git');
    const hook = join(root, '.git/hooks/pre-commit');
    expect(statSync(hook).mode & 0o111).not.toBe(0);
    expect(readFileSync(hook, 'utf8')).toContain('exec ./node_modules/.bin/pgwarden check --staged');

    const config = loadConfig({ cwd: root });
    expect(config.configFile).toBe(join(root, 'pgwarden.config.yaml'));
    expect(config.environments.prod).toEqual({ urlEnv: 'PROD_DATABASE_URL', protected: true });
    expect(config.lint.postgresVersion).toBe(15);
    expect(Object.keys(loadRolesFile(config.roles.file).spec.roles ?? {})).toEqual(['app_rw', 'app_ro']);
    expect(readFileSync(join(root, '.github/workflows/pgwarden.yml'), 'utf8')).toContain('npx pgwarden check --report-dir pgwarden-report --github');

    writeFileSync(join(root, 'pgwarden.config.yaml'), 'migrations: db\n');
    const second = initProject({ root });
    expect(second.files.every((f) => f.action === 'kept')).toBe(true);
    expect(second.files.map((f) => f.path)).toContain('migrations/');
    expect(readFileSync(join(root, 'pgwarden.config.yaml'), 'utf8')).toBe('migrations: db\n');
  });

  it('uses husky when the repository does, and says how to add pgwarden to a hook it keeps, and that the check is not installed until then', async () => {
    execFileSync('git', ['init', '-q'], { cwd: root });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ devDependencies: { husky: '^9.0.0' } }));
    const created = initProject({ root, ci: 'none' });
    expect(created.hook.kind).toBe('husky');
    expect(created.hook.installed).toBe(true);
    expect(readFileSync(join(root, '.husky/pre-commit'), 'utf8')).toMatch(/^pgwarden check --staged$/m);
    expect(existsSync(join(root, '.git/hooks/pre-commit'))).toBe(false);
    expect(existsSync(join(root, '.github'))).toBe(false);

    writeFileSync(join(root, '.husky/pre-commit'), 'npx lint-staged\n');
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toBe('.pgwarden/\npgwarden-report/\n');
    writeFileSync(join(root, '.gitignore'), 'node_modules\n.pgwarden\n');
    const kept = initProject({ root, ci: 'none' }).files.find((f) => f.path === '.husky/pre-commit')!;
    expect(kept).toEqual({ path: '.husky/pre-commit', action: 'kept', note: expect.stringContaining('add the line "pgwarden check --staged"') });
    expect(readFileSync(join(root, '.husky/pre-commit'), 'utf8')).toBe('npx lint-staged\n');
    // The kept hook does not run the check: the summary must not say it does.
    const again = initProject({ root, ci: 'none', dryRun: true });
    expect(again.hook.installed).toBe(false);
    expect(again.hook.note).toBe('NOT installed: .husky/pre-commit existed and was kept as it is, so nothing checks the migrations before a commit until you add the line "pgwarden check --staged" to it.');
    expect(again.next[0]).toMatch(/^add "pgwarden check --staged" to \.husky\/pre-commit +the pre-commit check is not installed until then$/);
    const cli = await runCli(['init', '--ci', 'none'], { cwd: root });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('Pre-commit: NOT installed: .husky/pre-commit existed and was kept as it is');
    expect(cli.stdout).not.toContain('husky runs it before each commit');
    expect(cli.stdout).not.toMatch(/Pre-commit: pgwarden check --staged/);
    // The same for a plain git hook of the repository's own.
    rmSync(join(root, '.husky'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{}');
    mkdirSync(join(root, '.git/hooks'), { recursive: true });
    writeFileSync(join(root, '.git/hooks/pre-commit'), '#!/bin/sh\nmake lint\n');
    const gitHook = initProject({ root, ci: 'none', dryRun: true });
    expect(gitHook.hook).toMatchObject({ kind: 'git', installed: false, note: expect.stringMatching(/^NOT installed: \.git\/hooks\/pre-commit existed and was kept as it is/) });
    mkdirSync(join(root, '.husky'));
    writeFileSync(join(root, '.husky/pre-commit'), 'npx lint-staged\n');
    writeFileSync(join(root, 'package.json'), JSON.stringify({ devDependencies: { husky: '^9.0.0' } }));
    const gitignore = initProject({ root, ci: 'none' }).files.find((f) => f.path === '.gitignore')!;
    expect(gitignore).toEqual({ path: '.gitignore', action: 'kept', note: expect.stringMatching(/^add pgwarden-report\/ to it/) });
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toBe('node_modules\n.pgwarden\n');
  });

  it("follows docs/pre-commit.md's recipe: after npx husky init, pgwarden init --hook husky replaces husky's placeholder npm test", async () => {
    execFileSync('git', ['init', '-q'], { cwd: root });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'app', devDependencies: { husky: '^9.1.7' } }, null, 2));
    // husky 9's own `npx husky init`: the prepare script, core.hooksPath, and .husky/pre-commit holding "npm test".
    execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'husky', 'bin.js'), 'init'], { cwd: root, env: { ...process.env, npm_config_user_agent: 'npm/10.9.0 node/v22.0.0 linux x64' } });
    expect(readFileSync(join(root, '.husky/pre-commit'), 'utf8')).toBe('npm test\n');

    const cli = await runCli(['init', '--hook', 'husky', '--ci', 'none'], { cwd: root });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/^ {2}replaced +\.husky\/pre-commit +husky pre-commit hook, instead of the placeholder "npm test" that npx husky init writes$/m);
    expect(cli.stdout).toContain('Pre-commit: pgwarden check --staged. husky runs it before each commit');
    expect(cli.stdout).not.toContain('NOT installed');
    expect(readFileSync(join(root, '.husky/pre-commit'), 'utf8')).toMatch(/^pgwarden check --staged$/m);
    // Run again: the hook is pgwarden's now, and kept.
    expect(initProject({ root, ci: 'none' }).files.find((f) => f.path === '.husky/pre-commit')?.action).toBe('kept');

    // Any other content is the team's own hook, kept as it is: pnpm's placeholder is replaced, "npm test" plus a line is not.
    writeFileSync(join(root, '.husky/pre-commit'), 'pnpm test\n');
    expect(initProject({ root, ci: 'none', dryRun: true }).files.find((f) => f.path === '.husky/pre-commit')?.action).toBe('replaced');
    expect(readFileSync(join(root, '.husky/pre-commit'), 'utf8')).toBe('pnpm test\n');
    writeFileSync(join(root, '.husky/pre-commit'), 'npm test\nnpx lint-staged\n');
    const own = initProject({ root, ci: 'none' });
    expect(own.hook.installed).toBe(false);
    expect(readFileSync(join(root, '.husky/pre-commit'), 'utf8')).toBe('npm test\nnpx lint-staged\n');
  });

  it('outside git installs no hook and says so; an existing migrations folder points to adopt; --dry-run writes nothing', () => {
    mkdirSync(join(root, 'migrations'));
    writeFileSync(join(root, 'migrations', '001_init.sql'), 'CREATE TABLE t (id int);\n');
    const dry = initProject({ root, dryRun: true, ci: 'gitlab' });
    expect(dry.hook.kind).toBe('none');
    expect(dry.hook.note).toMatch(/no git repository/);
    expect(dry.files.find((f) => f.path === '.gitlab-ci.yml')?.action).toBe('created');
    expect(dry.next[0]).toMatch(/pgwarden adopt migrations/);
    expect(existsSync(join(root, 'pgwarden.config.yaml'))).toBe(false);
    expect(existsSync(join(root, '.gitlab-ci.yml'))).toBe(false);
  });
});
