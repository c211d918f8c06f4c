import type { DiffEntry } from '../catalog/diff.js';

/** A Postgres table-level lock mode, as pg_locks names it. */
export type LockMode =
  | 'AccessShareLock'
  | 'RowShareLock'
  | 'RowExclusiveLock'
  | 'ShareUpdateExclusiveLock'
  | 'ShareLock'
  | 'ShareRowExclusiveLock'
  | 'ExclusiveLock'
  | 'AccessExclusiveLock';

/** What other sessions cannot do on a relation while a lock is held. */
export type LockBlocks = 'reads and writes' | 'writes' | 'nothing';

/** One lock a statement took on a relation that existed before the migration. */
export interface LockTrace {
  /** Qualified relation name. */
  relation: string;
  mode: LockMode;
  blocks: LockBlocks;
  /** The statement scanned the relation (validation, index build, rewrite) while it held its locks. */
  scanned: boolean;
}

/** What one statement of a migration did to relations that existed before the migration. */
export interface StatementTrace {
  direction: 'up' | 'down';
  /** 1-based, within the direction. */
  index: number;
  /** 1-based line in the migration file, when known (SQL migrations). */
  line: number | undefined;
  /** The statement (first 200 characters, whitespace collapsed). */
  sql: string;
  durationMs: number;
  /** Locks acquired by this statement (not already held by earlier ones in the same transaction). */
  locks: LockTrace[];
  /** Relations that existed before the migration which this statement scanned, whoever took the locks it scanned them under. */
  scans: string[];
  /** Pre-existing tables whose storage this statement rewrote (relfilenode changed). */
  rewrites: string[];
  /** False for a statement that cannot run in a transaction (CREATE INDEX CONCURRENTLY, ...): its locks are not visible afterwards. */
  traced: boolean;
}

/** Stable ids of verify findings: the SARIF ruleId and the docs anchor. */
export type VerifyRuleId =
  | 'down-restores-schema'
  | 'down-fails'
  | 'up-fails'
  | 'up-reapplies'
  | 'blocking-lock'
  | 'table-rewrite'
  | 'brief-exclusive-lock';

export type FindingLevel = 'error' | 'warning';

/** Something verify found wrong with a migration. */
export interface VerifyFinding {
  ruleId: VerifyRuleId;
  /** Any finding makes `pgwarden verify` exit 1; warnings pass with `--warnings-ok` (and in `pgwarden check`). */
  level: FindingLevel;
  revision: string;
  /** The migration file, relative to the project root. */
  file: string;
  /** 1-based line in the file: the statement's, or the section's. */
  line: number;
  message: string;
  /** Each difference down left, for `down-restores-schema` and `up-reapplies`. */
  details: string[];
  /** The pgwarden lint rule that warns about this statement before it runs, when there is one. */
  lintRule?: string;
}

export type MigrationOutcome = 'verified' | 'failed' | 'irreversible' | 'not verified';

/** What verify did and saw for one migration. */
export interface MigrationVerification {
  revision: string;
  name: string;
  file: string;
  outcome: MigrationOutcome;
  /** For irreversible migrations: the reason given in `Irreversible:` (or that there is no down section). */
  irreversibleReason?: string;
  /** Differences between the schema before up and after down (empty when down restored it). */
  downDiff: DiffEntry[];
  /** Differences between the schema after the first up and after up again. */
  reupDiff: DiffEntry[];
  statements: StatementTrace[];
  durationMs: number;
}

/** The result of `pgwarden verify`: a value, never an exception, for what the migrations get wrong. */
export interface VerifyReport {
  /** The throwaway database used (redacted). */
  database: string;
  migrations: MigrationVerification[];
  findings: VerifyFinding[];
  /** No error-level finding. */
  clean: boolean;
  durationMs: number;
}
