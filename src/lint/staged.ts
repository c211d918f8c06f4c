import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

/** The git object id of `text` as a blob (what `git hash-object` prints). */
function blobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/**
 * The staged files under `dir` (the migrations folder), as the index has them, so that a pre-commit
 * hook lints what will be committed, not the working tree. One git call lists them with their blob
 * ids; a file whose working-tree content has the same id is read from disk, any other one from
 * the index (`git show :path`).
 */
export function stagedFiles(dir: string): StagedFiles {
  const output = git(dir, ['diff', '--cached', '--raw', '--no-abbrev', '--no-renames', '--relative', '-z', '--', '.']);
  const parts = output.split('\0').filter((p) => p.length > 0);
  const changed = new Map<string, string>();
  const deleted = new Set<string>();
  // Each entry: ":<old mode> <new mode> <old id> <new id> <status>" then the path (relative to dir).
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const fields = parts[i]!.split(' ');
    const id = fields[3]!;
    const status = fields[4]!;
    const path = parts[i + 1]!;
    const absolute = join(resolve(dir), path);
    if (status.startsWith('D')) {
      deleted.add(absolute);
      continue;
    }
    let content: Buffer | undefined;
    try {
      content = readFileSync(absolute);
    } catch {
      content = undefined;
    }
    changed.set(absolute, content && blobId(content) === id ? content.toString('utf8') : git(dir, ['show', `:./${path}`]));
  }
  return { changed, deleted };
}
