import { listName, objectName } from './names.js';
import type { Schema, TableState } from './schema.js';
import { dropFunction } from './apply-objects.js';
import { functionKeyAndSignature, matchingSignatures, routineKey, type RoutineTarget } from './routines.js';
import { columnKey, memberKey, noteDropped, placedByGuess, type TracedKind } from './existence.js';

/**
 * How a cascaded drop is recorded: dropped with `cause` (`table public.t`). `blocked`: a dependent
 * that makes a drop without CASCADE fail (a view, an inheriting table, a schema's contents); the
 * model drops it all the same, but cannot vouch that it is gone (the statement fails instead, and
 * drop-order says so).
 */
function cascade(cause: string | undefined, blocked = false): { how?: 'cascade'; other?: string; unsure?: boolean } {
  if (cause === undefined) return {};
  return blocked ? { how: 'cascade', other: cause, unsure: true } : { how: 'cascade', other: cause };
}

/** Removes an index (and the constraint it backs); `cause` is what its drop came with, if not its own DROP. */
export function removeIndex(s: Schema, key: string, cause?: string): void {
  const index = s.indexMap.get(key);
  if (!index) return;
  s.mut.indexMap.delete(key);
  noteDropped(s, 'rel', key, 'index', cascade(cause));
  const table = s.mutableTable(index.table);
  if (!table) return;
  table.indexes.delete(key);
  if (index.constraint && table.constraints.get(index.constraint)) {
    table.constraints.delete(index.constraint);
    // A DROP INDEX of a constraint's index fails: the constraint stays.
    noteDropped(s, 'con', memberKey(table.born.at, index.constraint), 'constraint', cause === undefined ? { unsure: true } : cascade(cause));
  }
}

/**
 * The foreign keys of other tables that go with `what` (a table, a column it references): with
 * CASCADE; without, the statement fails and they stay.
 */
function dropReferencingKey(s: Schema, other: TableState, name: string, what: string, restrict: boolean): void {
  s.mutableTable(other.qualified)!.constraints.delete(name);
  noteDropped(s, 'con', memberKey(other.born.at, name), 'constraint', { how: 'cascade', other: what, ...(restrict ? { unsure: true } : {}) });
}

function dropGrantsAndComments(s: Schema, kind: string, object: string): void {
  for (const [key, g] of s.grantMap) if (g.kind === kind && g.object === object) s.mut.grantMap.delete(key);
  if (s.comments.has(`${kind} ${object}`)) s.mut.comments.delete(`${kind} ${object}`);
}

/**
 * DROP TABLE: the table and everything that belongs to or points at it (as CASCADE would), its
 * partitions and inheriting tables included. `restrict`: the statement did not say CASCADE.
 */
export function dropTable(s: Schema, key: string, cause?: string, restrict = false, blocked = false): void {
  const table = s.tableMap.get(key);
  if (!table) return;
  const why = `table ${key}`;
  for (const index of table.indexes) {
    s.mut.indexMap.delete(index);
    noteDropped(s, 'rel', index, 'index', cascade(why));
  }
  s.mut.tableMap.delete(key);
  noteDropped(s, 'rel', key, 'table', cascade(cause, blocked));
  for (const [k, t] of s.triggers) if (t.table === key) s.mut.triggers.delete(k);
  for (const [k, p] of s.policies) if (p.table === key) s.mut.policies.delete(k);
  for (const [k, seq] of [...s.sequences]) {
    if (seq.ownedBy?.startsWith(`${key}.`)) dropSequence(s, k, why, restrict);
  }
  if (s.inheritance) for (const child of [...s.tableMap.values()]) if (child.inherits?.includes(key)) dropTable(s, child.qualified, why, restrict, restrict && !child.partition);
  for (const other of s.tablesReferencing(key)) {
    if (other.qualified === key) continue;
    for (const c of other.constraints.values()) {
      if (c.type === 'foreign' && c.refTable === key) dropReferencingKey(s, other, c.name, why, restrict);
    }
  }
  dropDependentViews(s, key, undefined, why, restrict);
  dropGrantsAndComments(s, 'table', key);
}

function dropDependentViews(s: Schema, relation: string, column: string | undefined, cause: string, restrict: boolean): void {
  for (const view of [...s.viewMap.values()]) {
    if (!s.viewMap.has(view.qualified) || !view.relations.includes(relation)) continue;
    if (column !== undefined && !view.columns.get(relation)?.has(column)) continue;
    dropView(s, view.qualified, cause, restrict, restrict);
  }
}

export function dropView(s: Schema, key: string, cause?: string, restrict = false, blocked = false): void {
  const view = s.viewMap.get(key);
  if (!view) return;
  s.mut.viewMap.delete(key);
  noteDropped(s, 'rel', key, view.kind, cascade(cause, blocked));
  const why = `${view.kind} ${key}`;
  for (const [k, index] of s.indexMap) {
    if (index.table !== key) continue;
    s.mut.indexMap.delete(k);
    noteDropped(s, 'rel', k, 'index', cascade(why));
  }
  for (const [k, t] of s.triggers) if (t.table === key) s.mut.triggers.delete(k);
  dropDependentViews(s, key, undefined, why, restrict);
  dropGrantsAndComments(s, 'table', key);
}

/**
 * A sequence, and the views that name it in a regclass constant (`nextval('s')`); `cause` is what
 * its drop came with, if not its own DROP.
 */
function dropSequence(s: Schema, key: string, cause?: string, restrict = false, blocked = false): void {
  if (!s.sequences.has(key)) return;
  s.mut.sequences.delete(key);
  noteDropped(s, 'rel', key, 'sequence', cascade(cause, blocked));
  dropGrantsAndComments(s, 'sequence', key);
  dropDependentViews(s, key, undefined, `sequence ${key}`, restrict);
}

/** ALTER TABLE DROP COLUMN: the column, its constraints and indexes, foreign keys that reference it. */
export function dropColumnDependents(s: Schema, tableKey: string, column: string, restrict = false): void {
  const table = s.mutableTable(tableKey);
  if (!table) return;
  table.columns.delete(column);
  noteDropped(s, 'col', columnKey(table.born.at, column), 'column');
  const why = `column ${tableKey}.${column}`;
  for (const c of [...table.constraints.values()]) {
    if (!c.columns.includes(column)) continue;
    table.constraints.delete(c.name);
    noteDropped(s, 'con', memberKey(table.born.at, c.name), 'constraint', cascade(why));
  }
  for (const indexKey of [...table.indexes]) {
    const index = s.indexMap.get(indexKey);
    if (index && (index.columns.includes(column) || index.reads?.includes(column))) removeIndex(s, indexKey, why);
  }
  for (const other of s.tablesReferencing(tableKey)) {
    for (const c of other.constraints.values()) {
      if (c.type === 'foreign' && c.refTable === tableKey && c.refColumns?.includes(column) && other.constraints.has(c.name)) dropReferencingKey(s, other, c.name, why, restrict);
    }
  }
  for (const [k, seq] of [...s.sequences]) {
    if (seq.ownedBy === `${tableKey}.${column}`) dropSequence(s, k, why, restrict);
  }
  dropDependentViews(s, tableKey, column, why, restrict);
}

/** Any relation of that key in the model (the namespace tables, views, indexes and sequences share). */
function hasRelation(s: Schema, key: string): boolean {
  return s.tableMap.has(key) || s.viewMap.has(key) || s.indexMap.has(key) || s.sequences.has(key) || s.types.get(key)?.kind === 'composite';
}

/**
 * A DROP of an object the model does not know (it predates the history, or came from a statement
 * the model cannot see): whether it was there or not, after the DROP it is not.
 */
function droppedUnknown(s: Schema, ns: 'rel' | 'type', schema: string | undefined, name: string, kind: TracedKind): void {
  const key = s.newName(name, schema);
  if (hasRelation(s, key) || (ns === 'type' && s.types.has(key))) return;
  noteDropped(s, ns, key, kind, placedByGuess(s, schema) ? { unsure: true } : {});
}

const RELATION_KINDS: Record<string, TracedKind> = {
  OBJECT_TABLE: 'table',
  OBJECT_FOREIGN_TABLE: 'table',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized view',
  OBJECT_INDEX: 'index',
  OBJECT_SEQUENCE: 'sequence',
};

/**
 * DROP FUNCTION / PROCEDURE / ROUTINE / AGGREGATE of one routine. What the history did to its name
 * is certain when the routine is named as the model keys it, by the same argument types.
 */
function dropRoutine(s: Schema, target: RoutineTarget, kind: 'function' | 'procedure'): void {
  const { key, signature } = target;
  const matched = key !== undefined && signature !== undefined && matchingSignatures(s, key, signature).length > 0;
  const gone = key ? dropFunction(s, key, signature) : [];
  // Postgres resolves an unqualified name along the search path only.
  const exact = target.schema !== undefined || (s.defaultPathCertain() && (key === undefined || key === `public.${target.name}`));
  // Without arguments, a name with overloads makes the DROP fail; another signature for the only overload is a guess.
  const sure = exact && !target.byReference && (signature === undefined ? gone.length === 1 : matched);
  for (const sig of gone) noteDropped(s, 'fn', routineKey(key!, sig), kind, sure ? {} : { unsure: true });
  if (signature !== undefined && !target.byReference && !matched) noteDropped(s, 'fn', routineKey(key ?? s.newName(target.name, target.schema), signature), kind, exact ? {} : { unsure: true });
}

/** DROP <anything>. */
export function dropStatement(s: Schema, ast: any): void {
  const restrict = ast.behavior !== 'DROP_CASCADE';
  for (const object of ast.objects ?? []) {
    const parts = objectName(object);
    const { schema, name } = listName(parts);
    switch (ast.removeType) {
      case 'OBJECT_TABLE':
      case 'OBJECT_FOREIGN_TABLE': {
        const key = s.resolveName(s.tableMap, name, schema);
        if (key) dropTable(s, key, undefined, restrict);
        else droppedUnknown(s, 'rel', schema, name, RELATION_KINDS[ast.removeType]!);
        break;
      }
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW': {
        const key = s.resolveName(s.viewMap, name, schema);
        if (key) dropView(s, key, undefined, restrict);
        else droppedUnknown(s, 'rel', schema, name, RELATION_KINDS[ast.removeType]!);
        break;
      }
      case 'OBJECT_INDEX': {
        const key = s.resolveName(s.indexMap, name, schema);
        if (key) removeIndex(s, key);
        else droppedUnknown(s, 'rel', schema, name, 'index');
        break;
      }
      case 'OBJECT_SEQUENCE': {
        const key = s.resolveName(s.sequences, name, schema);
        if (key) dropSequence(s, key, undefined, restrict);
        else droppedUnknown(s, 'rel', schema, name, 'sequence');
        break;
      }
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN': {
        const key = s.resolveName(s.types, name, schema);
        if (key) {
          const type = s.types.get(key)!;
          s.mut.types.delete(key);
          noteDropped(s, 'type', key, type.kind === 'enum' || type.kind === 'domain' || type.kind === 'range' ? type.kind : 'type');
          dropGrantsAndComments(s, 'type', key);
        } else droppedUnknown(s, 'type', schema, name, ast.removeType === 'OBJECT_DOMAIN' ? 'domain' : 'type');
        break;
      }
      case 'OBJECT_FUNCTION':
      case 'OBJECT_PROCEDURE':
      case 'OBJECT_ROUTINE':
      case 'OBJECT_AGGREGATE': {
        const target = object.ObjectWithArgs ? functionKeyAndSignature(s, object.ObjectWithArgs) : undefined;
        if (target) dropRoutine(s, target, ast.removeType === 'OBJECT_PROCEDURE' ? 'procedure' : 'function');
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
        const table = s.tableMap.get(tableKey);
        const trigger = ast.removeType === 'OBJECT_TRIGGER';
        if (table) noteDropped(s, trigger ? 'trg' : 'pol', memberKey(table.born.at, objectNameOnly), trigger ? 'trigger' : 'policy', placedByGuess(s, t.schema) ? { unsure: true } : {});
        break;
      }
      case 'OBJECT_EXTENSION':
        s.mut.extensions.delete(name);
        noteDropped(s, 'ext', name, 'extension');
        break;
      case 'OBJECT_SCHEMA':
        dropSchema(s, name, restrict);
        break;
      default:
        break;
    }
  }
}

function dropSchema(s: Schema, name: string, restrict: boolean): void {
  s.mut.schemas.delete(name);
  const prefix = `${name}.`;
  // Without CASCADE, Postgres refuses to drop a schema that holds anything.
  const holds = [s.tableMap, s.viewMap, s.sequences, s.types].some((map) => [...map.keys()].some((key) => key.startsWith(prefix)));
  noteDropped(s, 'schema', name, 'schema', restrict && holds ? { unsure: true } : {});
  const why = `schema ${name}`;
  // Without CASCADE, a schema that holds anything is not dropped.
  for (const key of [...s.tableMap.keys()]) if (key.startsWith(prefix)) dropTable(s, key, why, restrict, restrict);
  for (const key of [...s.viewMap.keys()]) if (key.startsWith(prefix)) dropView(s, key, why, restrict, restrict);
  for (const key of [...s.indexMap.keys()]) if (key.startsWith(prefix)) removeIndex(s, key, why);
  for (const key of [...s.sequences.keys()]) if (key.startsWith(prefix)) dropSequence(s, key, why, restrict, restrict);
  for (const key of [...s.types.keys()]) {
    if (!key.startsWith(prefix)) continue;
    s.mut.types.delete(key);
    noteDropped(s, 'type', key, 'type', cascade(why, restrict));
  }
  for (const [key, signatures] of [...s.functions]) {
    if (!key.startsWith(prefix)) continue;
    s.mut.functions.delete(key);
    for (const sig of signatures) noteDropped(s, 'fn', routineKey(key, sig), 'function', cascade(why, restrict));
  }
  for (const [key, g] of s.grantMap) if ((g.kind === 'schema' && g.object === name) || g.object.startsWith(prefix)) s.mut.grantMap.delete(key);
}

