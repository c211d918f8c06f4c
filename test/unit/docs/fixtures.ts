import type { CatalogSnapshot, ColumnSnapshot, ConstraintSnapshot, IndexSnapshot, TableSnapshot } from '../../../src/catalog/types.js';

/** Small builders of catalog snapshots for the docs and drift unit tests. */

export function column(name: string, extra: Partial<ColumnSnapshot> = {}): ColumnSnapshot {
  return { name, position: 1, type: 'text', nullable: true, default: null, identity: null, generated: null, collation: null, comment: `The ${name}.`, ...extra };
}

export function primaryKey(table: string, columns: string[]): ConstraintSnapshot {
  return { name: `pk_${table}`, type: 'primary key', columns, definition: `PRIMARY KEY (${columns.join(', ')})`, validated: true, deferrable: false, initiallyDeferred: false, references: null, index: `pk_${table}`, local: true, comment: null };
}

export function foreignKey(name: string, columns: string[], target: string, targetColumns = ['id']): ConstraintSnapshot {
  return {
    name,
    type: 'foreign key',
    columns,
    definition: `FOREIGN KEY (${columns.join(', ')}) REFERENCES ${target}(${targetColumns.join(', ')})`,
    validated: true,
    deferrable: false,
    initiallyDeferred: false,
    references: { table: target, columns: targetColumns, onUpdate: 'no action', onDelete: 'no action', match: 'simple' },
    index: null,
    local: true,
    comment: null,
  };
}

export function index(name: string, keys: string[], extra: Partial<IndexSnapshot> = {}): IndexSnapshot {
  return { name, method: 'btree', unique: false, primary: false, valid: true, keys, include: [], predicate: null, constraint: null, definition: `CREATE INDEX ${name} ON t USING btree (${keys.join(', ')})`, comment: null, ...extra };
}

export function table(name: string, extra: Partial<TableSnapshot> = {}): TableSnapshot {
  const t: TableSnapshot = {
    schema: 'public',
    name,
    kind: 'table',
    persistence: 'permanent',
    partitionKey: null,
    partitionOf: null,
    inherits: [],
    rowSecurity: { enabled: false, forced: false },
    options: [],
    owner: 'migrator',
    comment: `The ${name} table.`,
    columns: [column('id', { type: 'bigint', nullable: false, identity: { generation: 'always', sequence: { type: 'bigint', start: '1', increment: '1', min: '1', max: '9223372036854775807', cache: '1', cycle: false } } })],
    constraints: [primaryKey(name, ['id'])],
    indexes: [index(`pk_${name}`, ['id'], { unique: true, primary: true, constraint: `pk_${name}` })],
    triggers: [],
    policies: [],
    privileges: [{ grantee: 'migrator', privilege: 'SELECT', grantable: false, grantor: 'migrator' }],
    ...extra,
  };
  t.columns = t.columns.map((c, i) => ({ ...c, position: i + 1 }));
  return t;
}

export function snapshot(tables: TableSnapshot[], extra: Partial<CatalogSnapshot> = {}): CatalogSnapshot {
  return {
    format: 1,
    database: { owner: 'migrator', comment: null, privileges: [] },
    extensions: {},
    schemas: { public: { name: 'public', owner: 'pg_database_owner', comment: 'standard public schema', privileges: [] } },
    tables: Object.fromEntries(tables.map((t) => [`${t.schema}.${t.name}`, t]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1))),
    views: {},
    sequences: {},
    functions: {},
    enums: {},
    domains: {},
    compositeTypes: {},
    rangeTypes: {},
    defaultPrivileges: [],
    ...extra,
  };
}
