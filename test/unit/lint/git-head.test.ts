import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { headState } from '../../../src/lint/git-head.js';

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgwarden-git-head-'));
  dirs.push(dir);
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

function commit(repo: string, name: string): string {
  writeFileSync(join(repo, name), `${name}\n`);
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', name);
  return git(repo, 'rev-parse', 'HEAD');
}

describe('headState (git HEAD from the repository files, without git)', () => {
  it('names the commit HEAD is on, as git rev-parse does, in every way git stores it', () => {
    const repo = tempDir();
    git(repo, 'init', '-q');
    mkdirSync(join(repo, 'migrations'));
    expect(headState(join(repo, 'migrations'))).toBe('unborn refs/heads/main');
    const first = commit(repo, 'a');
    // A loose ref, from a folder inside the repository.
    expect(headState(join(repo, 'migrations'))).toBe(`commit ${first}`);
    const second = commit(repo, 'b');
    expect(headState(repo)).toBe(`commit ${second}`);
    // Packed refs only.
    git(repo, 'pack-refs', '--all', '--prune');
    expect(headState(repo)).toBe(`commit ${second}`);
    // A detached HEAD.
    git(repo, 'checkout', '-q', '--detach', first);
    expect(headState(repo)).toBe(`commit ${first}`);
    git(repo, 'checkout', '-q', 'main');
    // A linked worktree: .git is a file, HEAD is the worktree's, the branch is in the common folder.
    const linked = join(tempDir(), 'wt');
    git(repo, 'worktree', 'add', '-q', '-b', 'side', linked, first);
    expect(headState(linked)).toBe(`commit ${first}`);
    const third = commit(linked, 'c');
    expect(headState(linked)).toBe(`commit ${third}`);
    expect(headState(repo)).toBe(`commit ${second}`);
  });

  it('says so outside a repository', () => {
    expect(headState(tempDir())).toBe('no git');
  });
});
