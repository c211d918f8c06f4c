import { relative } from 'node:path';
import type { MigrationFile } from '../migrations/types.js';
import type { LedgerRow } from './ledger.js';

/** `partial`: a `Transaction: none` migration that stopped halfway; it blocks `up` until resolved. */
export type MigrationState = 'applied' | 'pending' | 'modified' | 'missing' | 'partial';

export interface MigrationStatus {
  revision: string;
  name: string;
  description: string;
  /** The file, relative to the project root; undefined for a missing file. */
  file: string | undefined;
  state: MigrationState;
  /** Pending, but a later migration is already applied. */
  outOfOrder: boolean;
  appliedAt: string | undefined;
  appliedBy: string | undefined;
  durationMs: number | undefined;
  /** Checksums of the file now and as applied, when they differ. */
  checksum: { file: string; applied: string } | undefined;
  /** For partial migrations: how many statements ran, and the error that stopped it. */
  partial: { statementsDone: number; statementsTotal: number | null; error: string | null } | undefined;
}

export interface StatusSummary {
  applied: number;
  pending: number;
  modified: number;
  missing: number;
  partial: number;
  outOfOrder: number;
}

/** The state of every migration against one database's ledger. */
export interface StatusReport {
  database: string;
  migrations: MigrationStatus[];
  summary: StatusSummary;
  /** The newest revision of the files. */
  head: string | undefined;
  /** The newest applied revision, in history order. */
  current: string | undefined;
  /** True when nothing is pending, modified, missing, partial or out of order. */
  clean: boolean;
}

export function computeStatus(ordered: readonly MigrationFile[], ledger: readonly LedgerRow[], root: string, database: string): StatusReport {
  const byRevision = new Map(ledger.map((row) => [row.revision, row]));
  const fileRevisions = new Set(ordered.map((f) => f.revision));
  let lastAppliedIndex = -1;
  ordered.forEach((f, i) => {
    if (byRevision.has(f.revision)) lastAppliedIndex = i;
  });
  const migrations: MigrationStatus[] = ordered.map((file, index) => {
    const row = byRevision.get(file.revision);
    let state: MigrationState = 'pending';
    if (row) state = row.state === 'partial' ? 'partial' : row.checksum !== file.checksum ? 'modified' : 'applied';
    return {
      revision: file.revision,
      name: file.name,
      description: file.description,
      file: relative(root, file.path),
      state,
      outOfOrder: !row && index < lastAppliedIndex,
      appliedAt: row?.appliedAt.toISOString(),
      appliedBy: row?.appliedBy,
      durationMs: row?.durationMs ?? undefined,
      checksum: row && row.checksum !== file.checksum ? { file: file.checksum, applied: row.checksum } : undefined,
      partial: row?.state === 'partial' ? { statementsDone: row.statementsDone ?? 0, statementsTotal: row.statementsTotal, error: row.error } : undefined,
    };
  });
  for (const row of ledger) {
    if (fileRevisions.has(row.revision)) continue;
    migrations.push({
      revision: row.revision,
      name: row.name,
      description: '',
      file: undefined,
      state: 'missing',
      outOfOrder: false,
      appliedAt: row.appliedAt.toISOString(),
      appliedBy: row.appliedBy,
      durationMs: row.durationMs ?? undefined,
      checksum: undefined,
      partial: undefined,
    });
  }
  const summary: StatusSummary = { applied: 0, pending: 0, modified: 0, missing: 0, partial: 0, outOfOrder: 0 };
  for (const m of migrations) {
    summary[m.state]++;
    if (m.outOfOrder) summary.outOfOrder++;
  }
  const current = lastAppliedIndex >= 0 ? ordered[lastAppliedIndex]!.revision : undefined;
  const clean = summary.pending + summary.modified + summary.missing + summary.partial + summary.outOfOrder === 0;
  return { database, migrations, summary, head: ordered[ordered.length - 1]?.revision, current, clean };
}
