import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { PgwardenError } from '../errors.js';
import { pathInRepository, worktreeTop } from './repository-path.js';

/**
 * A folder as the next commit will hold it: every file git's index has directly in it, with its
 * staged content, and which of them the commit adds or changes. Untracked and ignored files are not
 * part of it, nor is a change left unstaged in the working tree.
 */
export interface StagedHistory {
  /** Absolute path -> staged text, for every file of the folder in the index. */
  files: Map<string, string>;
  /** Absolute paths of the files the index adds or modifies against HEAD: what the commit changes. */
  changed: Set<string>;
  /** Absolute paths of the files the index deletes against HEAD. */
  deleted: Set<string>;
}

function gitError(args: readonly string[], cause: unknown): PgwardenError {
  const stderr = String((cause as { stderr?: unknown }).stderr ?? '').trim();
  const command = args.find((a) => !a.startsWith('-')) ?? 'status';
  return new PgwardenError('USAGE', `--staged needs a git repository: git ${command} failed${stderr ? ` (${stderr.split('\n')[0]})` : ''}.`, { cause });
}

/** Runs git in `cwd` and resolves with its standard output. */
function git(cwd: string, args: readonly string[], input?: string): Promise<Buffer> {
  return new Promise((done, fail) => {
    const child = execFile('git', args, { cwd, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) fail(gitError(args, { stderr: stderr.toString('utf8') }));
      else done(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Contents of blobs by id, in one `git cat-file --batch`; an id git does not have is left out. */
async function objects(cwd: string, ids: readonly string[]): Promise<Map<string, string>> {
  const contents = new Map<string, string>();
  if (ids.length === 0) return contents;
  const output = await git(cwd, ['cat-file', '--batch'], `${ids.join('\n')}\n`);
  let at = 0;
  for (const id of ids) {
    // "<id> blob <size>\n<content>\n", or "<id> missing\n".
    const headerEnd = output.indexOf(10, at);
    const size = / blob (\d+)$/.exec(output.subarray(at, headerEnd).toString('utf8'));
    if (!size) {
      at = headerEnd + 1;
      continue;
    }
    const length = Number(size[1]);
    contents.set(id, output.subarray(headerEnd + 1, headerEnd + 1 + length).toString('utf8'));
    at = headerEnd + 1 + length + 1;
  }
  return contents;
}

function readIfAny(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The folder `dir` as git's index holds it, so that a pre-commit hook judges what will be committed:
 * its staged files against the history the commit will hold, not against an untracked file or an
 * edit left unstaged. One `git status` says, while the working tree is read, what differs: files
 * the index does not have (untracked or ignored), files changed or removed in the working tree, and
 * what the index changes against HEAD. Files git finds unchanged are taken from the disk, and one
 * more call fetches the staged content of the others. `wanted` picks the file names to consider.
 */
export async function stagedHistory(dir: string, wanted: (name: string) => boolean = () => true): Promise<StagedHistory> {
  const folder = resolve(dir);
  const asked = git(folder, ['--no-optional-locks', 'status', '--porcelain=v2', '-z', '--untracked-files=all', '--ignored=matching', '--no-renames', '--', '.']);
  // Meanwhile, the working tree: most files are as the index has them.
  const files = new Map<string, string>();
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if ((!entry.isFile() && !entry.isSymbolicLink()) || !wanted(entry.name)) continue;
    const text = readIfAny(join(folder, entry.name));
    if (text !== undefined) files.set(join(folder, entry.name), text);
  }
  // Records: "1 XY sub mH mI mW hH hI path" (X: index against HEAD, Y: working tree against index),
  // "u XY sub m1 m2 m3 mW h1 h2 h3 path" (a merge conflict), "? path", "! path". Paths are relative
  // to the top of the repository.
  const records = (await asked).toString('utf8').split('\0').filter((r) => r.length > 0);
  const pathOf = (record: string): string => {
    const fields = record[0] === '1' ? 8 : record[0] === 'u' ? 10 : 1;
    let at = 0;
    for (let i = 0; i < fields; i++) at = record.indexOf(' ', at) + 1;
    return record.slice(at);
  };
  const inside = pathInRepository(folder);
  let prefix = inside === undefined ? undefined : inside ? `${inside}/` : '';
  if (prefix === undefined || !records.every((r) => pathOf(r).startsWith(prefix!))) {
    prefix = (await git(folder, ['rev-parse', '--show-prefix'])).toString('utf8').trim();
  }
  const changed = new Set<string>();
  const deleted = new Set<string>();
  const fromIndex = new Map<string, string>();
  for (const record of records) {
    const name = pathOf(record).slice(prefix.length);
    if (name.includes('/') || !wanted(name)) continue;
    const path = join(folder, name);
    if (record[0] === '?' || record[0] === '!') {
      files.delete(path);
      continue;
    }
    if (record[0] !== '1') continue; // A merge conflict: its working-tree copy is all there is to judge.
    const [, xy = '..', sub = '', , indexMode = '', , , indexId = ''] = record.split(' ');
    if (!sub.startsWith('N')) continue;
    if (xy[0] === 'D') {
      deleted.add(path);
      files.delete(path);
      continue;
    }
    if (xy[0] !== '.') changed.add(path);
    // Changed in the working tree since it was staged (a symbolic link is read through, as the runner reads it).
    if (xy[1] !== '.' && indexMode !== '120000') fromIndex.set(path, indexId);
  }
  const staged = await objects(folder, [...new Set(fromIndex.values())]);
  for (const [path, id] of fromIndex) {
    const text = staged.get(id);
    if (text !== undefined) files.set(path, text);
  }
  // A staged file whose content git could not give is not part of the history, nor reported on.
  for (const path of changed) if (!files.has(path)) changed.delete(path);
  return { files, changed, deleted };
}

/**
 * Which of `paths` (absolute files) the working tree holds otherwise than git's index: `untracked`
 * (the commit will not hold them) or `unstaged` (changed since they were staged, or in conflict).
 * One `git status` run in `dir`, on those paths only; paths outside the repository are not asked
 * about (no commit holds them). Ignored files are neither: the project builds them.
 */
export async function notAsStaged(dir: string, paths: readonly string[]): Promise<Map<string, 'untracked' | 'unstaged'>> {
  const folder = resolve(dir);
  const out = new Map<string, 'untracked' | 'unstaged'>();
  const top = process.env.GIT_DIR || process.env.GIT_WORK_TREE ? undefined : worktreeTop(folder);
  const asked = top === undefined ? paths : paths.filter((p) => p.startsWith(top.endsWith(sep) ? top : top + sep));
  if (asked.length === 0) return out;
  const listed = git(folder, ['--literal-pathspecs', '--no-optional-locks', 'status', '--porcelain=v2', '-z', '--untracked-files=all', '--no-renames', '--', ...asked.map((p) => relative(folder, p))]);
  // git names files from the top of the working tree.
  const base = top ?? (await git(folder, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
  const byName = new Map(asked.map((p) => [relative(base, p).split(sep).join('/'), p]));
  for (const record of (await listed).toString('utf8').split('\0')) {
    // "1 XY sub mH mI mW hH hI path" (Y: the working tree against the index), "u XY ..." (a conflict), "? path".
    const kind = record[0];
    if (kind !== '1' && kind !== 'u' && kind !== '?') continue;
    const fields = kind === '1' ? 8 : kind === 'u' ? 10 : 1;
    let at = 0;
    for (let i = 0; i < fields; i++) at = record.indexOf(' ', at) + 1;
    const path = byName.get(record.slice(at));
    if (path === undefined) continue;
    if (kind === '?') out.set(path, 'untracked');
    else if (kind === 'u' || record[3] !== '.') out.set(path, 'unstaged');
  }
  return out;
}

/** The fields of a package.json that say how Node and jiti load the modules under it. */
function loadingFields(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    return JSON.stringify([json.type, json.imports, json.exports, json.main]);
  } catch {
    return undefined;
  }
}

/**
 * Which of `paths` (package.json files, absolute, changed in the working tree since they were
 * staged) say how modules load (`type`, `imports`, `exports`, `main`) as git's index does: one
 * `git cat-file --batch` for their staged content.
 */
export async function loadingUnchanged(dir: string, paths: readonly string[]): Promise<string[]> {
  const folder = resolve(dir);
  const top = process.env.GIT_DIR || process.env.GIT_WORK_TREE ? undefined : worktreeTop(folder);
  const base = top ?? (await git(folder, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
  const names = paths.map((path) => `:${relative(base, path).split(sep).join('/')}`);
  const staged = await objects(folder, names);
  return paths.filter((path, i) => {
    const before = loadingFields(staged.get(names[i]!));
    return before !== undefined && before === loadingFields(readIfAny(path));
  });
}

/**
 * The names of the files directly in `dir` that git's HEAD commit has, or undefined outside a git
 * repository (or before its first commit).
 */
export async function committedNames(dir: string): Promise<Set<string> | undefined> {
  try {
    const listed = (await git(resolve(dir), ['ls-tree', '--name-only', '-z', 'HEAD', '--', '.'])).toString('utf8');
    return new Set(listed.split('\0').filter((n) => n.length > 0 && !n.includes('/')));
  } catch {
    return undefined;
  }
}
