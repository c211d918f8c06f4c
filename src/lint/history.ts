/**
 * `pgwarden lint` on a project: reads the history (or what git has staged), answers from the cache
 * when nothing changed, and runs the engine otherwise. Kept apart from the engine so that a cached
 * run loads neither the parser nor the rules.
 */
import { basename, relative, resolve } from 'node:path';
import type { PgwardenConfig } from '../config/types.js';
import { isMigrationFileName } from '../migrations/parse.js';
import { resolveLintConfig } from './config.js';
import { loadParser } from './parser.js';
import { countBySeverity, toPosix, type LintReport } from './report.js';
import type { Finding, Rule } from './types.js';
import { clockMs, trace } from '../trace.js';
import { absoluteUnder, relativePosix } from './paths.js';
import { headState } from './git-head.js';
import type { ScriptInputs } from './engine.js';
import type { ScriptInput } from './script-inputs.js';

/** Options of a project run (the `pgwarden lint` command). */
export interface LintHistoryOptions {
  /** Files to report on (the whole history is still replayed); a folder replaces the migrations folder. */
  paths?: string[];
  /**
   * Lint what git has staged under the migrations folder, against the history as the commit will
   * hold it: git's index, not the working tree (src/lint/staged.ts).
   */
  staged?: boolean;
  /**
   * Rules whose findings are reported on every migration, not only on the named or staged ones
   * (`pgwarden check --staged` reports the structure of the whole history the commit will hold).
   */
  wholeHistoryRules?: readonly string[];
  /** Use and update the cache in `.pgwarden/cache` (default true). */
  cache?: boolean;
  /** Resolves `paths` (default: the working directory). */
  cwd?: string;
  rules?: readonly Rule[];
}

/**
 * Lints a project's migration history with its configuration: the whole history, or the named or
 * staged files against it. Results are cached by content hash, so an unchanged history costs a read.
 */
export async function lintHistory(config: PgwardenConfig, options: LintHistoryOptions = {}): Promise<LintReport> {
  const started = clockMs();
  const fs = await import('node:fs');
  const cwd = options.cwd ?? process.cwd();
  const root = config.root;
  let dir = config.migrationsDir;
  const named: string[] = [];
  for (const path of options.paths ?? []) {
    const absolute = resolve(cwd, path);
    if (!fs.existsSync(absolute)) {
      const { PgwardenError } = await import('../errors.js');
      throw new PgwardenError('USAGE', `${path} does not exist: name migration files or a migrations folder.`);
    }
    if (fs.statSync(absolute).isDirectory()) dir = absolute;
    else named.push(absolute);
  }
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    const { PgwardenError } = await import('../errors.js');
    throw new PgwardenError('CONFIG_INVALID', `Migrations folder ${relative(cwd, dir) || dir} does not exist: create it, or point --migrations (or "migrations" in the config) at your folder.`);
  }
  const wholeHistory = new Set(options.wholeHistoryRules ?? []);
  let staged: import('./staged.js').StagedHistory | undefined;
  if (options.staged) {
    const { stagedHistory } = await import('./staged.js');
    staged = await stagedHistory(dir, isMigrationFileName);
    trace('lint: git asked what is staged');
    // A deleted migration cannot carry a finding: the chain it breaks is judged on every file.
    if (staged.deleted.size > 0) wholeHistory.add('revision-chain');
    // A commit without migrations: nothing to read, unless the whole history is judged and the
    // commit deletes one.
    if (staged.changed.size === 0 && (wholeHistory.size === 0 || staged.deleted.size === 0)) {
      return { findings: [], counts: { error: 0, warning: 0 }, files: [], migrations: staged.files.size, durationMs: clockMs() - started, cached: false };
    }
  }
  // The files reported on (staged or named) are parsed in a worker thread, which starts now so that
  // the parser compiles on another core while this one reads the history and loads the rules.
  const worker = (staged && staged.changed.size > 0) || named.length > 0 ? await (await import('./preparse.js')).startParseWorker() : undefined;
  trace('lint: start');
  const useCache = options.cache !== false && options.rules === undefined;
  const cache = useCache ? await import('./cache.js') : undefined;
  let texts = new Map<string, string>();
  let only: Set<string> | undefined;
  if (staged) {
    // The history as the commit will hold it (src/lint/staged.ts), reported on its staged files.
    texts = staged.files;
    only = new Set([...staged.changed].map((path) => toPosix(relative(root, path))));
  } else {
    for (const name of fs.readdirSync(dir)) if (isMigrationFileName(name)) texts.set(absoluteUnder(dir, name), fs.readFileSync(absoluteUnder(dir, name), 'utf8'));
    for (const path of named) if (!texts.has(path)) texts.set(path, fs.readFileSync(path, 'utf8'));
    if (named.length > 0) only = new Set(named.map((p) => toPosix(relative(root, p))));
  }
  trace(`lint: ${texts.size} files read`);
  const lintConfig = resolveLintConfig(config);
  const sources = [...texts].map(([path, text]) => ({ path: relativePosix(root, path), text }));
  const reported = (f: Finding) => !only || only.has(f.file) || wholeHistory.has(f.rule);
  const scope = (findings: Finding[], files: string[]) => (only ? { findings: findings.filter(reported), files: [...only] } : { findings, files });

  // The worker (there is one only for staged or named files) parses the files reported on, by the
  // same absolute paths the engine gives them.
  let preparsed: { files: Set<string>; sections: ReturnType<NonNullable<typeof worker>['parse']> } | undefined;
  if (worker && only) {
    const files = sources.filter((s) => only!.has(s.path)).map((s) => ({ path: absoluteUnder(root, s.path), text: s.text }));
    preparsed = { files: new Set(files.map((f) => f.path)), sections: worker.parse(files) };
  }
  if (only && only.size === 0 && wholeHistory.size === 0) {
    return { findings: [], counts: { error: 0, warning: 0 }, files: [], migrations: sources.length, durationMs: clockMs() - started, cached: false };
  }
  const key = cache?.resultKey(sources, lintConfig);
  const scopeKey = key && only ? cache!.scopedKey(key, only, wholeHistory) : undefined;
  // A result that depends on git's HEAD (a branched history, see CachedResult.git) answers only
  // while HEAD is the same commit, and never a run on some files: that run blames them instead.
  // One whose JS/TS migrations read files answers only while each holds what it held.
  const current = async (entry: import('./cache.js').CachedResult | undefined) => {
    if (!entry || (entry.git !== undefined && entry.git !== headState(dir))) return undefined;
    if (entry.inputs && entry.inputs.length > 0 && !(await import('./script-inputs.js')).inputsUnchanged(root, entry.inputs)) return undefined;
    return entry;
  };
  const whole = cache && key ? cache.readResult(root, key) : undefined;
  let hit: import('./cache.js').CachedResult | undefined;
  if (!only) hit = await current(whole);
  else if (whole && whole.git === undefined) hit = await current(whole);
  if (!hit && only && scopeKey) hit = await current(cache!.readResult(root, scopeKey));
  trace(hit ? 'lint: cache hit' : 'lint: cache miss');
  // With no file reported on (a staged deletion), no script is run: what scripts read need not be as staged.
  const checkStaged = staged !== undefined && only!.size > 0;
  if (hit) {
    worker?.cancel();
    if (checkStaged && hit.inputs && hit.inputs.length > 0) await refuseUnstagedInputs(hit.inputs, root, dir);
    const scoped = scope(hit.findings, hit.files);
    return { ...scoped, counts: countBySeverity(scoped.findings), migrations: hit.migrations, durationMs: clockMs() - started, cached: true };
  }
  // Nothing cached answers: without a worker, start compiling the parser (WebAssembly) now, and
  // load the engine and the rules.
  const parseCache = cache?.FileParseCache.load(root);
  if (!preparsed) void loadParser();
  const { lintSources, defaultRules } = await import('./engine.js');
  const rules = options.rules ?? (await defaultRules());
  trace('lint: engine and rules loaded');
  const snapshots = cache?.ModelSnapshots.load(root, cache.hasScripts(sources));
  // Asked only when the history branched: HEAD is read before git lists what it has, so that a
  // commit in between makes the stored result stale rather than wrong.
  let askedGit: { state: string | undefined } | undefined;
  const newFiles = () => {
    askedGit = { state: headState(dir) };
    return uncommitted(dir, root, sources);
  };
  const scriptInputs: ScriptInputs = { files: new Map(), complete: true };
  const report = await lintSources(sources, { root, config: lintConfig, rules, scriptInputs, ...(parseCache ? { parseCache } : {}), ...(snapshots ? { snapshots } : {}), ...(only ? { only } : {}), ...(wholeHistory.size > 0 ? { wholeHistoryRules: wholeHistory } : {}), ...(preparsed ? { preparsed } : {}), ...(only ? {} : { newFiles }) });
  trace('lint: linted');
  const inputs = [...scriptInputs.files.values()];
  if (inputs.length > 0) trace(`lint: the JS/TS migrations read ${inputs.length} files`);
  if (checkStaged && inputs.length > 0) await refuseUnstagedInputs(inputs, root, dir);
  if (cache) {
    // A run on some files parses only what it needs: saving would prune the others' entries.
    if (!only) parseCache!.save();
    snapshots?.save();
    // A HEAD that could not be read from git's files cannot be checked later, nor can a run whose
    // script evaluation stopped before the end say what it read: such a result is not kept.
    if (key && (!askedGit || askedGit.state !== undefined) && scriptInputs.complete) {
      cache.writeResult(root, scopeKey ?? key, { findings: report.findings, files: report.files, migrations: report.migrations, ...(askedGit ? { git: askedGit.state } : {}), ...(inputs.length > 0 ? { inputs } : {}) });
    }
  }
  trace('lint: cache written');
  const scoped = scope(report.findings, report.files);
  return { ...scoped, counts: countBySeverity(scoped.findings), migrations: report.migrations, durationMs: clockMs() - started, cached: false };
}

/**
 * For `--staged`: lint evaluates the staged JS/TS migrations with the files they read from the
 * working tree (their modules, the SQL files they read), so one of those that differs from git's
 * index (untracked, or with changes not staged) would make lint check what the commit does not
 * hold: refused (USAGE, exit 2), naming each and what to do. A package.json whose changes leave how
 * modules load as staged (`type`, `imports`, `exports`, `main`) is not refused: the module loaders
 * read every one over the scripts, and other edits to it are common.
 */
async function refuseUnstagedInputs(inputs: readonly ScriptInput[], root: string, dir: string): Promise<void> {
  // Folders and listings are judged by the files read in them.
  const files = inputs.filter(([, state]) => state !== 'folder' && !state.startsWith('list:'));
  if (files.length === 0) return;
  const { notAsStaged, loadingUnchanged } = await import('./staged.js');
  const byPath = new Map(files.map((input) => [absoluteUnder(root, input[0]), input]));
  const differing = await notAsStaged(dir, [...byPath.keys()]);
  const packages = [...differing].filter(([path, state]) => state === 'unstaged' && basename(path) === 'package.json').map(([path]) => path);
  if (packages.length > 0) for (const path of await loadingUnchanged(dir, packages)) differing.delete(path);
  if (differing.size === 0) return;
  const { PgwardenError } = await import('../errors.js');
  const shown = (path: string) => relativePosix(root, path);
  const one = differing.size === 1;
  const aside = [...differing.values()].includes('unstaged') ? ', or set the changes you have not staged aside while you commit (git stash push --keep-index),' : '';
  throw new PgwardenError(
    'USAGE',
    `lint --staged evaluates JS/TS migrations with the files they read from the working tree (the modules they load, the files they read), and ${one ? 'this one differs' : 'these differ'} from what the commit holds, so lint would check code that is not committed. Stage ${one ? 'it' : 'them'} (git add ${[...differing.keys()].map(shown).join(' ')})${aside} and run again.`,
    {
      problems: [...differing].map(([path, state]) => ({
        file: path,
        message: `${state === 'untracked' ? 'is not tracked by git: the commit does not hold it' : 'has changes that are not staged'} (read by ${byPath.get(path)![2]})`,
      })),
    },
  );
}

/** The files of a whole-history run that git's HEAD does not have (undefined outside git). */
async function uncommitted(dir: string, root: string, sources: ReadonlyArray<{ path: string }>): Promise<Set<string> | undefined> {
  const { committedNames } = await import('./staged.js');
  const committed = await committedNames(dir);
  if (!committed) return undefined;
  const inDir = relativePosix(root, dir);
  const prefix = inDir === '' ? '' : `${inDir}/`;
  return new Set(sources.filter((s) => s.path.startsWith(prefix) && !committed.has(s.path.slice(prefix.length))).map((s) => s.path));
}
