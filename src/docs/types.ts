import type { CatalogSnapshot } from '../catalog/types.js';
import type { MigrationFile } from '../migrations/types.js';

/** The files `pgwarden docs` writes into the schema folder, in the order it writes them. */
export const DOCS_FILES = ['snapshot.json', 'README.md', 'schema.sql'] as const;
export type DocsFileName = (typeof DOCS_FILES)[number];

/** One generated file: its name in the schema folder, its absolute path and its full text. */
export interface GeneratedFile {
  name: DocsFileName;
  path: string;
  content: string;
}

/** A migration that touched a table or view (created, altered, indexed, commented on, wrote to it). */
export interface TouchingMigration {
  revision: string;
  description: string;
  /** The migration file's absolute path. */
  path: string;
}

/** The schema rules `docs` checks on the generated snapshot; rule id = config key in kebab case. */
export type SchemaRuleId = 'require-comment' | 'require-primary-key' | 'require-fk-index';

/** One schema rule finding: a value, never an exception. */
export interface SchemaFinding {
  rule: SchemaRuleId;
  severity: 'error' | 'warning';
  objectType: 'table' | 'column' | 'foreign key';
  /** `public.jobs`, `public.jobs.name`, or for a foreign key `public.jobs.fk_jobs_target_id`. */
  object: string;
  message: string;
  /** What to write to fix it. */
  help: string;
}

/** How much of the schema carries a comment. */
export interface Coverage {
  tables: { documented: number; total: number };
  columns: { documented: number; total: number };
  /** Tables and columns without a comment, qualified (`public.jobs`, `public.jobs.name`). */
  undocumented: string[];
}

/** Everything `pgwarden docs` produces, before anything is written. */
export interface DocsResult {
  /** The canonical snapshot written to `snapshot.json` (see canonicalSnapshot). */
  snapshot: CatalogSnapshot;
  files: GeneratedFile[];
  coverage: Coverage;
  findings: SchemaFinding[];
  /** How many migrations built the schema, and the newest revision. */
  migrations: number;
  head: string | undefined;
  /** What the files were rendered from, so that they can be rendered again from another snapshot. */
  input: {
    /** `CREATE FUNCTION` statements by function key. */
    functionDefinitions: Record<string, string>;
    /** The migrations in history order. */
    history: readonly MigrationFile[];
  };
}
