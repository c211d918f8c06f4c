/**
 * Where a folder is in its git repository. GitHub resolves the paths of SARIF results and of
 * workflow annotations against the top of the repository, so in a monorepo (the project in
 * `packages/db`) those two formats name files from there. Found from the files, as git finds the
 * repository, without starting git: the CI report and the pre-commit check should not pay for it.
 */
import { existsSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';

/**
 * The posix path of `folder` from the top of its working tree (`packages/db`, `` at the top): the
 * nearest folder up with a `.git`, a folder or, in a linked worktree or a submodule, a file naming
 * the git folder. Undefined outside a repository, and when GIT_DIR or GIT_WORK_TREE point git
 * elsewhere, so that only git can say.
 */
export function pathInRepository(folder: string): string | undefined {
  if (process.env.GIT_DIR || process.env.GIT_WORK_TREE) return undefined;
  const top = worktreeTop(folder);
  return top === undefined ? undefined : relative(top, resolve(folder)).split(sep).join('/');
}

/** The nearest folder at or above `folder` that holds a `.git` (a folder, or a file naming one), as git looks for it; undefined outside a repository. */
export function worktreeTop(folder: string): string | undefined {
  for (let at = resolve(folder); ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return at;
    if (dirname(at) === at) return undefined;
  }
}

/**
 * The project's path from the top of its git repository, for the formats that GitHub reads (SARIF,
 * workflow annotations): `packages/db` in a monorepo, `` when the project is the top or in no
 * repository (paths then stay relative to the project). Asks git only when the environment
 * points it elsewhere (GIT_DIR, GIT_WORK_TREE).
 */
export async function projectPathInRepository(root: string): Promise<string> {
  const found = pathInRepository(root);
  if (found !== undefined) return found;
  if (!process.env.GIT_DIR && !process.env.GIT_WORK_TREE) return '';
  // child_process (and the modules it loads) only then: lint's fast path does without it.
  const { execFileSync } = await import('node:child_process');
  try {
    const prefix = execFileSync('git', ['rev-parse', '--show-prefix'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    return prefix.trim().replace(/\/$/, '');
  } catch {
    return '';
  }
}

/** A project-relative file (`migrations/x.sql`) from the top of the repository (`packages/db/migrations/x.sql`), posix. */
export function fromRepositoryTop(projectPath: string | undefined, file: string): string {
  const path = file.split(sep).join('/');
  return projectPath ? posix.join(projectPath, path) : path;
}
