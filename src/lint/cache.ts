/**
 * Lint caches under `.pgwarden/cache/`: the whole result by a hash of every input (files, settings,
 * pgwarden's own code and parser, and the files reported on), checked against git's HEAD when the
 * findings depend on it and against the files JS/TS migrations read when lint evaluated them (a
 * depfile: script-inputs.ts), and each section's parse by the file's checksum, so a run after a
 * one-file change parses one file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';
import { migrationKindOf } from '../migrations/parse.js';
import type { LintConfigResolved } from './config.js';
import type { LintSource, ParseCache, ParsedSection, SnapshotStore } from './engine.js';
import type { ScriptInput } from './script-inputs.js';
import type { Finding } from './types.js';

// 2: results record the git HEAD they depend on. 3 (two branches, both): results and models record
// the files JS/TS migrations read, instead of a digest of the modules they import in their keys;
// findings of JS/TS migrations sit at the call that produced them, no longer on line 1. 4: both of
// those, so that a cache either one wrote alone is not read.
const FORMAT = 4;

export function cacheDir(root: string): string {
  return join(root, '.pgwarden', 'cache');
}

let fingerprint: string | undefined;
/**
 * What lint's verdicts depend on besides the user's files and settings: pgwarden's version, the code
 * that parses and judges (name, size and mtime of each file: the lint folder, or the bundle's, and
 * the modules it imports from beside it) and the versions of the packages that turn a migration into
 * statements (the Postgres parser; node-pg-migrate for JS/TS migrations). A rebuilt linter or an
 * updated parser invalidates the cache.
 */
export function codeInputs(): string[] {
  const inputs = [`format ${FORMAT}`, `pgwarden ${VERSION}`];
  const walk = (path: string) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    if (stat.isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name));
    else if (/\.(c?js|ts)$/.test(path) && !path.endsWith('.d.ts')) inputs.push(`${path}:${stat.size}:${stat.mtimeMs}`);
  };
  const lintDir = dirname(fileURLToPath(import.meta.url));
  walk(lintDir);
  // tsc's output (and the sources under test) import these from beside the lint folder; the bundle holds them.
  for (const path of ['migrations', 'sql', join('runner', 'steps.js'), join('runner', 'steps.ts')]) walk(join(lintDir, '..', path));
  for (const name of ['libpg-query', 'node-pg-migrate']) inputs.push(`${name} ${packageVersion(lintDir, name) ?? 'missing'}`);
  return inputs;
}

/** The version of a package as Node would resolve it from `dir` (the nearest node_modules up). */
function packageVersion(dir: string, name: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    try {
      return (JSON.parse(readFileSync(join(at, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string }).version ?? '';
    } catch {
      if (dirname(at) === at) return undefined;
    }
  }
}

/** A hash of codeInputs(), once per process. */
export function codeFingerprint(): string {
  fingerprint ??= createHash('sha256').update(codeInputs().join('\n')).digest('hex');
  return fingerprint;
}

/**
 * The environment that tells the loaders of JS/TS migrations how to load them: jiti's `JITI_*`
 * variables (JITI_TSCONFIG_PATHS makes it follow tsconfig path aliases, JITI_ALIAS adds aliases)
 * and NODE_OPTIONS (conditions, loaders). Empty when none is set.
 */
export function loaderEnvironment(): string {
  const names = Object.keys(process.env).filter((name) => name.startsWith('JITI_') || name === 'NODE_OPTIONS');
  return names
    .sort()
    .map((name) => `${name}=${process.env[name]}`)
    .join('\0');
}

/** True when some of `sources` is a JS/TS migration, which lint evaluates. */
export function hasScripts(sources: readonly LintSource[]): boolean {
  return sources.some((source) => migrationKindOf(source.path) === 'js');
}

/**
 * The key of a whole run: every file's path and text, the settings, the code and, with JS/TS
 * migrations, the loaders' environment. What those read is not known before they run: a result
 * records it (CachedResult.inputs).
 */
export function resultKey(sources: readonly LintSource[], config: LintConfigResolved): string {
  const hash = createHash('sha256').update(codeFingerprint()).update(JSON.stringify(config));
  const environment = hasScripts(sources) ? loaderEnvironment() : '';
  if (environment !== '') hash.update('environment\0').update(environment).update('\0');
  for (const source of sources) hash.update(source.path).update('\0').update(source.text).update('\0');
  return hash.digest('hex');
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Writes through a temporary file and a rename, so a concurrent reader never sees half a file. */
function writeJson(path: string, value: unknown): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(value));
    renameSync(temp, path);
  } catch {
    // A cache that cannot be written only costs time.
  }
}

export interface CachedResult {
  findings: Finding[];
  files: string[];
  migrations: number;
  /**
   * git's HEAD (git-head.ts) when the findings depend on it: a whole-history run on a branched
   * history asks git which migrations are new, to blame one of them. The result answers only while
   * HEAD is the same.
   */
  git?: string;
  /**
   * The files the JS/TS migrations read while lint evaluated them (script-inputs.ts): the result
   * answers only while each holds what it held.
   */
  inputs?: ScriptInput[];
}

/** The key of a run that reports only some files (and some rules on every file). */
export function scopedKey(key: string, files: ReadonlySet<string>, wholeHistoryRules: ReadonlySet<string> = new Set()): string {
  const hash = createHash('sha256').update(key).update([...files].sort().join('\0'));
  if (wholeHistoryRules.size > 0) hash.update('\n').update([...wholeHistoryRules].sort().join('\0'));
  return hash.digest('hex');
}

/**
 * Entries kept per kind: one file each (`result-<key>.json`, `model-<key>.json`), so a lookup reads
 * only its own entry; the oldest beyond the limit are removed.
 */
function entryPath(root: string, kind: string, key: string): string {
  return join(cacheDir(root), `lint-${kind}-${key.slice(0, 24)}.json`);
}

function readEntry<T>(root: string, kind: string, key: string): T | undefined {
  const value = readJson(entryPath(root, kind, key)) as { format?: number; key?: string; value?: T } | undefined;
  return value?.format === FORMAT && value.key === key ? value.value : undefined;
}

function writeEntry(root: string, kind: string, key: string, value: unknown, keep: number): void {
  writeJson(entryPath(root, kind, key), { format: FORMAT, key, value });
  try {
    const dir = cacheDir(root);
    const prefix = `lint-${kind}-`;
    const entries = readdirSync(dir)
      .filter((name) => name.startsWith(prefix) && name.endsWith('.json'))
      .map((name) => ({ path: join(dir, name), at: statSync(join(dir, name)).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    for (const old of entries.slice(keep)) rmSync(old.path, { force: true });
  } catch {
    // Pruning is housekeeping.
  }
}

export function readResult(root: string, key: string): CachedResult | undefined {
  return readEntry<CachedResult>(root, 'result', key);
}

/** Keeps the last few results (the whole history and a staged scope, say). */
export function writeResult(root: string, key: string, result: CachedResult): void {
  writeEntry(root, 'result', key, result, 4);
}

/**
 * Models after prefixes of the history (the whole history, and before the last staged file). Their
 * keys chain each file's checksum onto a seed of the code and, for a history with JS/TS migrations,
 * the loaders' environment; each model records, beside it, the files the JS/TS migrations of its
 * prefix read (the engine checks them: see lintSources).
 */
export class ModelSnapshots implements SnapshotStore {
  readonly seed: string;
  private readonly added: Array<{ key: string; snapshot: unknown }> = [];

  private constructor(
    private readonly root: string,
    scripts: boolean,
  ) {
    const environment = scripts ? loaderEnvironment() : '';
    this.seed = environment === '' ? codeFingerprint() : createHash('sha256').update(codeFingerprint()).update('\0environment\0').update(environment).digest('hex');
  }

  /** `scripts`: the history has JS/TS migrations (see hasScripts). */
  static load(root: string, scripts = false): ModelSnapshots {
    return new ModelSnapshots(root, scripts);
  }

  get(key: string): unknown {
    return readEntry(this.root, 'model', key);
  }

  set(key: string, snapshot: unknown): void {
    this.added.push({ key, snapshot });
  }

  save(): void {
    for (const { key, snapshot } of this.added) writeEntry(this.root, 'model', key, snapshot, 2);
  }
}

/** Parsed sections by `<file checksum>:<section>`, kept to the entries the last run used. */
export class FileParseCache implements ParseCache {
  /** Read on the first lookup: a run that a model snapshot answers never needs it. */
  private stored: Record<string, ParsedSection> | undefined;
  private readonly used = new Map<string, ParsedSection>();
  private misses = 0;

  private constructor(private readonly path: string) {}

  static load(root: string): FileParseCache {
    return new FileParseCache(join(cacheDir(root), 'lint-parse.json'));
  }

  private entries(): Record<string, ParsedSection> {
    if (!this.stored) {
      const value = readJson(this.path) as { format?: number; code?: string; entries?: Record<string, ParsedSection> } | undefined;
      this.stored = value?.format === FORMAT && value.code === codeFingerprint() && value.entries ? value.entries : {};
    }
    return this.stored;
  }

  get(key: string): ParsedSection | undefined {
    const hit = this.entries()[key];
    if (hit) this.used.set(key, hit);
    return hit;
  }

  set(key: string, value: ParsedSection): void {
    this.misses++;
    this.used.set(key, value);
  }

  /** Saves the entries this run used, when anything was parsed or some stored entry went out of use. */
  save(): void {
    if (this.misses === 0 && this.used.size === Object.keys(this.entries()).length) return;
    writeJson(this.path, { format: FORMAT, code: codeFingerprint(), entries: Object.fromEntries(this.used) });
  }
}

