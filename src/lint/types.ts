/**
 * The lint contract: what a rule sees and what it reports. The engine (src/lint/engine.ts) parses
 * every migration with the real Postgres parser, replays the history into a SchemaModel and calls
 * each registered rule (src/lint/registry.ts) with statements and migrations in history order.
 */
import type { RevisionGraph } from '../migrations/graph.js';
import type { MigrationFile } from '../migrations/types.js';
import type { ParsedStatement } from '../sql/parse.js';

export type Severity = 'error' | 'warning';

/** A mechanical fix: what to write instead. */
export interface Fix {
  description: string;
  /** Replacement text for the statement (or the header line), when one can be produced mechanically. */
  replacement?: string;
  /** Exactly what applying the fix changes in the file (SARIF's `fixes`); absent when it cannot be said. */
  edit?: TextEdit;
}

/**
 * A change to a file: the region replaced (1-based lines and columns, the end exclusive) and the
 * text put there. An empty region (start = end) is an insertion.
 */
export interface TextEdit {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  text: string;
}

/**
 * What a fix's `replacement` replaces: the statement reported on (its text, up to its semicolon), or
 * the header line with this key (inserted after the header's last line when the file has none).
 */
export type FixTarget = 'statement' | { header: string };

/** A fix as a rule reports it: the engine turns `replaces` into the fix's `edit`. */
export interface FixInput extends Omit<Fix, 'edit'> {
  replaces?: FixTarget;
}

/** One finding: where, what, why it matters (help) and how to fix. */
export interface Finding {
  rule: string;
  severity: Severity;
  /** File path relative to the project root, with forward slashes. */
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  message: string;
  help?: string;
  fix?: Fix;
}

export type RuleKind = 'governance' | 'safety' | 'style';

/** What the registry and docs know about a rule. Rule id = file name = docs page = config key. */
export interface RuleMeta {
  id: string;
  /** One sentence: what the rule flags. */
  description: string;
  /** `off`: a style rule that runs only when the configuration gives it a severity (lint.rules). */
  defaultSeverity: Severity | 'off';
  kind: RuleKind;
}

/** A statement of a migration section, positioned in its file. */
export interface LintStatement extends ParsedStatement {
  migration: LintMigration;
  section: 'up' | 'down';
  /** 0-based index within its section. */
  index: number;
  /** Offset of the statement's first character in the file text (JS/TS migrations: of the call that produced it). */
  fileOffset: number;
  /** 1-based position in the file (JS/TS migrations: the span of the call that produced it). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A migration as lint sees it: the file, its parsed sections and what its up section creates. */
export interface LintMigration {
  file: MigrationFile;
  /** Path relative to the project root. */
  relPath: string;
  /** Position in history order (0-based). */
  order: number;
  up: LintStatement[];
  down: LintStatement[];
  /**
   * Syntax errors of the sections (the engine reports them as `syntax-error`). For a node-pg-migrate
   * migration, also a script that cannot be loaded or fails while building its SQL; `pgmDb` when it
   * failed because it calls pgm.db (the method), which pgwarden refuses.
   */
  syntaxErrors: Array<{ section: 'up' | 'down'; message: string; line: number; column: number; pgmDb?: 'query' | 'select' }>;
  /** Qualified names (`schema.table`) of tables this migration's up section creates. */
  createdTables: ReadonlySet<string>;
}

export interface LintOptions {
  /** Target Postgres major version (config lint.postgresVersion). */
  postgresVersion: number;
  /** The runner sets lock_timeout itself (config runner.lockTimeout is not '0'). */
  runnerSetsLockTimeout: boolean;
  runnerSetsStatementTimeout: boolean;
  /** The runner wraps each migration in a transaction unless `Transaction: none`. */
  transactionMode: 'per-migration' | 'single';
}

/** Where to attach a finding: a statement, or a line of a migration file. */
export type FindingTarget = LintStatement | { migration: LintMigration; line: number; column?: number };

export interface ReportInput {
  at: FindingTarget;
  /**
   * When `at` is a statement: character offset within the statement's `text` to point at (the
   * column type, the constraint), instead of the statement's first character. The finding still
   * belongs to that statement (inline ignores of the statement apply).
   */
  offset?: number;
  message: string;
  help?: string;
  fix?: FixInput | undefined;
}

export interface RuleContext {
  readonly options: LintOptions;
  readonly graph: RevisionGraph;
  /** Every migration in history order. */
  readonly migrations: readonly LintMigration[];
  /** The lint view of a migration file (for graph problems, which name files). */
  migrationOf(file: MigrationFile): LintMigration | undefined;
  /** Reports a finding of the rule being run; severity, file and position are filled in by the engine. */
  report(input: ReportInput): void;
}

// ---------------------------------------------------------------------------------------------
// The schema model rules query. Names are qualified `schema.name`; unqualified names resolve to
// `public`. All lookups are case-sensitive on the normalised (lower-cased unless quoted) name the
// parser returns.

export interface ColumnModel {
  name: string;
  /** Normalised type name as the parser gives it, e.g. `int4`, `varchar`, `timestamptz`, `text`. */
  type: string;
  /** Type modifiers, e.g. `[255]` for varchar(255). */
  typmods: number[];
  isArray: boolean;
  notNull: boolean;
  hasDefault: boolean;
  identity: 'always' | 'by default' | undefined;
  generated: boolean;
  /** `COMMENT ON COLUMN`, when set. */
  comment?: string | undefined;
}

export interface ConstraintModel {
  name: string;
  type: 'primary' | 'unique' | 'foreign' | 'check' | 'exclusion' | 'not-null';
  columns: string[];
  /** Foreign keys: the referenced table and columns. */
  refTable?: string;
  refColumns?: string[];
  /** False for NOT VALID constraints not yet validated. */
  validated: boolean;
  /** For `CHECK (col IS NOT NULL)`: the column. */
  notNullColumn?: string;
}

export interface IndexModel {
  name: string;
  /** Qualified index name. */
  qualified: string;
  table: string;
  columns: string[];
  unique: boolean;
  /** Has a WHERE clause. */
  partial?: boolean;
  /** Access method (`btree`, `gin`, ...). */
  method?: string;
  /** The constraint this index backs (primary key, unique, exclusion), if any. */
  constraint?: string | undefined;
  /**
   * Every column the index reads: its key columns, the columns of its expressions and WHERE
   * clause, its INCLUDE columns. A DROP COLUMN of any of them drops the index.
   */
  reads?: string[];
}

export interface TableModel {
  schema: string;
  name: string;
  qualified: string;
  columns: ReadonlyMap<string, ColumnModel>;
  constraints: ReadonlyMap<string, ConstraintModel>;
  /** Qualified names of the table's indexes. */
  indexes: ReadonlySet<string>;
  /** Revision of the migration that created it (undefined when it predates the history). */
  createdIn: string | undefined;
  /** `COMMENT ON TABLE`, when set. */
  comment?: string | undefined;
  /** Row level security enabled. */
  rowSecurity?: boolean;
  /** Declared with PARTITION BY: its indexes are partitioned indexes (no CONCURRENTLY). */
  partitioned?: boolean;
  /** The tables (qualified) it inherits from or is a partition of. */
  inherits?: readonly string[];
  /** A partition (of the table in `inherits`): it goes with its table even without CASCADE. */
  partition?: boolean;
  /** The DEFAULT partition of its table (no DETACH PARTITION ... CONCURRENTLY beside it). */
  defaultPartition?: boolean;
}

/** A view or materialized view and the relations it reads. */
export interface ViewModel {
  qualified: string;
  kind: 'view' | 'materialized view';
  /** Qualified names of the tables and views the query reads. */
  relations: readonly string[];
  /** Per relation, the columns the query uses (all of them for `*`). */
  columns: ReadonlyMap<string, ReadonlySet<string>>;
}

export type ObjectKind = 'table' | 'view' | 'materialized view' | 'index' | 'sequence' | 'type' | 'enum' | 'domain' | 'function' | 'trigger' | 'extension' | 'schema' | 'policy';

/** Something that depends on a table or column (a foreign key, a view). */
export interface Dependent {
  kind: 'foreign key' | 'view' | 'materialized view' | 'index' | 'trigger';
  /** Qualified name of the dependent object (for foreign keys: `table.constraint`). */
  name: string;
  /** The table the dependent belongs to (foreign keys). */
  table?: string;
}

/** The schema as it stands at a point of the history. */
export interface SchemaModel {
  /** Resolves `name` (qualified or not) to a table. */
  table(name: string): TableModel | undefined;
  tables(): Iterable<TableModel>;
  index(name: string): IndexModel | undefined;
  /**
   * Every object of a kind, by qualified name (functions as `schema.f(int4,text)`, triggers and
   * policies as `schema.table.name`, extensions and schemas by name).
   */
  objects(kind: ObjectKind): string[];
  /** Whether an object of a kind exists (views, types, enums, functions by name, ...). */
  has(kind: ObjectKind, name: string): boolean;
  /** Resolves a view or materialized view. */
  view(name: string): ViewModel | undefined;
  /** The comment on an object: `table s.t`, `column s.t.c`, ... */
  comment(target: string): string | undefined;
  /** Enum labels in order. */
  enumLabels(name: string): readonly string[] | undefined;
  /** Grants as `PRIVILEGE ON kind qualified TO grantee` strings. */
  grants(): ReadonlySet<string>;
  /** What depends on a table (or one of its columns). */
  dependents(table: string, column?: string): Dependent[];
  /** A deep copy. */
  clone(): SchemaModel;
  /** Applies a statement's effect (unknown statements are ignored). */
  apply(statement: LintStatement): void;
}

/**
 * A lint rule. Implement any of the hooks; the engine calls them in history order.
 * - `statement`: every statement of every up and down section, with the model just before it
 *   (narrowed by `statementKinds` and `sections`).
 * - `migration`: once per migration, with the model before its up section and after it, and after
 *   replaying its down section on top of `afterUp` (for reversibility checks).
 * - `history`: once, for rules about the whole history (graph, revisions).
 */
export interface Rule extends RuleMeta {
  /**
   * The statement kinds (`CreateStmt`, `AlterTableStmt`, ...) the statement hook looks at: the
   * engine calls it for no other, as ESLint calls a rule only for the node types it selects.
   * Default: every kind.
   */
  statementKinds?: readonly string[];
  /** The sections whose statements the statement hook looks at (default: up and down). */
  sections?: ReadonlyArray<'up' | 'down'>;
  statement?(statement: LintStatement, model: SchemaModel, ctx: RuleContext): void;
  migration?(migration: LintMigration, models: { before: SchemaModel; afterUp: SchemaModel; afterDown: SchemaModel | undefined }, ctx: RuleContext): void;
  history?(ctx: RuleContext): void;
}
