import pg from 'pg';
import type { PgwardenConfig } from '../config/types.js';
import { PgwardenError } from '../errors.js';
import type { DatabaseHandle } from '../providers/types.js';
import { connect } from '../runner/session.js';
import { aclObjectsQuery, defaultPrivilegesQuery, parseAclItem, sortDefaultPrivileges, type AclObjectRow, type DefaultPrivilegeRow } from './privileges.js';
import { catalogQuery } from './query.js';
import { CHANGE_LOG_SCHEMA } from './change-log.js';
import { columnsQuery, readColumnNames, type ColumnRow } from './read/columns.js';
import { constraintsQuery, type ConstraintRow } from './read/constraints.js';
import { databaseQuery } from './read/database.js';
import { extensionsQuery, type ExtensionRow } from './read/extensions.js';
import { functionsQuery, type FunctionRow } from './read/functions.js';
import { indexesQuery, type IndexRow } from './read/indexes.js';
import { policiesQuery, type PolicyRow } from './read/policies.js';
import { relationsQuery, type RelationRow } from './read/relations.js';
import { schemasQuery, type SchemaRow } from './read/schemas.js';
import { sequencesQuery, type SequenceRow } from './read/sequences.js';
import { triggersQuery, type TriggerRow } from './read/triggers.js';
import { typesQuery, type TypeRow } from './read/types.js';
import { scopeParams, type CatalogScope } from './scope.js';
import { CATALOG_SETTINGS, catalogSettingsSql, withCatalogSettings } from './session.js';
import { compareBy, compareText } from './sort.js';
import type {
  CatalogSnapshot,
  ColumnSnapshot,
  ConstraintSnapshot,
  ConstraintType,
  ForeignKeyAction,
  FunctionSnapshot,
  IndexSnapshot,
  PolicySnapshot,
  Privilege,
  SequenceOptions,
  TableSnapshot,
  TriggerSnapshot,
  ViewSnapshot,
} from './types.js';

/** What a snapshot covers. */
export interface SnapshotOptions {
  /** Only these schemas (default: every schema but the system ones). */
  schemas?: string[];
  /** Schemas left out. Default: `['pgwarden']`, the ledger's default schema; see {@link snapshotOptionsFor}. */
  excludeSchemas?: string[];
}

/**
 * Snapshot options that leave out pgwarden's own schemas: the project's ledger, and the change log
 * verify installs in its throwaway databases (which `check` reuses for docs and roles).
 */
export function snapshotOptionsFor(config: PgwardenConfig, options: SnapshotOptions = {}): SnapshotOptions {
  return { ...options, excludeSchemas: [...new Set([config.ledger.schema, CHANGE_LOG_SCHEMA, ...(options.excludeSchemas ?? [])])] };
}

const MIN_SERVER_VERSION = 130000;

/**
 * Reads a database's schema into a canonical {@link CatalogSnapshot}: the same value for the same
 * schema on every run, keyed by qualified names, sorted. Runs in its own REPEATABLE READ READ ONLY
 * transaction under fixed session settings. Every kind of object is read by one catalog query,
 * and all of them travel as one statement, so a 1,000-table schema costs one round trip.
 *
 * @example
 * const client = await connect(db);
 * const before = await snapshotDatabase(client, snapshotOptionsFor(config));
 */
export async function snapshotDatabase(client: pg.ClientBase, options: SnapshotOptions = {}): Promise<CatalogSnapshot> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await client.query(catalogSettingsSql(true));
    const snapshot = await readAndAssemble(client, scopeOf(options));
    await client.query('COMMIT');
    return snapshot;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** Connects to `db`, snapshots it and disconnects. */
export async function snapshotOf(db: DatabaseHandle, options: SnapshotOptions = {}): Promise<CatalogSnapshot> {
  const client = await connect(db);
  try {
    return await snapshotDatabase(client, options);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The snapshot read in the caller's current transaction (for callers that need it to see their
 * own uncommitted changes). Applies the catalog settings for the duration and restores them.
 */
export async function readSnapshot(client: pg.ClientBase, options: SnapshotOptions = {}): Promise<CatalogSnapshot> {
  return withCatalogSettings(client, () => readAndAssemble(client, scopeOf(options)));
}

/** A connection kept for taking snapshot after snapshot (verify takes three per migration). */
export interface SnapshotSession {
  /** A snapshot of the database now: one round trip to the server. */
  snapshot(): Promise<CatalogSnapshot>;
  close(): Promise<void>;
}

/**
 * Opens a connection with the catalog settings fixed for its whole life, on which each snapshot
 * is one prepared statement: the cheapest way to snapshot the same database many times.
 */
export async function openSnapshotSession(db: DatabaseHandle, options: SnapshotOptions = {}): Promise<SnapshotSession> {
  const client = await connect(db, { applicationName: 'pgwarden snapshot' });
  try {
    await client.query(catalogSettingsSql(false));
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  const scope = scopeOf(options);
  return {
    // A single statement sees one consistent state of the catalogs without a transaction around it.
    snapshot: () => readAndAssemble(client, scope),
    close: () => client.end().catch(() => {}),
  };
}

/** The catalog scope of snapshot options: the ledger schema left out unless told otherwise. */
export function scopeOf(options: SnapshotOptions): CatalogScope {
  return { schemas: options.schemas, excludeSchemas: options.excludeSchemas ?? ['pgwarden'] };
}

const serverVersions = new WeakMap<pg.ClientBase, number>();

/** The server's version number (e.g. 180004), read once per connection; throws below Postgres 13. */
export async function serverVersionOf(client: pg.ClientBase): Promise<number> {
  let version = serverVersions.get(client);
  if (version === undefined) {
    version = Number((await client.query<{ v: string }>(`SELECT pg_catalog.current_setting('server_version_num') AS v`)).rows[0]!.v);
    serverVersions.set(client, version);
  }
  if (version < MIN_SERVER_VERSION) {
    throw new PgwardenError('DATABASE_ERROR', `The server runs Postgres ${Math.floor(version / 10000)}; catalog snapshots need Postgres 13 or later.`);
  }
  return version;
}

/** The rows of every catalog query, by kind. */
export interface CatalogRows {
  database: Array<{ comment: string | null }>;
  extensions: ExtensionRow[];
  schemas: SchemaRow[];
  relations: RelationRow[];
  columns: ColumnRow[];
  constraints: ConstraintRow[];
  indexes: IndexRow[];
  triggers: TriggerRow[];
  policies: PolicyRow[];
  sequences: SequenceRow[];
  functions: FunctionRow[];
  types: TypeRow[];
  acl: AclObjectRow[];
  defaults: DefaultPrivilegeRow[];
}

/**
 * All catalog queries as one statement: each kind's rows aggregated into a JSON array. With
 * `only`, relations, sequences, functions and types are narrowed to the oids in $3-$6 (the
 * objects an incremental snapshot re-reads); the database, schemas, extensions and default
 * privileges are always read whole (they are few).
 */
export function combinedQuery(serverVersion: number, only = false, filter?: OidFilter): string {
  const parts = catalogParts(serverVersion, only);
  // With a filter, a part whose oid lists ($3 relations, $4 sequences, $5 functions, $6 types) are
  // all empty reads nothing: it is an empty list in the statement, so that the server does not even
  // set it up (a statement's set-up is most of the time of a small incremental read).
  const given: Record<string, boolean> = filter ? { $3: filter.relations.length > 0, $4: filter.sequences.length > 0, $5: filter.functions.length > 0, $6: filter.types.length > 0 } : {};
  // (acl also reads the database's and schemas' privileges, whatever the lists: it always stays.)
  const needed = (name: string, sql: string) => {
    if (!filter || name === 'acl') return true;
    const lists = oidListsOf(sql);
    return lists.length === 0 || lists.some((n) => given[n]);
  };
  const selected = Object.entries(parts).map(([name, sql]) =>
    needed(name, sql) ? `(SELECT COALESCE(pg_catalog.json_agg(q), '[]'::pg_catalog.json) FROM (${sql}) q) AS ${name}` : `'[]'::pg_catalog.json AS ${name}`,
  );
  // Every parameter stays in the statement, so that Postgres knows its type even when no part uses it.
  if (filter) selected.push(`pg_catalog.num_nulls($3::pg_catalog.oid[], $4::pg_catalog.oid[], $5::pg_catalog.oid[], $6::pg_catalog.oid[]) AS filter_nulls`);
  return `SELECT ${selected.join(',\n       ')}`;
}

/** The oid-list parameters ($3 relations, $4 sequences, $5 functions, $6 types) a catalog part reads. */
export function oidListsOf(sql: string): string[] {
  return [...new Set(sql.match(/\$[3-6](?!\d)/g) ?? [])];
}

/**
 * The catalog query of each kind of object, by the name of its rows: parameters $1 (schemas) and
 * $2 (excluded schemas) and, with `only`, the oid lists $3-$6 they narrow to.
 */
export function catalogParts(serverVersion: number, only = false): Record<keyof CatalogRows, string> {
  return {
    database: databaseQuery,
    extensions: extensionsQuery,
    schemas: schemasQuery,
    relations: relationsQuery(only),
    columns: columnsQuery(only),
    constraints: constraintsQuery(only),
    indexes: indexesQuery(only),
    triggers: triggersQuery(only),
    policies: policiesQuery(only),
    sequences: sequencesQuery(only),
    functions: functionsQuery(serverVersion, only),
    types: typesQuery(only),
    acl: aclObjectsQuery(only),
    defaults: defaultPrivilegesQuery,
  };
}

async function readAndAssemble(client: pg.ClientBase, scope: CatalogScope): Promise<CatalogSnapshot> {
  return (await readCatalog(client, scope)).snapshot;
}

/** Oids of the objects an incremental read narrows to. */
export interface OidFilter {
  relations: number[];
  sequences: number[];
  functions: number[];
  types: number[];
}

/**
 * Reads and assembles the catalog, whole or (with `filter`) only the objects given, and returns
 * the snapshot with the internal index an incremental snapshot patches by.
 */
export async function readCatalog(client: pg.ClientBase, scope: CatalogScope, filter?: OidFilter, knownColumn?: ColumnLookup): Promise<AssembledCatalog & { rows: CatalogRows }> {
  const text = combinedQuery(await serverVersionOf(client), filter !== undefined, filter);
  const params: unknown[] = [...scopeParams(scope)];
  if (filter) params.push(filter.relations, filter.sequences, filter.functions, filter.types);
  const [rows] = await catalogQuery<CatalogRows & pg.QueryResultRow>(client, text, params);
  return { ...(await assemble(client, rows!, knownColumn)), rows: rows! };
}

/** Where a top-level object of a snapshot sits, by the oid of its catalog row. */
export interface ObjectRef {
  section: 'tables' | 'views' | 'sequences' | 'functions' | 'enums' | 'domains' | 'compositeTypes' | 'rangeTypes';
  key: string;
  kind: 'relation' | 'sequence' | 'function' | 'type';
}

/** An index or identity sequence, which the snapshot shows inside its table. */
export interface TablePart {
  /** The table's oid. */
  table: number;
  /** Qualified name (an index's schema is its table's). */
  name: string;
  kind: 'index' | 'sequence';
}

/** A column name by table oid and attnum, from an earlier read. */
export type ColumnLookup = (rel: number, attnum: number) => string | undefined;

/** A snapshot and the internal index of what it was built from (oids never reach the snapshot). */
export interface AssembledCatalog {
  snapshot: CatalogSnapshot;
  /** Top-level objects by oid. */
  objects: Map<number, ObjectRef>;
  /** Column names by relation oid and attnum (tables, views, composite types). */
  columns: Map<number, Map<number, string>>;
  /** Relations that belong to a table, by oid: its indexes and identity sequences (their qualified names, and the table's oid). */
  tableParts: Map<number, TablePart>;
  /** Schema names by oid. */
  namespaces: Map<number, string>;
  /** Enum labels by type oid. */
  enumLabels: Map<number, string[]>;
}

/** Assembles catalog rows (all kinds, or an incremental read's) into a snapshot and its index. */
export async function assemble(client: pg.ClientBase, rows: CatalogRows, knownColumn?: ColumnLookup): Promise<AssembledCatalog> {
  // The pieces are joined here by internal oids that never reach the result.
  const { extensions: extensionRows, schemas: schemaRows, relations: relationRows, columns: columnRows, constraints: constraintRows, indexes: indexRows } = rows;
  const { triggers: triggerRows, policies: policyRows, sequences: sequenceRows, functions: functionRows, types: typeRows } = rows;
  const databaseComment = rows.database[0]?.comment ?? null;
  const defaults = sortDefaultPrivileges(rows.defaults);
  const objects = new Map<number, ObjectRef>();
  const columns = new Map<number, Map<number, string>>();
  const enumLabels = new Map<number, string[]>();

  const acl = indexAcl(rows.acl);
  const owner = (type: string, schema: string | null, name: string) => acl.owners.get(objectKey(type, schema, name)) ?? '';
  const privileges = (type: string, schema: string | null, name: string) => acl.privileges.get(objectKey(type, schema, name)) ?? [];

  const columnsByRel = groupBy(columnRows, (c) => c.rel);
  // Positions count live columns only, so a table rebuilt without its dropped columns gets the same ones.
  const positioned = new Map<number, Array<ColumnRow & { position: number }>>();
  for (const [rel, list] of columnsByRel) {
    list.sort((a, b) => a.attnum - b.attnum);
    positioned.set(rel, list.map((c, i) => ({ ...c, position: i + 1 })));
    columns.set(rel, new Map(list.map((c) => [c.attnum, c.name])));
  }
  // A foreign key may reference a table outside the scope (or, read incrementally, one not read again): name those columns too.
  const foreign = new Map<number, Map<number, string>>();
  const missing: string[] = [];
  for (const c of constraintRows) {
    for (const n of c.ref_columns ?? []) {
      if (columns.get(c.ref_rel)?.has(n) || foreign.get(c.ref_rel)?.has(n)) continue;
      const known = knownColumn?.(c.ref_rel, n);
      if (known !== undefined) {
        if (!foreign.has(c.ref_rel)) foreign.set(c.ref_rel, new Map());
        foreign.get(c.ref_rel)!.set(n, known);
      } else missing.push(`${c.ref_rel}:${n}`);
    }
  }
  if (missing.length > 0) {
    for (const [k, name] of await readColumnNames(client, missing)) {
      const [rel, attnum] = k.split(':').map(Number) as [number, number];
      if (!foreign.has(rel)) foreign.set(rel, new Map());
      foreign.get(rel)!.set(attnum, name);
    }
  }
  const nameOf = (rel: number, attnum: number) => columns.get(rel)?.get(attnum) ?? foreign.get(rel)?.get(attnum) ?? String(attnum);
  const constraintsByRel = groupBy(constraintRows.filter((c) => c.rel !== 0), (c) => c.rel);
  const constraintsByType = groupBy(constraintRows.filter((c) => c.typ !== 0), (c) => c.typ);
  const indexesByRel = groupBy(indexRows, (i) => i.rel);
  const triggersByRel = groupBy(triggerRows, (t) => t.rel);
  const policiesByRel = groupBy(policyRows, (p) => p.rel);
  const identityOf = new Map<string, SequenceRow>();
  for (const s of sequenceRows) if (s.owner_kind === 'i') identityOf.set(`${s.owner_rel}:${s.owner_attnum}`, s);

  const snapshot: CatalogSnapshot = {
    format: 1,
    postgresMajor: Math.floor((await serverVersionOf(client)) / 10000),
    database: {
      owner: acl.database.owner,
      comment: databaseComment,
      privileges: acl.database.privileges,
    },
    extensions: sortedRecord(extensionRows.map((e) => [e.name, { name: e.name, schema: e.schema, version: e.version, comment: e.comment }])),
    schemas: sortedRecord(schemaRows.map((s) => [s.name, { name: s.name, owner: owner('schema', null, s.name), comment: s.comment, privileges: privileges('schema', null, s.name) }])),
    tables: {},
    views: {},
    sequences: {},
    functions: {},
    enums: {},
    domains: {},
    compositeTypes: {},
    rangeTypes: {},
    defaultPrivileges: defaults.map((d) => ({ ...d })),
  };

  const tables: Array<[string, TableSnapshot]> = [];
  const views: Array<[string, ViewSnapshot]> = [];
  for (const r of relationRows) {
    const key = `${r.schema}.${r.name}`;
    const relationColumns = positioned.get(r.oid) ?? [];
    const indexes = (indexesByRel.get(r.oid) ?? []).map((i) => toIndex(i, nameOf)).sort(byName);
    const triggers = (triggersByRel.get(r.oid) ?? []).map(toTrigger).sort(byName);
    if (r.relkind === 'v' || r.relkind === 'm') {
      const type = r.relkind === 'm' ? 'materialized view' : 'view';
      objects.set(r.oid, { section: 'views', key, kind: 'relation' });
      views.push([
        key,
        {
          schema: r.schema,
          name: r.name,
          materialized: r.relkind === 'm',
          definition: r.view_definition ?? '',
          options: [...(r.options ?? [])].sort(compareText),
          owner: owner(type, r.schema, r.name),
          comment: r.comment,
          columns: relationColumns.map((c) => ({ name: c.name, position: c.position, type: c.type, comment: c.comment })),
          indexes,
          triggers,
          privileges: privileges(type, r.schema, r.name),
        },
      ]);
      continue;
    }
    const type = r.relkind === 'f' ? 'foreign table' : 'table';
    const parents = r.parents ?? [];
    objects.set(r.oid, { section: 'tables', key, kind: 'relation' });
    tables.push([
      key,
      {
        schema: r.schema,
        name: r.name,
        kind: r.relkind === 'p' ? 'partitioned table' : r.relkind === 'f' ? 'foreign table' : 'table',
        persistence: r.relpersistence === 'u' ? 'unlogged' : 'permanent',
        partitionKey: r.partition_key,
        partitionOf: r.ispartition ? { parent: parents[0] ?? '', bound: r.partition_bound ?? '' } : null,
        inherits: r.ispartition ? [] : parents,
        rowSecurity: { enabled: r.rowsecurity, forced: r.forcerowsecurity },
        options: [...(r.options ?? [])].sort(compareText),
        owner: owner(type, r.schema, r.name),
        comment: r.comment,
        columns: relationColumns.map((c) => toColumn(c, identityOf.get(`${r.oid}:${c.attnum}`))),
        constraints: (constraintsByRel.get(r.oid) ?? []).map((c) => toConstraint(c, nameOf)).sort(byNameThen((c) => c.definition)),
        indexes,
        triggers,
        policies: (policiesByRel.get(r.oid) ?? []).map(toPolicy).sort(byName),
        privileges: privileges(type, r.schema, r.name),
      },
    ]);
  }
  snapshot.tables = sortedRecord(tables);
  snapshot.views = sortedRecord(views);

  for (const s of sequenceRows) if (s.owner_kind !== 'i') objects.set(s.oid, { section: 'sequences', key: `${s.schema}.${s.name}`, kind: 'sequence' });
  snapshot.sequences = sortedRecord(
    sequenceRows
      .filter((s) => s.owner_kind !== 'i')
      .map((s) => [
        `${s.schema}.${s.name}`,
        { schema: s.schema, name: s.name, ...sequenceOptions(s), ownedBy: s.owned_by, owner: owner('sequence', s.schema, s.name), comment: s.comment, privileges: privileges('sequence', s.schema, s.name) },
      ]),
  );

  snapshot.functions = sortedRecord(
    functionRows.map((f): [string, FunctionSnapshot] => {
      const type = f.prokind === 'p' ? 'procedure' : 'function';
      objects.set(f.oid, { section: 'functions', key: `${f.schema}.${f.signature}`, kind: 'function' });
      return [
        `${f.schema}.${f.signature}`,
        {
          schema: f.schema,
          name: f.name,
          kind: ({ p: 'procedure', a: 'aggregate', w: 'window' } as const)[f.prokind as 'p' | 'a' | 'w'] ?? 'function',
          identity: f.identity,
          arguments: f.arguments,
          returns: f.returns,
          language: f.language,
          volatility: f.volatility === 'i' ? 'immutable' : f.volatility === 's' ? 'stable' : 'volatile',
          strict: f.strict,
          securityDefiner: f.security_definer,
          leakproof: f.leakproof,
          parallel: f.parallel === 's' ? 'safe' : f.parallel === 'r' ? 'restricted' : 'unsafe',
          config: f.config ?? [],
          bodyHash: f.body_hash,
          owner: owner(type, f.schema, f.signature),
          comment: f.comment,
          privileges: privileges(type, f.schema, f.signature),
        },
      ];
    }),
  );

  const enums: Array<[string, CatalogSnapshot['enums'][string]]> = [];
  const domains: Array<[string, CatalogSnapshot['domains'][string]]> = [];
  const composites: Array<[string, CatalogSnapshot['compositeTypes'][string]]> = [];
  const ranges: Array<[string, CatalogSnapshot['rangeTypes'][string]]> = [];
  for (const t of typeRows) {
    const key = `${t.schema}.${t.name}`;
    const common = { owner: owner('type', t.schema, t.name), comment: t.comment, privileges: privileges('type', t.schema, t.name) };
    objects.set(t.oid, { section: t.typtype === 'e' ? 'enums' : t.typtype === 'd' ? 'domains' : t.typtype === 'c' ? 'compositeTypes' : 'rangeTypes', key, kind: 'type' });
    if (t.typtype === 'e') enumLabels.set(t.oid, t.labels ?? []);
    if (t.typtype === 'e') enums.push([key, { schema: t.schema, name: t.name, labels: t.labels ?? [], ...common }]);
    else if (t.typtype === 'd') {
      domains.push([
        key,
        {
          schema: t.schema,
          name: t.name,
          baseType: t.base_type ?? '',
          nullable: !t.notnull,
          default: t.default_expr,
          collation: t.collation,
          constraints: (constraintsByType.get(t.oid) ?? []).map((c) => ({ name: c.name, definition: c.definition, validated: c.validated, comment: c.comment })).sort(byNameThen((c) => c.definition)),
          ...common,
        },
      ]);
    } else if (t.typtype === 'c') {
      const attributes = positioned.get(t.relid) ?? [];
      composites.push([key, { schema: t.schema, name: t.name, attributes: attributes.map((a) => ({ name: a.name, position: a.position, type: a.type, collation: a.collation, comment: a.comment })), ...common }]);
    } else ranges.push([key, { schema: t.schema, name: t.name, subtype: t.subtype ?? '', collation: t.collation, ...common }]);
  }
  snapshot.enums = sortedRecord(enums);
  snapshot.domains = sortedRecord(domains);
  snapshot.compositeTypes = sortedRecord(composites);
  snapshot.rangeTypes = sortedRecord(ranges);
  return {
    snapshot,
    objects,
    columns,
    tableParts: tablePartsOf(relationRows, indexRows, sequenceRows),
    namespaces: new Map(schemaRows.map((n) => [n.oid, n.name])),
    enumLabels,
  };
}

function tablePartsOf(relationRows: CatalogRows['relations'], indexRows: CatalogRows['indexes'], sequenceRows: CatalogRows['sequences']): Map<number, TablePart> {
  const schemaOf = new Map(relationRows.map((r) => [r.oid, r.schema]));
  const parts = new Map<number, TablePart>();
  for (const i of indexRows) parts.set(i.oid, { table: i.rel, name: `${schemaOf.get(i.rel) ?? ''}.${i.name}`, kind: 'index' });
  for (const s of sequenceRows) if (s.owner_kind === 'i' && s.owner_rel !== null) parts.set(s.oid, { table: s.owner_rel, name: `${s.schema}.${s.name}`, kind: 'sequence' });
  return parts;
}

/** The key of an object in the owner and privilege maps: views and tables share one namespace per type. */
function objectKey(type: string, schema: string | null, name: string): string {
  return `${type}\u0000${schema ?? ''}\u0000${name}`;
}

const privilegeOrder = compareBy<Privilege>(
  (p) => p.column ?? '',
  (p) => p.grantee,
  (p) => p.privilege,
  (p) => p.grantor,
  (p) => (p.grantable ? '1' : '0'),
);

/** Owners and privileges by object key (see objectKey); a column's privileges are listed on its table. */
interface AclIndex {
  owners: Map<string, string>;
  privileges: Map<string, Privilege[]>;
  database: { owner: string; privileges: Privilege[] };
}

function indexAcl(rows: AclObjectRow[]): AclIndex {
  const index: AclIndex = { owners: new Map(), privileges: new Map(), database: { owner: '', privileges: [] } };
  // Most objects carry one of a few distinct ACLs (the default for their owner): build each list once and share it.
  const lists = new Map<string, Privilege[]>();
  const listOf = (acl: string[] | null): Privilege[] => {
    const text = (acl ?? []).join(',');
    let list = lists.get(text);
    if (!list) {
      list = (acl ?? []).flatMap(parseAclItem).map((g) => ({ grantee: g.grantee, privilege: g.privilege, grantable: g.grantable, grantor: g.grantor })).sort(privilegeOrder);
      lists.set(text, list);
    }
    return list;
  };
  const relationType = new Map<string, string>();
  for (const r of rows) {
    if (r.column_name !== null) continue;
    if (r.object_type === 'database') {
      index.database = { owner: r.owner ?? '', privileges: listOf(r.acl) };
      continue;
    }
    const key = objectKey(r.object_type, r.schema, r.name);
    index.owners.set(key, r.owner ?? '');
    index.privileges.set(key, listOf(r.acl));
    relationType.set(`${r.schema ?? ''}\u0000${r.name}`, r.object_type);
  }
  for (const r of rows) {
    if (r.column_name === null) continue;
    const key = objectKey(relationType.get(`${r.schema ?? ''}\u0000${r.name}`) ?? 'table', r.schema, r.name);
    const column = r.column_name;
    const own = (r.acl ?? []).flatMap(parseAclItem).map((g): Privilege => ({ grantee: g.grantee, privilege: g.privilege, grantable: g.grantable, grantor: g.grantor, column }));
    index.privileges.set(key, [...(index.privileges.get(key) ?? []), ...own].sort(privilegeOrder));
  }
  return index;
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = map.get(k);
    if (!list) map.set(k, (list = []));
    list.push(item);
  }
  return map;
}

/** An object whose keys are inserted in code-unit order, so JSON output is sorted. */
function sortedRecord<T>(entries: Array<[string, T]>): Record<string, T> {
  entries.sort((a, b) => compareText(a[0], b[0]));
  const record: Record<string, T> = {};
  for (const [key, value] of entries) record[key] = value;
  return record;
}

const byName = (a: { name: string }, b: { name: string }) => compareText(a.name, b.name);
function byNameThen<T extends { name: string }>(then: (item: T) => string) {
  return (a: T, b: T) => compareText(a.name, b.name) || compareText(then(a), then(b));
}

function sequenceOptions(s: SequenceRow): SequenceOptions {
  return { type: s.type, start: s.start, increment: s.increment, min: s.min, max: s.max, cache: s.cache, cycle: s.cycle };
}

function toColumn(c: ColumnRow & { position: number }, identity: SequenceRow | undefined): ColumnSnapshot {
  const generated = c.generated === 's' || c.generated === 'v';
  return {
    name: c.name,
    position: c.position,
    type: c.type,
    nullable: !c.notnull,
    default: generated ? null : c.default_expr,
    identity: c.identity === 'a' || c.identity === 'd' ? { generation: c.identity === 'a' ? 'always' : 'by default', sequence: identity ? sequenceOptions(identity) : emptySequenceOptions } : null,
    generated: generated ? { kind: c.generated === 'v' ? 'virtual' : 'stored', expression: c.default_expr ?? '' } : null,
    collation: c.collation,
    comment: c.comment,
  };
}

const emptySequenceOptions: SequenceOptions = { type: '', start: '', increment: '', min: '', max: '', cache: '', cycle: false };

const constraintTypes: Record<string, ConstraintType> = { p: 'primary key', f: 'foreign key', u: 'unique', c: 'check', x: 'exclusion' };
const fkActions: Record<string, ForeignKeyAction> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

type NameOf = (rel: number, attnum: number) => string;

function toConstraint(c: ConstraintRow, nameOf: NameOf): ConstraintSnapshot {
  return {
    name: c.name,
    type: constraintTypes[c.contype] ?? 'check',
    columns: (c.columns ?? []).map((n) => nameOf(c.rel, n)),
    definition: c.definition,
    validated: c.validated,
    deferrable: c.deferrable,
    initiallyDeferred: c.deferred,
    references:
      c.contype === 'f'
        ? {
            table: c.ref_table ?? '',
            columns: (c.ref_columns ?? []).map((n) => nameOf(c.ref_rel, n)),
            onUpdate: fkActions[c.on_update] ?? 'no action',
            onDelete: fkActions[c.on_delete] ?? 'no action',
            match: c.match === 'f' ? 'full' : c.match === 'p' ? 'partial' : 'simple',
          }
        : null,
    index: c.index_name,
    local: c.local,
    comment: c.comment,
  };
}

function toIndex(i: IndexRow, nameOf: NameOf): IndexSnapshot {
  const expressions = [...(i.expressions ?? [])];
  const columns = i.attnums.map((n) => (n === 0 ? (expressions.shift() ?? '') : nameOf(i.rel, n)));
  return {
    name: i.name,
    method: i.method,
    unique: i.unique,
    primary: i.primary,
    valid: i.valid,
    keys: columns.slice(0, i.key_count),
    include: columns.slice(i.key_count),
    predicate: i.predicate,
    constraint: i.constraint_name,
    definition: i.definition,
    comment: i.comment,
  };
}

// pg_trigger.tgtype bits (see pg_trigger.h).
const TRIGGER_ROW = 1;
const TRIGGER_BEFORE = 2;
const TRIGGER_INSERT = 4;
const TRIGGER_DELETE = 8;
const TRIGGER_UPDATE = 16;
const TRIGGER_TRUNCATE = 32;
const TRIGGER_INSTEAD = 64;

function toTrigger(t: TriggerRow): TriggerSnapshot {
  const events: string[] = [];
  if (t.tgtype & TRIGGER_INSERT) events.push('insert');
  if (t.tgtype & TRIGGER_UPDATE) events.push('update');
  if (t.tgtype & TRIGGER_DELETE) events.push('delete');
  if (t.tgtype & TRIGGER_TRUNCATE) events.push('truncate');
  return {
    name: t.name,
    timing: t.tgtype & TRIGGER_INSTEAD ? 'instead of' : t.tgtype & TRIGGER_BEFORE ? 'before' : 'after',
    events,
    level: t.tgtype & TRIGGER_ROW ? 'row' : 'statement',
    function: t.function,
    enabled: ({ O: 'origin', D: 'disabled', R: 'replica', A: 'always' } as const)[t.enabled as 'O' | 'D' | 'R' | 'A'] ?? 'origin',
    definition: t.definition,
    comment: t.comment,
  };
}

function toPolicy(p: PolicyRow): PolicySnapshot {
  return {
    name: p.name,
    command: ({ r: 'select', a: 'insert', w: 'update', d: 'delete' } as const)[p.cmd as 'r' | 'a' | 'w' | 'd'] ?? 'all',
    permissive: p.permissive,
    roles: [...p.roles].sort(compareText),
    using: p.using,
    withCheck: p.with_check,
    comment: p.comment,
  };
}
