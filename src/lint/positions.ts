import type { FindingTarget, LintMigration } from './types.js';

/** The line of a header key (`Description`, `Revises`, ...), or line 1 when the file has none. */
export function headerTarget(migration: LintMigration, key: string): FindingTarget {
  const field = migration.file.header.find((h) => h.key === key);
  return { migration, line: field?.line ?? 1, column: 1 };
}

/** The marker line of a section (`-- Up Migration`), else the end of the header. */
export function sectionTarget(migration: LintMigration, section: 'up' | 'down'): FindingTarget {
  const found = migration.file[section] ?? migration.file.up;
  if (found) return { migration, line: found.markerLine, column: 1 };
  const last = migration.file.header[migration.file.header.length - 1];
  return { migration, line: last?.line ?? 1, column: 1 };
}

/** The statement a migration's finding is best attached to: the first of `section`, else the section marker. */
export function firstStatementOr(migration: LintMigration, section: 'up' | 'down'): FindingTarget {
  return migration[section][0] ?? sectionTarget(migration, section);
}
