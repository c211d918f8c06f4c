import { listName, objectName } from './names.js';
import type { Schema } from './schema.js';
import { dropFunction, functionKeyAndSignature } from './apply-objects.js';

/** Removes an index (and the constraint it backs). */
export function removeIndex(s: Schema, key: string): void {
  const index = s.indexMap.get(key);
  if (!index) return;
  s.mut.indexMap.delete(key);
  const table = s.mutableTable(index.table);
  if (!table) return;
  table.indexes.delete(key);
  if (index.constraint && table.constraints.get(index.constraint)) table.constraints.delete(index.constraint);
}

function dropGrantsAndComments(s: Schema, kind: string, object: string): void {
  for (const [key, g] of s.grantMap) if (g.kind === kind && g.object === object) s.mut.grantMap.delete(key);
  if (s.comments.has(`${kind} ${object}`)) s.mut.comments.delete(`${kind} ${object}`);
}

/** DROP TABLE: the table and everything that belongs to or points at it (as CASCADE would). */
export function dropTable(s: Schema, key: string): void {
  const table = s.tableMap.get(key);
  if (!table) return;
  for (const index of table.indexes) s.mut.indexMap.delete(index);
  s.mut.tableMap.delete(key);
  for (const [k, t] of s.triggers) if (t.table === key) s.mut.triggers.delete(k);
  for (const [k, p] of s.policies) if (p.table === key) s.mut.policies.delete(k);
  for (const [k, seq] of s.sequences) if (seq.ownedBy?.startsWith(`${key}.`)) s.mut.sequences.delete(k);
  for (const other of s.tablesReferencing(key)) {
    for (const c of other.constraints.values()) {
      if (c.type === 'foreign' && c.refTable === key) s.mutableTable(other.qualified)!.constraints.delete(c.name);
    }
  }
  dropDependentViews(s, key, undefined);
  dropGrantsAndComments(s, 'table', key);
}

function dropDependentViews(s: Schema, relation: string, column: string | undefined): void {
  for (const view of [...s.viewMap.values()]) {
    if (!s.viewMap.has(view.qualified) || !view.relations.includes(relation)) continue;
    if (column !== undefined && !view.columns.get(relation)?.has(column)) continue;
    dropView(s, view.qualified);
  }
}

export function dropView(s: Schema, key: string): void {
  const view = s.viewMap.get(key);
  if (!view) return;
  s.mut.viewMap.delete(key);
  for (const [k, index] of s.indexMap) if (index.table === key) s.mut.indexMap.delete(k);
  for (const [k, t] of s.triggers) if (t.table === key) s.mut.triggers.delete(k);
  dropDependentViews(s, key, undefined);
  dropGrantsAndComments(s, 'table', key);
}

/** ALTER TABLE DROP COLUMN: the column, its constraints and indexes, foreign keys that reference it. */
export function dropColumnDependents(s: Schema, tableKey: string, column: string): void {
  const table = s.mutableTable(tableKey);
  if (!table) return;
  table.columns.delete(column);
  for (const c of [...table.constraints.values()]) {
    if (c.columns.includes(column)) table.constraints.delete(c.name);
  }
  for (const indexKey of [...table.indexes]) {
    if (s.indexMap.get(indexKey)?.columns.includes(column)) removeIndex(s, indexKey);
  }
  for (const other of s.tablesReferencing(tableKey)) {
    for (const c of other.constraints.values()) {
      if (c.type === 'foreign' && c.refTable === tableKey && c.refColumns?.includes(column)) s.mutableTable(other.qualified)!.constraints.delete(c.name);
    }
  }
  for (const [k, seq] of s.sequences) if (seq.ownedBy === `${tableKey}.${column}`) s.mut.sequences.delete(k);
  dropDependentViews(s, tableKey, column);
}

/** DROP <anything>. */
export function dropStatement(s: Schema, ast: any): void {
  for (const object of ast.objects ?? []) {
    const parts = objectName(object);
    const { schema, name } = listName(parts);
    switch (ast.removeType) {
      case 'OBJECT_TABLE':
      case 'OBJECT_FOREIGN_TABLE': {
        const key = s.resolveName(s.tableMap, name, schema);
        if (key) dropTable(s, key);
        break;
      }
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW': {
        const key = s.resolveName(s.viewMap, name, schema);
        if (key) dropView(s, key);
        break;
      }
      case 'OBJECT_INDEX': {
        const key = s.resolveName(s.indexMap, name, schema);
        if (key) removeIndex(s, key);
        break;
      }
      case 'OBJECT_SEQUENCE': {
        const key = s.resolveName(s.sequences, name, schema);
        if (key) {
          s.mut.sequences.delete(key);
          dropGrantsAndComments(s, 'sequence', key);
        }
        break;
      }
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN': {
        const key = s.resolveName(s.types, name, schema);
        if (key) {
          s.mut.types.delete(key);
          dropGrantsAndComments(s, 'type', key);
        }
        break;
      }
      case 'OBJECT_FUNCTION':
      case 'OBJECT_PROCEDURE':
      case 'OBJECT_ROUTINE': {
        const target = object.ObjectWithArgs ? functionKeyAndSignature(s, object.ObjectWithArgs) : undefined;
        if (!target?.key) break;
        dropFunction(s, target.key, target.signature);
        break;
      }
      case 'OBJECT_TRIGGER':
      case 'OBJECT_POLICY': {
        const tableParts = parts.slice(0, -1);
        const objectNameOnly = parts[parts.length - 1]!;
        const t = listName(tableParts);
        const tableKey = s.resolveName(s.tableMap, t.name, t.schema) ?? s.resolveName(s.viewMap, t.name, t.schema);
        if (!tableKey) break;
        (ast.removeType === 'OBJECT_TRIGGER' ? s.mut.triggers : s.mut.policies).delete(`${tableKey}.${objectNameOnly}`);
        break;
      }
      case 'OBJECT_EXTENSION':
        s.mut.extensions.delete(name);
        break;
      case 'OBJECT_SCHEMA':
        dropSchema(s, name);
        break;
      default:
        break;
    }
  }
}

function dropSchema(s: Schema, name: string): void {
  s.mut.schemas.delete(name);
  const prefix = `${name}.`;
  for (const key of [...s.tableMap.keys()]) if (key.startsWith(prefix)) dropTable(s, key);
  for (const key of [...s.viewMap.keys()]) if (key.startsWith(prefix)) dropView(s, key);
  for (const map of [s.mut.sequences, s.mut.types, s.mut.functions] as Array<Map<string, unknown>>) {
    for (const key of [...map.keys()]) if (key.startsWith(prefix)) map.delete(key);
  }
  for (const [key, g] of s.grantMap) if ((g.kind === 'schema' && g.object === name) || g.object.startsWith(prefix)) s.mut.grantMap.delete(key);
}

