/** A section (up or down) of a migration file, with where it starts in the file. */
export interface MigrationSection {
  /** The SQL text of the section, without its marker line. */
  sql: string;
  /** Offset of `sql` in the file text (0-based), to map statement positions back to the file. */
  offset: number;
  /** 1-based line of the first character of `sql`. */
  line: number;
  /** 1-based line of the marker comment (`-- Up Migration`). */
  markerLine: number;
}

/** A `--! Key: value` line of a migration header. */
export interface HeaderField {
  key: string;
  value: string;
  line: number;
}

/** A problem found while reading a migration file; lint reports it, the runner refuses to run. */
export interface MigrationFileProblem {
  rule: 'revision-header' | 'syntax-error';
  message: string;
  line: number;
  column: number;
}

export type MigrationKind = 'sql' | 'js';

/** One migration file, parsed: metadata from the header, sections with their positions. */
export interface MigrationFile {
  /** Absolute path. */
  path: string;
  /** File name, e.g. `20261122101500_create_target_groups.sql`. */
  fileName: string;
  /** Name without extension, e.g. `20261122101500_create_target_groups`. */
  name: string;
  kind: MigrationKind;
  /** The revision (a UTC timestamp `YYYYMMDDHHMMSS` for new files). */
  revision: string;
  /** The parent revision, or undefined for the first migration. */
  revises: string | undefined;
  /** True when the parent was not written in the file but implied by file order (node-pg-migrate files). */
  implicitParent: boolean;
  description: string;
  /** Free text after the header: why the change, notes for reviewers. */
  notes: string;
  /** `none` for `--! Transaction: none`: runs outside a transaction, statement by statement. */
  transaction: 'default' | 'none';
  /** The reason given by `--! Irreversible:`, when the migration has no down on purpose. */
  irreversible: string | undefined;
  lockTimeout: string | undefined;
  statementTimeout: string | undefined;
  header: HeaderField[];
  /** SQL migrations only: the sections. JS/TS migrations produce their SQL when loaded. */
  up: MigrationSection | undefined;
  down: MigrationSection | undefined;
  /** sha256 of the file text (line endings normalised). */
  checksum: string;
  text: string;
  problems: MigrationFileProblem[];
}
