/**
 * What verify learned about each migration's locks, kept in `.pgwarden/cache/verify-locks.json` so
 * that `pgwarden deploy` can show the lock levels of pending migrations without running anything
 * against the target. Entries are keyed by revision and valid only for the checksum they were
 * verified with: an edited file is "not verified" again.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { MigrationFile } from '../migrations/types.js';
import type { LockBlocks, LockMode, MigrationOutcome, RelationKind, VerifyReport } from '../verify/types.js';

const FORMAT = 1;

/** The locks one migration's up section took on tables that existed before it, as verify traced them. */
export interface VerifiedLocks {
  revision: string;
  checksum: string;
  outcome: MigrationOutcome;
  /** ISO time of the verify run. */
  verifiedAt: string;
  /** The strongest lock per pre-existing relation; `kind` (absent for a table) and, for an index, its `table`. */
  locks: Array<{ relation: string; kind?: Exclude<RelationKind, 'table'>; table?: string; mode: LockMode; blocks: LockBlocks }>;
  /** Pre-existing tables the up section rewrote, and indexes it rebuilt on their own. */
  rewrites: string[];
  /** False when a statement ran outside a transaction (its locks could not be traced). */
  complete: boolean;
}

const STRENGTH: LockMode[] = ['AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'];

export function verifyCachePath(root: string): string {
  return join(root, '.pgwarden', 'cache', 'verify-locks.json');
}

/** The lock summary of each migration of a verify report (up direction). */
export function locksOf(report: VerifyReport, files: readonly MigrationFile[], at: Date = new Date()): VerifiedLocks[] {
  const byRevision = new Map(files.map((f) => [f.revision, f]));
  const out: VerifiedLocks[] = [];
  for (const m of report.migrations) {
    const file = byRevision.get(m.revision);
    if (!file || m.outcome === 'not verified') continue;
    const strongest = new Map<string, { kind?: Exclude<RelationKind, 'table'>; table?: string; mode: LockMode; blocks: LockBlocks }>();
    const rewrites = new Set<string>();
    let complete = true;
    for (const s of m.statements) {
      if (s.direction !== 'up') continue;
      if (!s.traced) complete = false;
      for (const r of s.rewrites) rewrites.add(r);
      for (const lock of s.locks) {
        const held = strongest.get(lock.relation);
        const kind = lock.kind === 'table' ? {} : { kind: lock.kind, ...(lock.table !== undefined ? { table: lock.table } : {}) };
        if (!held || STRENGTH.indexOf(lock.mode) > STRENGTH.indexOf(held.mode)) strongest.set(lock.relation, { ...kind, mode: lock.mode, blocks: lock.blocks });
      }
    }
    out.push({
      revision: m.revision,
      checksum: file.checksum,
      outcome: m.outcome,
      verifiedAt: at.toISOString(),
      locks: [...strongest].map(([relation, l]) => ({ relation, ...l })).sort((a, b) => (a.relation < b.relation ? -1 : a.relation > b.relation ? 1 : 0)),
      rewrites: [...rewrites].sort(),
      complete,
    });
  }
  return out;
}

/** Reads the cache; an empty map when there is none or it is unreadable. */
export function readVerifiedLocks(root: string): Map<string, VerifiedLocks> {
  try {
    const value = JSON.parse(readFileSync(verifyCachePath(root), 'utf8')) as { format?: number; entries?: VerifiedLocks[] };
    if (value.format !== FORMAT || !Array.isArray(value.entries)) return new Map();
    return new Map(value.entries.map((e) => [e.revision, e]));
  } catch {
    return new Map();
  }
}

/** Merges new entries into the cache (a newer verify of a revision replaces the older one). */
export function writeVerifiedLocks(root: string, entries: readonly VerifiedLocks[]): void {
  const merged = readVerifiedLocks(root);
  for (const e of entries) merged.set(e.revision, e);
  const path = verifyCachePath(root);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ format: FORMAT, entries: [...merged.values()] }, null, 1)}\n`);
    renameSync(temp, path);
  } catch {
    // A cache that cannot be written only means deploy says "not verified".
  }
}

/** The cached locks of a migration, when it was verified with its current content. */
export function verifiedLocksFor(cache: ReadonlyMap<string, VerifiedLocks>, file: MigrationFile): VerifiedLocks | undefined {
  const entry = cache.get(file.revision);
  return entry && entry.checksum === file.checksum ? entry : undefined;
}
