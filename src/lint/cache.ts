/**
 * Lint caches under `.pgwarden/cache/`: the whole result by a hash of every input (files, settings,
 * pgwarden's own code), and each section's parse by the file's checksum, so a run after a one-file
 * change parses one file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';
import type { LintConfigResolved } from './config.js';
import type { LintSource, ParseCache, ParsedSection, SnapshotStore } from './engine.js';
import type { Finding } from './types.js';

const FORMAT = 1;

export function cacheDir(root: string): string {
  return join(root, '.pgwarden', 'cache');
}

let fingerprint: string | undefined;
/** pgwarden's version and the lint code's files (name, size, mtime): a rebuilt linter invalidates the cache. */
export function codeFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const hash = createHash('sha256').update(`${FORMAT}:${VERSION}`);
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (/\.(js|ts)$/.test(name)) hash.update(`${path}:${stat.size}:${stat.mtimeMs}\n`);
    }
  };
  const lintDir = dirname(fileURLToPath(import.meta.url));
  walk(lintDir);
  walk(join(lintDir, '..', 'migrations'));
  fingerprint = hash.digest('hex');
  return fingerprint;
}

/** The key of a whole run: every file's path and text, the settings, the code. */
export function resultKey(sources: readonly LintSource[], config: LintConfigResolved): string {
  const hash = createHash('sha256').update(codeFingerprint()).update(JSON.stringify(config));
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
}

/** The key of a run that reports only some files. */
export function scopedKey(key: string, files: ReadonlySet<string>): string {
  return createHash('sha256').update(key).update([...files].sort().join('\0')).digest('hex');
}

const KEPT_RESULTS = 4;

function readResults(root: string): Array<{ key: string; result: CachedResult }> {
  const value = readJson(join(cacheDir(root), 'lint.json')) as { format?: number; entries?: Array<{ key: string; result: CachedResult }> } | undefined;
  return value?.format === FORMAT && Array.isArray(value.entries) ? value.entries : [];
}

export function readResult(root: string, key: string): CachedResult | undefined {
  return readResults(root).find((e) => e.key === key)?.result;
}

/** Keeps the last few results (the whole history and a staged scope, say). */
export function writeResult(root: string, key: string, result: CachedResult): void {
  const entries = [{ key, result }, ...readResults(root).filter((e) => e.key !== key)].slice(0, KEPT_RESULTS);
  writeJson(join(cacheDir(root), 'lint.json'), { format: FORMAT, entries });
}

/** Models after prefixes of the history (the whole history, and before the last staged file). */
export class ModelSnapshots implements SnapshotStore {
  readonly seed = codeFingerprint();
  private entries: Array<{ key: string; snapshot: unknown }> | undefined;
  private readonly added: Array<{ key: string; snapshot: unknown }> = [];

  private constructor(private readonly path: string) {}

  static load(root: string): ModelSnapshots {
    return new ModelSnapshots(join(cacheDir(root), 'lint-model.json'));
  }

  private all(): Array<{ key: string; snapshot: unknown }> {
    if (!this.entries) {
      const value = readJson(this.path) as { format?: number; entries?: Array<{ key: string; snapshot: unknown }> } | undefined;
      this.entries = value?.format === FORMAT && Array.isArray(value.entries) ? value.entries : [];
    }
    return this.entries;
  }

  get(key: string): unknown {
    return this.all().find((e) => e.key === key)?.snapshot;
  }

  set(key: string, snapshot: unknown): void {
    this.added.push({ key, snapshot });
  }

  save(): void {
    if (this.added.length === 0) return;
    const keys = new Set(this.added.map((e) => e.key));
    const entries = [...this.added, ...this.all().filter((e) => !keys.has(e.key))].slice(0, 2);
    writeJson(this.path, { format: FORMAT, entries });
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
      this.stored = value?.format === FORMAT && value.code === VERSION && value.entries ? value.entries : {};
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
    writeJson(this.path, { format: FORMAT, code: VERSION, entries: Object.fromEntries(this.used) });
  }
}
