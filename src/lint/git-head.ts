/**
 * Which commit git's HEAD is, read from the repository's files instead of asking git: the lint cache
 * checks it on every run that a branched history makes depend on git, and starting git costs more
 * than the cached run itself.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { worktreeTop } from './repository-path.js';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The repository's git folder as git finds it from `folder`: GIT_DIR, or the nearest `.git` up (a folder, or a file naming one). */
function gitDirOf(folder: string): string | undefined {
  // git runs in `folder` (staged.ts), so a relative GIT_DIR is relative to it.
  if (process.env.GIT_DIR) return resolve(folder, process.env.GIT_DIR);
  const top = worktreeTop(folder);
  if (top === undefined) return undefined;
  const dotGit = join(top, '.git');
  if (statSync(dotGit).isDirectory()) return dotGit;
  // A linked worktree or a submodule: "gitdir: <path>", relative to the file's folder.
  const pointer = /^gitdir: (.+?)\s*$/m.exec(read(dotGit) ?? '');
  return pointer ? resolve(top, pointer[1]!) : undefined;
}

/**
 * A ref's commit: loose in the worktree's or the common git folder, or in packed-refs; symbolic refs
 * followed. Null when no such ref exists (an unborn branch), undefined when a file makes no sense.
 */
function resolveRef(gitDir: string, commonDir: string, ref: string, depth = 0): string | null | undefined {
  if (depth > 5) return undefined;
  for (const dir of gitDir === commonDir ? [gitDir] : [gitDir, commonDir]) {
    const loose = read(join(dir, ref))?.trim();
    if (loose === undefined) continue;
    if (loose.startsWith('ref: ')) return resolveRef(gitDir, commonDir, loose.slice(5).trim(), depth + 1);
    return /^[0-9a-f]{40,64}$/.test(loose) ? loose : undefined;
  }
  for (const line of (read(join(commonDir, 'packed-refs')) ?? '').split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0 && line.slice(space + 1).trim() === ref && /^[0-9a-f]{40,64}$/.test(line.slice(0, space))) return line.slice(0, space);
  }
  return null;
}

/**
 * A string that changes whenever the commit HEAD names does, for the repository `folder` is in:
 * `commit <id>`, `unborn <branch>` before the first commit, `no git` outside a repository. With
 * the reftable ref store, the table list (which every ref update rewrites) stands in for the commit.
 * Undefined when the files cannot be read as expected; then only git could say.
 */
export function headState(folder: string): string | undefined {
  const env = process.env.GIT_DIR || process.env.GIT_WORK_TREE || process.env.GIT_COMMON_DIR ? `${process.env.GIT_DIR ?? ''}\0${process.env.GIT_WORK_TREE ?? ''}\0${process.env.GIT_COMMON_DIR ?? ''}\0` : '';
  const gitDir = gitDirOf(folder);
  if (!gitDir) return process.env.GIT_DIR ? undefined : 'no git';
  const head = read(join(gitDir, 'HEAD'))?.trim();
  if (head === undefined) return undefined;
  const common = process.env.GIT_COMMON_DIR ? resolve(folder, process.env.GIT_COMMON_DIR) : (() => {
    const pointer = read(join(gitDir, 'commondir'))?.trim();
    return pointer ? resolve(gitDir, pointer) : gitDir;
  })();
  if (existsSync(join(common, 'reftable'))) {
    const tables = read(join(common, 'reftable', 'tables.list'));
    return tables === undefined ? undefined : `${env}reftable ${head}\n${tables}`;
  }
  if (/^[0-9a-f]{40,64}$/.test(head)) return `${env}commit ${head}`;
  if (!head.startsWith('ref: ')) return undefined;
  const ref = head.slice(5).trim();
  const commit = resolveRef(gitDir, common, ref);
  if (commit === undefined) return undefined;
  return `${env}${commit === null ? `unborn ${ref}` : `commit ${commit}`}`;
}
