import type { ViewModel } from '../types.js';
import { listName, objectName, rangeVarName, stringList } from './names.js';
import type { Schema, TableState, TypeState } from './schema.js';
import { functionKeyAndSignature, matchingSignatures, routineKey, type RoutineTarget } from './routines.js';
import { columnKey, memberKey, noteDropped, noteMoved, noteUnknown, placedByGuess, type Namespace, type TracedKind } from './existence.js';

function rekey<V>(map: Map<string, V>, from: string, to: string, update: (value: V) => V = (v) => v): void {
  const value = map.get(from);
  if (value === undefined) return;
  map.delete(from);
  map.set(to, update(value));
}

function renameInGrantsAndComments(s: Schema, kind: string, from: string, to: string): void {
  for (const [key, g] of [...s.grantMap]) {
    if (g.kind === kind && g.object === from) {
      s.mut.grantMap.delete(key);
      const moved = { ...g, object: to };
      s.mut.grantMap.set(key.replace(` ${from} TO `, ` ${to} TO `), moved);
    }
  }
  if (s.comments.has(`${kind} ${from}`)) rekey(s.mut.comments, `${kind} ${from}`, `${kind} ${to}`);
}

/**
 * A table or view changes its qualified name (RENAME TO, SET SCHEMA, a schema's RENAME): everything
 * pointing at it follows; with `moveIndexes` (a new schema), its indexes and owned sequences move too.
 */
export function moveRelation(s: Schema, from: string, to: string, moveIndexes: boolean): void {
  const dot = to.lastIndexOf('.');
  const table = s.tableMap.get(from);
  const how = moveIndexes ? 'moved' : 'renamed';
  const view = table ? undefined : s.viewMap.get(from);
  if (table || view) noteMoved(s, 'rel', from, to, table ? 'table' : view!.kind, how);
  if (table) {
    s.mutableTable(from);
    const oldName = from.slice(from.lastIndexOf('.') + 1);
    const newName = to.slice(dot + 1);
    rekey(s.mut.tableMap, from, to, (t) => ({ ...t, schema: to.slice(0, dot), name: newName, qualified: to, indexes: new Set<string>(), owner: s.owner, ...(oldName !== newName ? { formerNames: [...(t.formerNames ?? []), oldName] } : {}) }) as TableState);
    const moved = s.tableMap.get(to)!;
    for (const indexKey of table.indexes) {
      const index = s.indexMap.get(indexKey);
      if (!index) continue;
      const newKey = moveIndexes ? `${to.slice(0, dot)}.${index.name}` : indexKey;
      s.mut.indexMap.delete(indexKey);
      s.mut.indexMap.set(newKey, { ...index, qualified: newKey, table: to });
      if (newKey !== indexKey) noteMoved(s, 'rel', indexKey, newKey, 'index', 'moved', true);
      moved.indexes.add(newKey);
    }
    if (s.inheritance) {
      for (const child of [...s.tableMap.values()]) {
        if (child.inherits?.includes(from)) s.mutableTable(child.qualified)!.inherits = child.inherits.map((p) => (p === from ? to : p));
      }
    }
    for (const c of [...moved.constraints.values()]) {
      if (!c.refTable) continue;
      if (c.refTable === from) moved.constraints.set(c.name, { ...c, refTable: to });
      s.noteReference(to, c.refTable === from ? to : c.refTable);
    }
    for (const other of s.tablesReferencing(from)) {
      for (const c of other.constraints.values()) {
        if (c.type === 'foreign' && c.refTable === from) {
          s.mutableTable(other.qualified)!.constraints.set(c.name, { ...c, refTable: to });
          s.noteReference(other.qualified, to);
        }
      }
    }
  }
  rekey(s.mut.viewMap, from, to, (v) => ({ ...v, qualified: to }));
  // A materialized view's indexes follow it (to its new schema, with SET SCHEMA).
  if (view) {
    for (const [indexKey, index] of [...s.indexMap]) {
      if (index.table !== from) continue;
      const newKey = moveIndexes ? `${to.slice(0, dot)}.${index.name}` : indexKey;
      s.mut.indexMap.delete(indexKey);
      s.mut.indexMap.set(newKey, { ...index, qualified: newKey, table: to });
      if (newKey !== indexKey) noteMoved(s, 'rel', indexKey, newKey, 'index', 'moved', true);
    }
  }
  renameInViews(s, from, to);
  for (const [key, t] of [...s.triggers]) {
    if (t.table === from) rekey(s.mut.triggers, key, `${to}.${t.name}`, (v) => ({ ...v, key: `${to}.${t.name}`, table: to }));
  }
  for (const [key, p] of [...s.policies]) {
    if (p.table === from) rekey(s.mut.policies, key, `${to}.${p.name}`, (v) => ({ ...v, key: `${to}.${p.name}`, table: to }));
  }
  for (const [key, seq] of s.sequences) {
    if (!seq.ownedBy?.startsWith(`${from}.`)) continue;
    const owned = { ...seq, ownedBy: `${to}.${seq.ownedBy.slice(from.length + 1)}` };
    // SET SCHEMA moves the sequences the table owns along with it.
    const newKey = moveIndexes ? `${to.slice(0, dot)}.${key.slice(key.lastIndexOf('.') + 1)}` : key;
    if (newKey === key) s.mut.sequences.set(key, owned);
    else {
      s.mut.sequences.delete(key);
      s.mut.sequences.set(newKey, { ...owned, qualified: newKey });
      noteMoved(s, 'rel', key, newKey, 'sequence', 'moved', true);
      renameInViews(s, key, newKey);
    }
  }
  renameInGrantsAndComments(s, 'table', from, to);
}

/** The views that read (or name in a regclass constant) relation `from` now read `to`. */
function renameInViews(s: Schema, from: string, to: string): void {
  for (const view of [...s.viewMap.values()]) {
    if (!view.relations.includes(from)) continue;
    const columns = new Map(view.columns);
    rekey(columns as Map<string, ReadonlySet<string>>, from, to);
    s.mut.viewMap.set(view.qualified, { ...view, relations: view.relations.map((r) => (r === from ? to : r)), columns } satisfies ViewModel);
  }
}

/** A rename of an object the model does not know: the new name is in the old one's schema. */
function renamedUnknown(s: Schema, ns: Namespace, schema: string | undefined, name: string, to: string, kind: TracedKind): void {
  movedUnknown(s, ns, schema, name, sameSchema(s.newName(name, schema), to), kind, 'renamed');
}

/**
 * A rename or SET SCHEMA of an object the model does not know: the old name is gone, the new one
 * may now exist.
 */
function movedUnknown(s: Schema, ns: Namespace, schema: string | undefined, name: string, to: string, kind: TracedKind, how: 'renamed' | 'moved'): void {
  const from = s.newName(name, schema);
  const guessed = placedByGuess(s, schema);
  noteDropped(s, ns, from, kind, { how, other: to, unsure: guessed });
  noteUnknown(s, ns, to, kind, true);
}

function renameColumn(s: Schema, tableKey: string, from: string, to: string): void {
  const table = s.mutableTable(tableKey);
  if (table) {
    if (!table.columns.has(from)) {
      noteDropped(s, 'col', columnKey(table.born.at, from), 'column', { how: 'renamed', other: to });
      noteUnknown(s, 'col', columnKey(table.born.at, to), 'column', true);
      return;
    }
    noteMoved(s, 'col', columnKey(table.born.at, from), columnKey(table.born.at, to), 'column', 'renamed');
    table.columns = new Map([...table.columns].map(([k, c]) => (k === from ? [to, { ...c, name: to }] : [k, c])));
    for (const c of [...table.constraints.values()]) {
      if (c.columns.includes(from) || c.notNullColumn === from || (c.refTable === tableKey && c.refColumns?.includes(from))) {
        table.constraints.set(c.name, {
          ...c,
          columns: c.columns.map((x) => (x === from ? to : x)),
          ...(c.notNullColumn === from ? { notNullColumn: to } : {}),
          ...(c.refTable === tableKey && c.refColumns ? { refColumns: c.refColumns.map((x) => (x === from ? to : x)) } : {}),
        });
      }
    }
    for (const indexKey of table.indexes) {
      const index = s.indexMap.get(indexKey);
      if (index && (index.columns.includes(from) || index.reads?.includes(from))) {
        s.mut.indexMap.set(indexKey, { ...index, columns: index.columns.map((x) => (x === from ? to : x)), ...(index.reads ? { reads: index.reads.map((x) => (x === from ? to : x)) } : {}) });
      }
    }
    for (const other of s.tablesReferencing(tableKey)) {
      if (other.qualified === tableKey) continue;
      for (const c of other.constraints.values()) {
        if (c.type === 'foreign' && c.refTable === tableKey && c.refColumns?.includes(from)) {
          s.mutableTable(other.qualified)!.constraints.set(c.name, { ...c, refColumns: c.refColumns.map((x) => (x === from ? to : x)) });
        }
      }
    }
    for (const [key, seq] of s.sequences) if (seq.ownedBy === `${tableKey}.${from}`) s.mut.sequences.set(key, { ...seq, ownedBy: `${tableKey}.${to}` });
  }
  for (const view of [...s.viewMap.values()]) {
    const cols = view.columns.get(tableKey);
    if (!cols?.has(from)) continue;
    const columns = new Map(view.columns);
    columns.set(tableKey, new Set([...cols].map((c) => (c === from ? to : c))));
    s.mut.viewMap.set(view.qualified, { ...view, columns });
  }
}

/** A member of a table the model does not know (a constraint, trigger or policy) renamed: the old name is gone, the new one exists. */
function renamedMember(s: Schema, ns: 'con' | 'trg' | 'pol', table: TableState, from: string, to: string, kind: TracedKind, guessed: boolean): void {
  noteDropped(s, ns, memberKey(table.born.at, from), kind, { how: 'renamed', other: to, unsure: guessed });
  noteUnknown(s, ns, memberKey(table.born.at, to), kind, true);
}

function renameConstraint(s: Schema, tableKey: string, from: string, to: string, guessed = false): void {
  const table = s.mutableTable(tableKey);
  const constraint = table?.constraints.get(from);
  if (!table) return;
  if (!constraint || guessed) renamedMember(s, 'con', table, from, to, 'constraint', guessed);
  if (!constraint) return;
  if (!guessed) noteMoved(s, 'con', memberKey(table.born.at, from), memberKey(table.born.at, to), 'constraint', 'renamed');
  table.constraints = new Map([...table.constraints].map(([k, c]) => (k === from ? [to, { ...c, name: to }] : [k, c])));
  const indexKey = `${table.schema}.${from}`;
  const index = s.indexMap.get(indexKey);
  if (index?.constraint === from) {
    const newKey = `${table.schema}.${to}`;
    noteMoved(s, 'rel', indexKey, newKey, 'index', 'renamed');
    s.mut.indexMap.delete(indexKey);
    s.mut.indexMap.set(newKey, { ...index, name: to, qualified: newKey, constraint: to });
    table.indexes.delete(indexKey);
    table.indexes.add(newKey);
  }
}

function renameIndex(s: Schema, indexKey: string, to: string): void {
  const index = s.indexMap.get(indexKey)!;
  const table = s.tableMap.get(index.table);
  if (index.constraint && table) {
    renameConstraint(s, index.table, index.constraint, to);
    return;
  }
  const newKey = `${indexKey.slice(0, indexKey.lastIndexOf('.'))}.${to}`;
  noteMoved(s, 'rel', indexKey, newKey, 'index', 'renamed');
  s.mut.indexMap.delete(indexKey);
  s.mut.indexMap.set(newKey, { ...index, name: to, qualified: newKey });
  const mutable = s.mutableTable(index.table);
  if (mutable) {
    mutable.indexes.delete(indexKey);
    mutable.indexes.add(newKey);
  }
}

function sameSchema(key: string, name: string): string {
  return `${key.slice(0, key.lastIndexOf('.'))}.${name}`;
}

/** ALTER ... RENAME. */
export function renameStatement(s: Schema, ast: any): void {
  const to: string = ast.newname;
  const relation = ast.relation ? rangeVarName(ast.relation) : undefined;
  const relationKey = relation ? (s.resolveName(s.tableMap, relation.name, relation.schema) ?? s.resolveName(s.viewMap, relation.name, relation.schema)) : undefined;
  switch (ast.renameType) {
    case 'OBJECT_TABLE':
    case 'OBJECT_FOREIGN_TABLE':
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW': {
      if (relationKey) moveRelation(s, relationKey, sameSchema(relationKey, to), false);
      else if (relation) {
        const indexKey = s.resolveName(s.indexMap, relation.name, relation.schema);
        if (indexKey) renameIndex(s, indexKey, to);
        else renamedUnknown(s, 'rel', relation.schema, relation.name, to, ast.renameType === 'OBJECT_VIEW' ? 'view' : ast.renameType === 'OBJECT_MATVIEW' ? 'materialized view' : 'table');
      }
      return;
    }
    case 'OBJECT_COLUMN':
      if (relationKey) renameColumn(s, relationKey, ast.subname, to);
      return;
    case 'OBJECT_TABCONSTRAINT':
      if (relationKey) renameConstraint(s, relationKey, ast.subname, to, placedByGuess(s, relation?.schema));
      return;
    case 'OBJECT_INDEX': {
      const indexKey = relation ? s.resolveName(s.indexMap, relation.name, relation.schema) : undefined;
      if (indexKey) renameIndex(s, indexKey, to);
      else if (relationKey) moveRelation(s, relationKey, sameSchema(relationKey, to), false);
      else if (relation) renamedUnknown(s, 'rel', relation.schema, relation.name, to, 'index');
      return;
    }
    case 'OBJECT_SEQUENCE': {
      const key = relation ? s.resolveName(s.sequences, relation.name, relation.schema) : undefined;
      if (key) {
        noteMoved(s, 'rel', key, sameSchema(key, to), 'sequence', 'renamed');
        rekey(s.mut.sequences, key, sameSchema(key, to), (v) => ({ ...v, qualified: sameSchema(key, to) }));
        renameInGrantsAndComments(s, 'sequence', key, sameSchema(key, to));
        renameInViews(s, key, sameSchema(key, to));
      } else if (relation) renamedUnknown(s, 'rel', relation.schema, relation.name, to, 'sequence');
      return;
    }
    case 'OBJECT_TYPE':
    case 'OBJECT_DOMAIN': {
      const { schema, name } = listName(objectName(ast.object));
      const key = s.resolveName(s.types, name, schema);
      if (key) {
        noteMoved(s, 'type', key, sameSchema(key, to), 'type', 'renamed');
        const formerNames = (v: TypeState) => (v.born && name !== to ? { formerNames: [...(v.formerNames ?? []), name] } : {});
        rekey(s.mut.types, key, sameSchema(key, to), (v) => ({ ...v, qualified: sameSchema(key, to), ...formerNames(v) }));
        renameInGrantsAndComments(s, 'type', key, sameSchema(key, to));
      } else renamedUnknown(s, 'type', schema, name, to, ast.renameType === 'OBJECT_DOMAIN' ? 'domain' : 'type');
      return;
    }
    case 'OBJECT_FUNCTION':
    case 'OBJECT_PROCEDURE':
    case 'OBJECT_ROUTINE':
    case 'OBJECT_AGGREGATE': {
      const target = ast.object?.ObjectWithArgs ? functionKeyAndSignature(s, ast.object.ObjectWithArgs) : undefined;
      if (target) moveRoutine(s, target, (key) => sameSchema(key, to), ast.renameType === 'OBJECT_PROCEDURE' ? 'procedure' : 'function', 'renamed');
      return;
    }
    case 'OBJECT_TRIGGER':
    case 'OBJECT_POLICY': {
      if (!relationKey) return;
      const trigger = ast.renameType === 'OBJECT_TRIGGER';
      const map = trigger ? s.mut.triggers : s.mut.policies;
      const known = map.has(`${relationKey}.${ast.subname}`);
      rekey(map as Map<string, { key: string; name: string }>, `${relationKey}.${ast.subname}`, `${relationKey}.${to}`, (v) => ({ ...v, key: `${relationKey}.${to}`, name: to }));
      const table = s.tableMap.get(relationKey);
      const guessed = placedByGuess(s, relation?.schema);
      if (!table) return;
      if (known && !guessed) noteMoved(s, trigger ? 'trg' : 'pol', memberKey(table.born.at, ast.subname), memberKey(table.born.at, to), trigger ? 'trigger' : 'policy', 'renamed');
      else renamedMember(s, trigger ? 'trg' : 'pol', table, ast.subname, to, trigger ? 'trigger' : 'policy', guessed);
      return;
    }
    case 'OBJECT_SCHEMA': {
      const from: string = ast.subname;
      if (!s.schemas.has(from)) {
        noteDropped(s, 'schema', from, 'schema', { how: 'renamed', other: to });
        noteUnknown(s, 'schema', to, 'schema', true);
        // What the schema held is now under the new name: the model knew none of it.
        return;
      }
      noteMoved(s, 'schema', from, to, 'schema', 'renamed');
      s.mut.schemas.delete(from);
      s.mut.schemas.add(to);
      for (const key of [...s.tableMap.keys(), ...s.viewMap.keys()]) if (key.startsWith(`${from}.`)) moveRelation(s, key, `${to}.${key.slice(from.length + 1)}`, true);
      for (const [map, ns, kind] of [[s.mut.sequences, 'rel', 'sequence'], [s.mut.types, 'type', 'type'], [s.mut.functions, undefined, undefined]] as Array<[Map<string, any>, Namespace | undefined, TracedKind | undefined]>) {
        for (const key of [...map.keys()]) {
          if (!key.startsWith(`${from}.`)) continue;
          const newKey = `${to}.${key.slice(from.length + 1)}`;
          if (ns && kind) noteMoved(s, ns, key, newKey, kind, 'moved', true);
          else for (const sig of map.get(key) as ReadonlySet<string>) noteMoved(s, 'fn', routineKey(key, sig), routineKey(newKey, sig), 'function', 'moved', true);
          rekey(map, key, newKey, (v) => (v && typeof v === 'object' && 'qualified' in v ? { ...v, qualified: newKey } : v));
          if (kind === 'sequence') renameInViews(s, key, newKey);
        }
      }
      for (const key of [...s.indexMap.keys()]) {
        if (!key.startsWith(`${from}.`)) continue;
        const newKey = `${to}.${key.slice(from.length + 1)}`;
        noteMoved(s, 'rel', key, newKey, 'index', 'moved', true);
        rekey(s.mut.indexMap, key, newKey, (v) => ({ ...v, qualified: newKey }));
      }
      return;
    }
    default:
      return;
  }
}

/**
 * ALTER FUNCTION ... RENAME TO / SET SCHEMA: the overloads the signature names (written another way,
 * the only overload), or the only one when none is given, move to the key `to` gives.
 */
function moveRoutine(s: Schema, target: RoutineTarget, to: (key: string) => string, kind: 'function' | 'procedure', how: 'renamed' | 'moved'): void {
  const { key, signature } = target;
  if (!key) return;
  const signatures = [...(s.functions.get(key) ?? [])];
  const matched = signature === undefined ? [] : matchingSignatures(s, key, signature);
  const moving = matched.length > 0 ? matched : signatures.length === 1 ? signatures : [];
  if (moving.length === 0) return;
  const newKey = to(key);
  const newName = newKey.slice(newKey.lastIndexOf('.') + 1);
  const renamed = moving.map((sig) => `${newName}${sig.slice(sig.indexOf('('))}`);
  const staying = signatures.filter((sig) => !moving.includes(sig));
  if (staying.length > 0) s.mut.functions.set(key, new Set(staying));
  else s.mut.functions.delete(key);
  s.mut.functions.set(newKey, new Set([...(s.functions.get(newKey) ?? []), ...renamed]));
  // Certain when the routine is named as the model keys it, by its argument types (or it has no overloads).
  const exact = !target.byReference && (target.schema !== undefined || (s.defaultPathCertain() && key === `public.${target.name}`));
  moving.forEach((sig, i) => {
    const from = routineKey(key, sig);
    const toKey = routineKey(newKey, renamed[i]!);
    if (exact && (matched.length > 0 || signature === undefined)) noteMoved(s, 'fn', from, toKey, kind, how);
    else {
      noteDropped(s, 'fn', from, kind, { how, other: toKey, unsure: true });
      noteUnknown(s, 'fn', toKey, kind, true);
    }
  });
}

/** ALTER ... SET SCHEMA. */
export function alterObjectSchema(s: Schema, ast: any): void {
  const to: string = ast.newschema;
  switch (ast.objectType) {
    case 'OBJECT_TABLE':
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
    case 'OBJECT_FOREIGN_TABLE': {
      const { schema, name } = rangeVarName(ast.relation);
      const key = s.resolveName(s.tableMap, name, schema) ?? s.resolveName(s.viewMap, name, schema);
      if (key) moveRelation(s, key, `${to}.${name}`, true);
      else movedUnknown(s, 'rel', schema, name, `${to}.${name}`, ast.objectType === 'OBJECT_VIEW' ? 'view' : ast.objectType === 'OBJECT_MATVIEW' ? 'materialized view' : 'table', 'moved');
      return;
    }
    case 'OBJECT_SEQUENCE': {
      const { schema, name } = rangeVarName(ast.relation);
      const key = s.resolveName(s.sequences, name, schema);
      if (key) {
        noteMoved(s, 'rel', key, `${to}.${name}`, 'sequence', 'moved');
        rekey(s.mut.sequences, key, `${to}.${name}`, (v) => ({ ...v, qualified: `${to}.${name}` }));
        renameInViews(s, key, `${to}.${name}`);
      } else movedUnknown(s, 'rel', schema, name, `${to}.${name}`, 'sequence', 'moved');
      return;
    }
    case 'OBJECT_TYPE':
    case 'OBJECT_DOMAIN': {
      const { schema, name } = listName(objectName(ast.object));
      const key = s.resolveName(s.types, name, schema);
      if (key) {
        noteMoved(s, 'type', key, `${to}.${name}`, 'type', 'moved');
        rekey(s.mut.types, key, `${to}.${name}`, (v) => ({ ...v, qualified: `${to}.${name}` }));
      } else movedUnknown(s, 'type', schema, name, `${to}.${name}`, ast.objectType === 'OBJECT_DOMAIN' ? 'domain' : 'type', 'moved');
      return;
    }
    case 'OBJECT_FUNCTION':
    case 'OBJECT_PROCEDURE':
    case 'OBJECT_ROUTINE':
    case 'OBJECT_AGGREGATE': {
      const target = ast.object?.ObjectWithArgs ? functionKeyAndSignature(s, ast.object.ObjectWithArgs) : undefined;
      if (target) moveRoutine(s, target, () => `${to}.${target.name}`, ast.objectType === 'OBJECT_PROCEDURE' ? 'procedure' : 'function', 'moved');
      return;
    }
    default:
      return;
  }
}
