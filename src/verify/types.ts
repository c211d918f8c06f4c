import type { DiffEntry } from '../catalog/diff.js';
import type { RelationKind } from '../catalog/types.js';

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

export type { RelationKind } from '../catalog/types.js';

/** One lock a statement took on a relation that existed before the migration. */
export interface LockTrace {
  /** Qualified relation name (an index's schema is its table's). */
  relation: string;
  kind: RelationKind;
  /** For an index: the qualified name of its table, whose reads and writes the lock affects. */
  table?: string;
  mode: LockMode;
  /** What other sessions cannot do on the relation (for an index: on its table) while the lock is held. */
  blocks: LockBlocks;
  /** The statement scanned the relation (validation, index build, rewrite) while it held its locks; tables and materialized views only. */
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
  /** Tables and materialized views that existed before the migration which this statement scanned, whoever took the locks it scanned them under. */
  scans: string[];
  /**
   * Pre-existing tables and materialized views whose storage this statement rewrote (relfilenode
   * changed), and indexes it rebuilt without rewriting their table (REINDEX). A sequence reset is
   * not counted.
   */
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
  /**
   * Roles new on the server since verify began that it left there: on a server it did not start
   * (`--url`), a new role the history's SQL does not name may be another session's, so verify does
   * not drop it (a name the history computes, `format('CREATE ROLE %I', ...)`, is one). Drop them
   * if the history made them. Absent when there are none (always, on a server verify started).
   */
  rolesLeft?: string[];
}
