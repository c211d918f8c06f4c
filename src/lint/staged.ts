import { execFileSync } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { PgwardenError } from '../errors.js';

/** What git has staged: added or modified files with their staged content, and deleted files. */
export interface StagedFiles {
  /** Absolute path -> staged text. */
  changed: Map<string, string>;
  /** Absolute paths deleted in the index. */
  deleted: Set<string>;
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (cause) {
    const stderr = String((cause as { stderr?: unknown }).stderr ?? '').trim();
    throw new PgwardenError('USAGE', `--staged needs a git repository: git ${args[0]} failed${stderr ? ` (${stderr.split('\n')[0]})` : ''}.`, { cause });
  }
}

/**
 * The staged files under `dir` (the migrations folder), read from the index (`git show :path`), so
 * that a pre-commit hook lints what will be committed, not the working tree.
 */
export function stagedFiles(dir: string): StagedFiles {
  const top = git(dir, ['rev-parse', '--show-toplevel']).trim();
  const output = git(top, ['diff', '--cached', '--name-status', '--no-renames', '-z', '--', relative(top, resolve(dir)) || '.']);
  const parts = output.split('\0').filter((p) => p.length > 0);
  const changed = new Map<string, string>();
  const deleted = new Set<string>();
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = parts[i]!;
    const path = parts[i + 1]!;
    const absolute = join(top, path);
    if (status.startsWith('D')) deleted.add(absolute);
    else changed.set(absolute, git(top, ['show', `:${path}`]));
  }
  return { changed, deleted };
}
