import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromRepositoryTop, pathInRepository, projectPathInRepository } from '../../../src/lint/repository-path.js';

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
  vi.unstubAllEnvs();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgwarden-repo-path-'));
  dirs.push(dir);
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

describe('where a project is in its git repository', () => {
  it('is the path from the nearest folder up with a .git, as git rev-parse --show-prefix says, in a linked worktree too', async () => {
    vi.stubEnv('GIT_DIR', undefined);
    vi.stubEnv('GIT_WORK_TREE', undefined);
    const repo = tempDir();
    git(repo, 'init', '-q');
    const db = join(repo, 'packages', 'db');
    mkdirSync(db, { recursive: true });
    writeFileSync(join(db, 'package.json'), '{}\n');
    expect(pathInRepository(db)).toBe('packages/db');
    expect(pathInRepository(repo)).toBe('');
    expect(await projectPathInRepository(db)).toBe(git(db, 'rev-parse', '--show-prefix').replace(/\/$/, ''));
    // A linked worktree: .git is a file naming the git folder; its top is the worktree's.
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'db');
    const linked = join(tempDir(), 'wt');
    git(repo, 'worktree', 'add', '-q', '-b', 'side', linked);
    expect(pathInRepository(join(linked, 'packages', 'db'))).toBe('packages/db');
    expect(await projectPathInRepository(join(linked, 'packages', 'db'))).toBe('packages/db');
  });

  it('is empty outside a repository: paths stay relative to the project', async () => {
    vi.stubEnv('GIT_DIR', undefined);
    vi.stubEnv('GIT_WORK_TREE', undefined);
    const folder = join(tempDir(), 'db');
    mkdirSync(folder);
    expect(pathInRepository(folder)).toBeUndefined();
    expect(await projectPathInRepository(folder)).toBe('');
  });

  it('asks git when GIT_DIR and GIT_WORK_TREE point it elsewhere', async () => {
    const repo = tempDir();
    git(repo, 'init', '-q');
    const elsewhere = join(tempDir(), 'work');
    const db = join(elsewhere, 'packages', 'db');
    mkdirSync(db, { recursive: true });
    vi.stubEnv('GIT_DIR', join(repo, '.git'));
    vi.stubEnv('GIT_WORK_TREE', elsewhere);
    expect(pathInRepository(db)).toBeUndefined();
    expect(await projectPathInRepository(db)).toBe('packages/db');
  });

  it('puts the project path before a project-relative file, in posix form', () => {
    expect(fromRepositoryTop('packages/db', 'migrations/1_a.sql')).toBe('packages/db/migrations/1_a.sql');
    expect(fromRepositoryTop('', 'migrations/1_a.sql')).toBe('migrations/1_a.sql');
    expect(fromRepositoryTop(undefined, 'migrations/1_a.sql')).toBe('migrations/1_a.sql');
    expect(fromRepositoryTop('packages/db', './snapshot.json')).toBe('packages/db/snapshot.json');
  });
});
