import type { DiffObjectType } from '../catalog/diff.js';

/**
 * What a drift finding is about: the three classes of schema difference, and `ledger` for where
 * the database's migration ledger and the repository's migrations disagree.
 */
export type DriftClass = 'structure' | 'security' | 'documentation' | 'ledger';

export const DRIFT_CLASSES: readonly DriftClass[] = ['structure', 'security', 'documentation', 'ledger'];

/** How a ledger disagrees with the repository, for one revision. */
export type LedgerDisagreement = 'pending' | 'out of order' | 'unknown' | 'modified' | 'partial';

/** One difference between the database and what is expected of it. A value, never an exception. */
export interface DriftFinding {
  class: DriftClass;
  /** added: in the database only; removed: expected but missing; changed: a property differs. */
  kind: 'added' | 'removed' | 'changed' | LedgerDisagreement;
  objectType: DiffObjectType | 'migration';
  /** Qualified name (`public.jobs`, `public.jobs.status`, `public.idx_jobs_target_id`), or a revision. */
  object: string;
  /** For `changed`: the property, e.g. `default`, `comment`, `references.onDelete`. */
  path?: string;
  /** For a privilege: who holds (or should hold) it. */
  grantee?: string;
  expected?: unknown;
  actual?: unknown;
  message: string;
  /** For ledger findings: the environment whose ledger it is. */
  environment?: string;
}

/** A database drift looked at. */
export interface DriftTarget {
  /** Connection shown with the password redacted. */
  display: string;
  environment: string | undefined;
  /** The options that name this database in another pgwarden command: `--env prod`, `--url <the same URL>` (never the URL). */
  options?: string;
}

/** The result of `pgwarden drift`. */
export interface DriftReport {
  target: DriftTarget;
  /** What the database was compared with: the committed snapshot, or another environment. */
  reference: { kind: 'snapshot'; file: string } | ({ kind: 'environment' } & DriftTarget);
  /** Findings left after the environments' `driftIgnore` patterns, in class order. */
  findings: DriftFinding[];
  /** Findings an ignore pattern matched. */
  ignored: DriftFinding[];
  /**
   * Differences from the snapshot in the privileges of roles that `schema/roles.yaml` declares:
   * the snapshot is built where those roles do not exist, so these are judged against roles.yaml
   * instead, and what differs from it is in {@link findings} (security). Kept for reference. An
   * owner's own privileges and a role's default privileges for itself, which roles.yaml does not
   * manage, are not among them: they stay in {@link findings}.
   */
  managedByRoles: DriftFinding[];
  /**
   * Differences left out because only the two servers' major versions explain them (MAINTAIN
   * grants, an extension's packaged default version, an expression printed another way with the
   * same meaning), as sentences with why, as `docs --check` says them. Empty when there are none.
   */
  versionOnly: string[];
  /** Findings per class (after ignores). */
  counts: Record<DriftClass, number>;
  /** True when there is no finding. */
  clean: boolean;
  /** Tables in the database, for the summary. */
  tables: number;
  /** Every database was read in a read-only transaction (as Postgres reported it). */
  readOnly: boolean;
  /** Every ledger involved was read and compared with the migrations (false: see the notes). */
  ledgerRead: boolean;
  /** Things drift could not look at, e.g. a ledger the connecting role may not read. */
  notes: string[];
}
