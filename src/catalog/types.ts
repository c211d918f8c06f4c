/**
 * The canonical catalog snapshot: a plain JSON value describing a database's schema, keyed by
 * qualified name (`schema.name`, unquoted) and never by OID, sorted, and the same across runs and
 * servers of the same major version. Text that Postgres prints back (types, defaults, definitions)
 * is read under fixed session settings (see `CATALOG_SETTINGS`), so every name in it is
 * schema-qualified.
 *
 * Maps (`Record<string, ...>`) hold objects by qualified name; arrays inside an object hold its
 * parts in their natural order: columns by position, everything else by name.
 *
 * A snapshot is a value: treat it as immutable. Equal parts may be shared, between objects of one
 * snapshot (privilege lists) and between snapshots taken one after the other (unchanged objects);
 * `structuredClone` one before changing it.
 */

/** One privilege held by a grantee on the object that lists it (an exploded ACL item). */
export interface Privilege {
  /** A role name, or 'PUBLIC'. */
  grantee: string;
  /** 'SELECT', 'USAGE', 'EXECUTE', ... */
  privilege: string;
  grantable: boolean;
  grantor: string;
  /** For a column privilege, listed on its table: the column. */
  column?: string;
}

/** The current database: only what a migration can change in it. */
export interface DatabaseSnapshot {
  owner: string;
  comment: string | null;
  privileges: Privilege[];
}

export interface SchemaSnapshot {
  name: string;
  owner: string;
  comment: string | null;
  privileges: Privilege[];
}

export interface ExtensionSnapshot {
  name: string;
  schema: string;
  version: string;
  comment: string | null;
}

export interface ColumnSnapshot {
  name: string;
  /** 1-based position among the table's live columns (dropped columns leave no gap). */
  position: number;
  /** As `format_type` prints it: `integer`, `character varying(20)`, `public.job_status`. */
  type: string;
  nullable: boolean;
  /** The default expression, as Postgres prints it (`'pending'::public.job_status`); null when none. */
  default: string | null;
  identity: ColumnIdentity | null;
  generated: { kind: 'stored' | 'virtual'; expression: string } | null;
  /** The collation when it is not the type's default, qualified (`pg_catalog."C"`). */
  collation: string | null;
  comment: string | null;
}

export interface ColumnIdentity {
  generation: 'always' | 'by default';
  /** The identity's sequence options (its name is left out: Postgres generates it). */
  sequence: SequenceOptions;
}

export type ConstraintType = 'primary key' | 'foreign key' | 'unique' | 'check' | 'exclusion';

export interface ConstraintSnapshot {
  name: string;
  type: ConstraintType;
  /** The constrained columns, in key order (empty for a check on an expression). */
  columns: string[];
  /** `pg_get_constraintdef`: `FOREIGN KEY (job_id) REFERENCES public.jobs(id) ON DELETE CASCADE`. */
  definition: string;
  /** False for a constraint added `NOT VALID` and not validated since. */
  validated: boolean;
  deferrable: boolean;
  initiallyDeferred: boolean;
  /** Foreign keys only. */
  references: ForeignKeyTarget | null;
  /** The index that enforces a primary key, unique or exclusion constraint. */
  index: string | null;
  /** False when the constraint comes only from a parent table (partitions, inheritance). */
  local: boolean;
  comment: string | null;
}

export type ForeignKeyAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

export interface ForeignKeyTarget {
  /** The referenced table, qualified. */
  table: string;
  columns: string[];
  onUpdate: ForeignKeyAction;
  onDelete: ForeignKeyAction;
  match: 'simple' | 'full' | 'partial';
}

export interface IndexSnapshot {
  name: string;
  /** Access method: btree, hash, gin, gist, brin, spgist, ... */
  method: string;
  unique: boolean;
  primary: boolean;
  /** False for an index whose `CREATE INDEX CONCURRENTLY` failed, or not yet finished. */
  valid: boolean;
  /** Key columns, or expressions as Postgres prints them. */
  keys: string[];
  /** INCLUDE columns. */
  include: string[];
  /** WHERE predicate of a partial index. */
  predicate: string | null;
  /** The constraint it enforces, when it does. */
  constraint: string | null;
  /** `pg_get_indexdef`: the full CREATE INDEX statement. */
  definition: string;
  comment: string | null;
}

export interface TriggerSnapshot {
  name: string;
  timing: 'before' | 'after' | 'instead of';
  /** 'insert', 'update', 'delete', 'truncate', in that order. */
  events: string[];
  level: 'row' | 'statement';
  /** The trigger function, `schema.name()`. */
  function: string;
  enabled: 'origin' | 'disabled' | 'replica' | 'always';
  /** `pg_get_triggerdef`: the full CREATE TRIGGER statement. */
  definition: string;
  comment: string | null;
}

export interface PolicySnapshot {
  name: string;
  command: 'all' | 'select' | 'insert' | 'update' | 'delete';
  permissive: boolean;
  /** Role names, or 'PUBLIC'. Sorted. */
  roles: string[];
  using: string | null;
  withCheck: string | null;
  comment: string | null;
}

export interface TableSnapshot {
  schema: string;
  name: string;
  kind: 'table' | 'partitioned table' | 'foreign table';
  /** `permanent` or `unlogged` (temporary tables are never in a snapshot). */
  persistence: 'permanent' | 'unlogged';
  /** For a partitioned table: `RANGE (created_at)`, as `pg_get_partkeydef` prints it. */
  partitionKey: string | null;
  /** For a partition: its parent (qualified) and bound (`FOR VALUES FROM (...) TO (...)`). */
  partitionOf: { parent: string; bound: string } | null;
  /** Parents by plain inheritance, qualified, in inheritance order. */
  inherits: string[];
  rowSecurity: { enabled: boolean; forced: boolean };
  /** Storage parameters (`fillfactor=70`), sorted. */
  options: string[];
  owner: string;
  comment: string | null;
  columns: ColumnSnapshot[];
  constraints: ConstraintSnapshot[];
  indexes: IndexSnapshot[];
  triggers: TriggerSnapshot[];
  policies: PolicySnapshot[];
  /** Table privileges, then column privileges (with `column`). */
  privileges: Privilege[];
}

export interface ViewColumnSnapshot {
  name: string;
  position: number;
  type: string;
  comment: string | null;
}

export interface ViewSnapshot {
  schema: string;
  name: string;
  materialized: boolean;
  /** `pg_get_viewdef`: the query. */
  definition: string;
  /** View options (`security_invoker=true`, `check_option=local`), sorted. */
  options: string[];
  owner: string;
  comment: string | null;
  columns: ViewColumnSnapshot[];
  /** Materialized views only. */
  indexes: IndexSnapshot[];
  /** Triggers (INSTEAD OF, on views). */
  triggers: TriggerSnapshot[];
  privileges: Privilege[];
}

export interface SequenceOptions {
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
}

export interface SequenceSnapshot extends SequenceOptions {
  schema: string;
  name: string;
  /** `schema.table.column` of `OWNED BY`, or null. The current value is never read. */
  ownedBy: string | null;
  owner: string;
  comment: string | null;
  privileges: Privilege[];
}

export interface FunctionSnapshot {
  schema: string;
  name: string;
  kind: 'function' | 'procedure' | 'aggregate' | 'window';
  /** Argument types that identify it, as `regprocedure` prints them: `integer,public.job_status`. */
  identity: string;
  /** Full argument list with names, modes and defaults (`pg_get_function_arguments`). */
  arguments: string;
  /** `pg_get_function_result`; null for a procedure. */
  returns: string | null;
  language: string;
  volatility: 'immutable' | 'stable' | 'volatile';
  strict: boolean;
  securityDefiner: boolean;
  leakproof: boolean;
  parallel: 'safe' | 'restricted' | 'unsafe';
  /** `SET` clauses (`search_path=pg_catalog, public`), in order. */
  config: string[];
  /** SHA-256 of the body (the source text, or the SQL-standard body as Postgres prints it). */
  bodyHash: string;
  owner: string;
  comment: string | null;
  privileges: Privilege[];
}

export interface EnumSnapshot {
  schema: string;
  name: string;
  /** In sort order. */
  labels: string[];
  owner: string;
  comment: string | null;
  privileges: Privilege[];
}

export interface DomainConstraintSnapshot {
  name: string;
  definition: string;
  validated: boolean;
  comment: string | null;
}

export interface DomainSnapshot {
  schema: string;
  name: string;
  baseType: string;
  nullable: boolean;
  default: string | null;
  collation: string | null;
  constraints: DomainConstraintSnapshot[];
  owner: string;
  comment: string | null;
  privileges: Privilege[];
}

export interface CompositeTypeSnapshot {
  schema: string;
  name: string;
  attributes: Array<{ name: string; position: number; type: string; collation: string | null; comment: string | null }>;
  owner: string;
  comment: string | null;
  privileges: Privilege[];
}

export interface RangeTypeSnapshot {
  schema: string;
  name: string;
  subtype: string;
  collation: string | null;
  owner: string;
  comment: string | null;
  privileges: Privilege[];
}

/** One `ALTER DEFAULT PRIVILEGES` item (see `DefaultPrivilege` in privileges.ts). */
export interface DefaultPrivilegeSnapshot {
  role: string;
  schema: string | null;
  objectType: 'table' | 'sequence' | 'function' | 'type' | 'schema';
  grantee: string;
  privilege: string;
  grantable: boolean;
  /** True when a global entry takes this privilege away from its creating role itself (see `DefaultPrivilege.revoked`); absent otherwise. */
  revoked?: true;
}

/** A whole database's schema. See the module comment for the conventions. */
export interface CatalogSnapshot {
  /** Version of this format; bumped when its shape changes. */
  format: 1;
  /**
   * The major version of the Postgres server the snapshot was read on (`15`, `18`), so that a
   * comparison between two snapshots knows what only the servers' versions explain (see
   * diffAcrossVersions). Absent in snapshots written before pgwarden recorded it; never compared.
   */
  postgresMajor?: number;
  database: DatabaseSnapshot;
  /** By extension name. */
  extensions: Record<string, ExtensionSnapshot>;
  /** By schema name. */
  schemas: Record<string, SchemaSnapshot>;
  /** Tables, partitioned tables and foreign tables, by `schema.name`. */
  tables: Record<string, TableSnapshot>;
  /** Views and materialized views, by `schema.name`. */
  views: Record<string, ViewSnapshot>;
  /** Sequences other than identity columns' (those are on the column), by `schema.name`. */
  sequences: Record<string, SequenceSnapshot>;
  /** Functions, procedures and aggregates, by `schema.name(argtypes)`. */
  functions: Record<string, FunctionSnapshot>;
  enums: Record<string, EnumSnapshot>;
  domains: Record<string, DomainSnapshot>;
  compositeTypes: Record<string, CompositeTypeSnapshot>;
  rangeTypes: Record<string, RangeTypeSnapshot>;
  defaultPrivileges: DefaultPrivilegeSnapshot[];
}

/** The sections of a snapshot that map qualified names to objects. */
/**
 * The kinds of relation whose locks verify traces: `table` covers partitioned and foreign tables
 * too. A lock on an index stops the statements that use its table (a query plans with every index
 * of its table, a write updates them), so an index is always named with its table.
 */
export type RelationKind = 'table' | 'view' | 'materialized view' | 'sequence' | 'index';

/** A relation of a database, by oid, as lock traces name it. */
export interface NamedRelation {
  oid: number;
  /** Qualified name (an index's schema is its table's). */
  name: string;
  kind: RelationKind;
  /** For an index: its table's qualified name. */
  table?: string;
}

export type SnapshotSection = 'extensions' | 'schemas' | 'tables' | 'views' | 'sequences' | 'functions' | 'enums' | 'domains' | 'compositeTypes' | 'rangeTypes';

export const SNAPSHOT_SECTIONS: readonly SnapshotSection[] = ['extensions', 'schemas', 'tables', 'views', 'sequences', 'functions', 'enums', 'domains', 'compositeTypes', 'rangeTypes'];
