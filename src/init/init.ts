import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { PgwardenError } from '../errors.js';
import { DEFAULT_POSTGRES_VERSION } from '../lint/config.js';
import { detectPackageManager, execCommand, huskySetupCommand, packageJson, type PackageManager } from './package-manager.js';
import { binCandidates, configTemplate, GITIGNORE_LINES, GITKEEP, githubWorkflowPath, githubWorkflowTemplate, gitHookTemplate, gitlabTemplate, hookLine, huskyHookTemplate, rolesTemplate, type HookPlace, type WorkflowPlace } from './templates.js';

/** Which pre-commit hook init installs. `auto`: husky when the repository uses it, else a git hook. */
export type HookChoice = 'auto' | 'husky' | 'git' | 'none';
/** Which CI example init writes. */
export type CiChoice = 'github' | 'gitlab' | 'none';

export interface InitOptions {
  /** The repository (or package) folder to set up. */
  root: string;
  /** Migrations folder, relative to root (default `migrations`). */
  migrations?: string;
  /** Schema folder, relative to root (default `schema`). */
  schema?: string;
  hook?: HookChoice;
  ci?: CiChoice;
  /** The Postgres major version the migrations target (default 16). */
  postgresVersion?: number;
  /** Report what would be written, write nothing. */
  dryRun?: boolean;
}

/**
 * `created`: written now; `kept`: it existed and was left as it is; `replaced`: it held only the
 * placeholder `npx husky init` writes (`npm test`), and now holds pgwarden's hook.
 */
export type InitAction = 'created' | 'kept' | 'replaced';

export interface InitFile {
  /** Relative to root, with forward slashes. */
  path: string;
  action: InitAction;
  /** What the file is for, and what to do when it was kept. */
  note: string;
}

export interface InitResult {
  root: string;
  files: InitFile[];
  /**
   * The hook that runs pgwarden before each commit, or why there is none. `installed` is false when
   * no hook runs the check: none was wanted or possible, or a hook of the repository's own existed
   * and was kept, and the check runs only once `command` is added to it.
   */
  hook: { kind: 'husky' | 'git' | 'none'; command: string; note: string; installed: boolean };
  /** The package manager the hook and the CI job use, and what told (a lock file, the `packageManager` field). */
  packageManager: { name: PackageManager['name']; source: string; pnp: boolean };
  /** Next steps for a person. */
  next: string[];
}

/**
 * What `npx husky init` (husky 9) writes as `.husky/pre-commit`, byte for byte: `<package manager>
 * test`. A placeholder, not a hook of the team's: init replaces it rather than keep a hook that
 * does not run pgwarden (husky's docs: "npx husky init" then edit the file).
 */
export const HUSKY_PLACEHOLDER_HOOK = /^(npm|pnpm|yarn|bun) test\n$/;

function toPosix(path: string): string {
  return path.split('\\').join('/');
}

/**
 * The repository around `root`, or undefined outside git: the hooks folder git uses (honours
 * core.hooksPath), the top of the working tree, the project's folder relative to it, and the folder
 * husky keeps its hooks in when core.hooksPath is husky's (`<dir>/_`).
 */
interface GitPlace {
  hook: string;
  top: string;
  folder: string;
  huskyDir: string | undefined;
}

function gitPlace(root: string): GitPlace | undefined {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
  try {
    const [top, hook] = git('rev-parse', '--show-toplevel', '--git-path', 'hooks/pre-commit').split('\n');
    let hooksPath = '';
    try {
      hooksPath = git('config', 'core.hooksPath').trim();
    } catch {
      // Not set: git's own hooks folder.
    }
    const husky = /^(.+)[\\/]_[\\/]?$/.exec(hooksPath)?.[1];
    const huskyDir = husky === undefined ? undefined : resolve(top!, husky);
    return {
      hook: isAbsolute(hook!) ? hook! : resolve(root, hook!),
      top: top!,
      folder: toPosix(relative(realpathSync(top!), realpathSync(root))),
      huskyDir: huskyDir && existsSync(huskyDir) ? huskyDir : undefined,
    };
  } catch {
    return undefined;
  }
}

/** Where husky keeps the hooks of the repository, when it uses husky. */
function huskyDirOf(root: string, git: GitPlace | undefined): string | undefined {
  if (existsSync(join(root, '.husky'))) return join(root, '.husky');
  if (git?.huskyDir) return git.huskyDir;
  if (git && existsSync(join(git.top, '.husky'))) return join(git.top, '.husky');
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    return pkg.devDependencies?.husky ?? pkg.dependencies?.husky ? join(root, '.husky') : undefined;
  } catch {
    return undefined;
  }
}

/** The project's place in its repository for the hook: its folder, and the pgwarden installed for it. */
function hookPlace(root: string, git: GitPlace | undefined): HookPlace | undefined {
  if (!git?.folder || git.folder.startsWith('..')) return undefined;
  const candidates = binCandidates(git.folder);
  return { folder: git.folder, bin: candidates.find((bin) => existsSync(join(root, bin))) ?? candidates[0]! };
}

/**
 * Where GitHub Actions finds the project's workflow (`.github/workflows` at the top of the
 * repository: it reads no other), and the project's place for it; undefined outside git or at the top.
 */
function workflowPlace(root: string, git: GitPlace | undefined, pm: PackageManager): { top: string; place: WorkflowPlace } | undefined {
  if (!git?.folder || git.folder.startsWith('..')) return undefined;
  // The install runs where the lock file is: the package's own, else the nearest above it (the workspace's).
  if (pm.lockFile !== undefined) return { top: git.top, place: { folder: git.folder, install: pm.lockFile.includes('/') ? pm.lockFile.slice(0, pm.lockFile.lastIndexOf('/')) : '' } };
  const parts = git.folder.split('/');
  let install = git.folder;
  for (let n = parts.length - 1; n >= 0; n--) {
    // No lock file yet: a workspace member installs at the workspace's top.
    const folder = parts.slice(0, n).join('/');
    if (isWorkspaceTop(join(git.top, folder))) {
      install = folder;
      break;
    }
  }
  return { top: git.top, place: { folder: git.folder, install } };
}

/** True when the folder is a workspace's top: package.json declares workspaces (npm, Yarn, Bun) or pnpm-workspace.yaml exists. */
function isWorkspaceTop(folder: string): boolean {
  return existsSync(join(folder, 'pnpm-workspace.yaml')) || Boolean(packageJson(folder)?.workspaces);
}

/**
 * Sets a repository up for pgwarden: the config, the migrations and schema folders with a starter
 * roles file, a pre-commit hook and a CI example. Never overwrites a file of the repository's:
 * each file that exists is kept and reported as such, so running init twice changes nothing. The
 * one file replaced is husky's placeholder hook ({@link HUSKY_PLACEHOLDER_HOOK}).
 *
 * @example
 * const result = initProject({ root: process.cwd() });
 * for (const f of result.files) console.log(f.action, f.path);
 */
export function initProject(options: InitOptions): InitResult {
  const root = resolve(options.root);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new PgwardenError('USAGE', `${root} is not a folder: run pgwarden init in your repository.`);
  const migrations = toPosix(options.migrations ?? 'migrations').replace(/\/+$/, '');
  const schema = toPosix(options.schema ?? 'schema').replace(/\/+$/, '');
  const files: InitFile[] = [];
  const write = (path: string, text: string, note: string, mode?: number) => {
    const absolute = isAbsolute(path) ? path : join(root, path);
    const shown = toPosix(relative(root, absolute));
    if (existsSync(absolute)) {
      files.push({ path: shown, action: 'kept', note });
      return;
    }
    if (!options.dryRun) {
      mkdirSync(dirname(absolute), { recursive: true });
      writeFileSync(absolute, text, { flag: 'wx' });
      if (mode !== undefined) chmodSync(absolute, mode);
    }
    files.push({ path: shown, action: 'created', note });
  };

  write('pgwarden.config.yaml', configTemplate({ migrations, schema, postgresVersion: options.postgresVersion ?? DEFAULT_POSTGRES_VERSION }), 'settings: folders, environments, lint');
  const migrationsDir = join(root, migrations);
  const existingMigrations = existsSync(migrationsDir) && readdirSync(migrationsDir).some((name) => /\.(sql|[cm]?js|[cm]?ts)$/.test(name) && !name.startsWith('.'));
  if (existsSync(migrationsDir)) files.push({ path: `${migrations}/`, action: 'kept', note: 'migrations folder (pgwarden adopt brings existing files in)' });
  else write(join(migrations, '.gitkeep'), GITKEEP, 'migrations folder (pgwarden new writes the first migration)');
  write(join(schema, 'roles.yaml'), rolesTemplate(), 'roles and grants as code (pgwarden roles plan)');
  const gitignore = join(root, '.gitignore');
  const ignored = existsSync(gitignore) ? readFileSync(gitignore, 'utf8') : undefined;
  const missing = GITIGNORE_LINES.filter((line) => !ignored?.split(/\r?\n/).some((l) => l.trim() === line || l.trim() === line.replace(/\/$/, '')));
  write('.gitignore', `${GITIGNORE_LINES.join('\n')}\n`, ignored !== undefined && missing.length > 0 ? `add ${missing.join(' and ')} to it (caches, the development cluster, CI reports)` : 'ignores pgwarden\'s caches and reports');

  let hookKind: InitResult['hook']['kind'] = 'none';
  let hookNote = '';
  let installed = false;
  let keptHook: string | undefined;
  const choice = options.hook ?? 'auto';
  const git = choice === 'none' ? undefined : gitPlace(root);
  const place = hookPlace(root, git);
  const placed = git ?? (choice === 'none' ? gitPlace(root) : undefined);
  const pm = placed && !placed.folder.startsWith('..') ? detectPackageManager(placed.top, placed.folder) : detectPackageManager(root);
  const huskyDir = choice === 'husky' ? (huskyDirOf(root, git) ?? join(root, '.husky')) : choice === 'auto' ? huskyDirOf(root, git) : undefined;
  // A hook of the repository's own is kept as it is: the check runs only once its line is added.
  const foreign = (path: string) => existsSync(path) && !readFileSync(path, 'utf8').includes('pgwarden');
  if (huskyDir) {
    hookKind = 'husky';
    const path = join(huskyDir, 'pre-commit');
    const placeholder = existsSync(path) ? HUSKY_PLACEHOLDER_HOOK.exec(readFileSync(path, 'utf8'))?.[0].trim() : undefined;
    if (placeholder !== undefined) {
      if (!options.dryRun) writeFileSync(path, huskyHookTemplate(place, pm));
      files.push({ path: toPosix(relative(root, path)), action: 'replaced', note: `husky pre-commit hook, instead of the placeholder "${placeholder}" that npx husky init writes` });
    } else {
      if (foreign(path)) keptHook = path;
      write(path, huskyHookTemplate(place, pm), keptHook ? `husky hook; add the line "${hookLine('husky', place, pm)}" to it` : 'husky pre-commit hook');
    }
    hookNote = `husky runs it before each commit (husky installs its hooks on ${pm.name} install, through the "prepare" script).`;
  } else if (git && (choice === 'git' || choice === 'auto')) {
    hookKind = 'git';
    if (foreign(git.hook)) keptHook = git.hook;
    write(git.hook, gitHookTemplate(place, pm), keptHook ? `git hook; add the line "${hookLine('git', place, pm)}" to it` : 'git pre-commit hook (not versioned: each clone runs pgwarden init, or use husky)', 0o755);
    hookNote = `git runs it before each commit. It lives in .git/hooks, which git does not version: teams share hooks with husky (${huskySetupCommand(pm)}, then pgwarden init --hook husky).`;
  } else {
    hookNote = choice === 'none' ? 'no hook installed (--hook none).' : `no git repository here: no hook installed. Run "${execCommand(pm, 'check --staged')}" before each commit, or run pgwarden init again after git init.`;
  }
  if (hookKind !== 'none') installed = keptHook === undefined;
  if (keptHook) {
    const shown = toPosix(relative(root, keptHook));
    hookNote = `NOT installed: ${shown} existed and was kept as it is, so nothing checks the migrations before a commit until you add the line "${hookLine(hookKind as 'husky' | 'git', place, pm)}" to it.`;
  }
  if (place && installed) hookNote += ` The hook runs pgwarden in ${place.folder}, from its node_modules or the nearest one above it.`;

  const ci = options.ci ?? 'github';
  if (ci === 'github') {
    // GitHub reads workflows at the top of the repository only: a package's goes there, running in the package.
    const workflow = workflowPlace(root, placed ?? gitPlace(root), pm);
    const path = githubWorkflowPath(workflow?.place);
    write(
      workflow ? join(workflow.top, path) : path,
      githubWorkflowTemplate(workflow?.place, pm),
      workflow ? `CI: pgwarden check in ${workflow.place.folder} on every pull request, SARIF to code scanning` : 'CI: pgwarden check on every pull request, SARIF to code scanning',
    );
  }
  if (ci === 'gitlab') write('.gitlab-ci.yml', gitlabTemplate(pm), existsSync(join(root, '.gitlab-ci.yml')) ? 'GitLab CI exists: add the pgwarden job of docs/ci/gitlab-ci.yml to it' : 'CI: pgwarden check in GitLab CI');

  const next = [
    ...(keptHook ? [`add "${hookLine(hookKind as 'husky' | 'git', place, pm)}" to ${toPosix(relative(root, keptHook))}   the pre-commit check is not installed until then`] : []),
    existingMigrations ? `Existing migrations in ${migrations}/: pgwarden adopt ${migrations} (adds headers, a revision chain and proposed downs)` : 'pgwarden new "Create the first table"   write the first migration',
    'pgwarden up                                apply it to the embedded development database',
    'pgwarden docs                              document the schema in schema/',
    'pgwarden check                             what CI runs: lint, verify, docs --check, roles plan',
  ];
  return { root, files, packageManager: { name: pm.name, source: pm.source, pnp: pm.pnp }, hook: { kind: hookKind, command: hookKind === 'none' ? execCommand(pm, 'check --staged') : hookLine(hookKind, place, pm), note: hookNote, installed }, next };
}
