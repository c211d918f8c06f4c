import type { IndexModel, ViewModel } from '../types.js';
import { chooseObjectName, collectNodes, columnRefNames, indexColumnNames, indexElemColumns, listName, objectName, rangeVarName, relationNameText, stringList, TEMP_SCHEMA } from './names.js';
import type { Schema } from './schema.js';
import { childrenOf, relationNameTaken, tableKeyOf } from './apply-table.js';
import { memberKey, noteCreated, noteDropped, noteGeneratedNames, noteMoved, noteUnknown, placedByGuess } from './existence.js';
import { inputTypes, matchingSignatures, routineKey, signatureOf, typesByReference } from './routines.js';

/** CREATE INDEX. */
export function createIndex(s: Schema, ast: any): void {
  const tableKey = tableKeyOf(s, ast.relation) ?? s.resolveName(s.viewMap, ast.relation?.relname ?? '', ast.relation?.schemaname);
  if (!tableKey) {
    // An index on a table the model does not know: its name exists now, or names Postgres generates do.
    const guess = s.newName(ast.relation?.relname ?? '', ast.relation?.schemaname);
    if (ast.idxname) noteUnknown(s, 'rel', `${guess.slice(0, guess.lastIndexOf('.'))}.${ast.idxname}`, 'index', true);
    else noteGeneratedNames(s, guess);
    return;
  }
  const dot = tableKey.lastIndexOf('.');
  const schema = tableKey.slice(0, dot);
  const tableName = tableKey.slice(dot + 1);
  const columns: string[] = [];
  for (const param of ast.indexParams ?? []) {
    const elem = param.IndexElem;
    if (elem) columns.push(elem.name ?? '(expression)');
  }
  // ChooseIndexName: every column, INCLUDE ones too; a name no relation of the schema has.
  const name: string =
    ast.idxname ??
    chooseObjectName(tableName, indexColumnNames([...(ast.indexParams ?? []), ...(ast.indexIncludingParams ?? [])]).join('_'), ast.primary ? 'pkey' : (ast.excludeOpNames ?? []).length > 0 ? 'excl' : ast.isconstraint ? 'key' : 'idx', (n) => relationNameTaken(s, schema, n));
  const qualified = `${schema}.${name}`;
  if (s.indexMap.has(qualified) && ast.if_not_exists) return;
  const reads = indexElemColumns([...(ast.indexParams ?? []), ...(ast.indexIncludingParams ?? [])]);
  for (const column of columnRefNames(ast.whereClause)) if (!reads.includes(column)) reads.push(column);
  const index: IndexModel = { name, qualified, table: tableKey, columns, unique: Boolean(ast.unique), partial: ast.whereClause !== undefined, method: ast.accessMethod ?? 'btree', constraint: undefined, reads };
  s.mut.indexMap.set(qualified, index);
  const table = s.mutableTable(tableKey);
  if (table) table.indexes.add(qualified);
  // Unnamed, its name is the model's guess at Postgres's.
  noteCreated(s, 'rel', qualified, 'index', { unsure: !ast.idxname });
  if (!ast.idxname) noteGeneratedNames(s, tableKey);
  // An index on a partitioned table gets one on each partition, under generated names.
  if (table?.partitioned) for (const child of childrenOf(s, tableKey)) noteGeneratedNames(s, child);
}

/** Functions whose first argument is a regclass: a text constant there names a relation the query depends on. */
const REGCLASS_FUNCTIONS = new Set([
  'nextval',
  'currval',
  'setval',
  'pg_sequence_last_value',
  'pg_relation_size',
  'pg_total_relation_size',
  'pg_table_size',
  'pg_indexes_size',
  'pg_relation_filenode',
  'pg_relation_filepath',
  'pg_index_has_property',
  'pg_index_column_has_property',
]);

const isRegclass = (typeName: any): boolean => {
  const names = stringList(typeName?.names);
  return names[names.length - 1] === 'regclass' && (names.length === 1 || names[0] === 'pg_catalog');
};

/**
 * The relations a query names in regclass constants (`'audit'::regclass`, `nextval('orders_seq')`):
 * a view depends on them as on the tables it reads, and goes with them on DROP ... CASCADE.
 */
function regclassRelations(s: Schema, query: any): string[] {
  const texts: string[] = [];
  const text = (node: any): string | undefined => node?.A_Const?.sval?.sval ?? (isRegclass(node?.TypeCast?.typeName) ? node.TypeCast.arg?.A_Const?.sval?.sval : undefined);
  for (const cast of collectNodes(query, 'TypeCast')) {
    if (isRegclass(cast.typeName) && typeof cast.arg?.A_Const?.sval?.sval === 'string') texts.push(cast.arg.A_Const.sval.sval);
  }
  for (const call of collectNodes(query, 'FuncCall')) {
    const names = stringList(call.funcname);
    const name = names[names.length - 1];
    if (name === undefined || !REGCLASS_FUNCTIONS.has(name) || (names.length > 1 && names[0] !== 'pg_catalog')) continue;
    const first = text(call.args?.[0]);
    if (first !== undefined) texts.push(first);
  }
  const out: string[] = [];
  for (const written of texts) {
    const relation = relationNameText(written);
    if (!relation) continue;
    const key = [s.tableMap, s.viewMap, s.sequences].map((map) => s.resolveName(map, relation.name, relation.schema)).find((k) => k !== undefined);
    if (key !== undefined && !out.includes(key)) out.push(key);
  }
  return out;
}

/** CREATE VIEW / CREATE MATERIALIZED VIEW: the relations and columns the query reads. */
export function createView(s: Schema, key: string, kind: ViewModel['kind'], query: any): void {
  const cteNames = new Set<string>();
  for (const cte of collectNodes(query, 'CommonTableExpr')) if (cte.ctename) cteNames.add(cte.ctename);
  const relations: string[] = [];
  const aliases = new Map<string, string>();
  for (const rv of collectNodes(query, 'RangeVar')) {
    const { schema, name } = rangeVarName(rv);
    if (schema === undefined && cteNames.has(name)) continue;
    const rel = s.resolveName(s.tableMap, name, schema) ?? s.resolveName(s.viewMap, name, schema) ?? s.newName(name, schema);
    if (!relations.includes(rel)) relations.push(rel);
    aliases.set(rv.alias?.aliasname ?? name, rel);
    aliases.set(name, rel);
  }
  for (const rel of regclassRelations(s, query)) if (!relations.includes(rel)) relations.push(rel);
  const columns = new Map<string, Set<string>>();
  for (const rel of relations) columns.set(rel, new Set());
  const columnsOf = (rel: string): Iterable<string> => s.tableMap.get(rel)?.columns.keys() ?? s.viewMap.get(rel)?.columns.get(rel)?.values() ?? [];
  for (const ref of collectNodes(query, 'ColumnRef')) {
    const fields: any[] = ref.fields ?? [];
    const star = fields.some((f) => f.A_Star !== undefined);
    const names = stringList(fields);
    const qualifier = names.length >= 2 && !star ? names[names.length - 2] : star && names.length >= 1 ? names[names.length - 1] : undefined;
    const targets = qualifier !== undefined && aliases.has(qualifier) ? [aliases.get(qualifier)!] : relations;
    if (star) {
      for (const rel of targets) for (const c of columnsOf(rel)) columns.get(rel)!.add(c);
      continue;
    }
    const column = names[names.length - 1];
    if (!column) continue;
    for (const rel of targets) {
      const known = s.tableMap.get(rel)?.columns;
      if (targets.length === 1 || !known || known.has(column)) columns.get(rel)!.add(column);
    }
  }
  s.mut.viewMap.set(key, { qualified: key, kind, relations, columns });
}

/** Whether a query reads a temporary table or view: a view of it is temporary too (Postgres says so in a NOTICE). */
export function readsTemporary(s: Schema, query: any): boolean {
  const cteNames = new Set<string>();
  for (const cte of collectNodes(query, 'CommonTableExpr')) if (cte.ctename) cteNames.add(cte.ctename);
  return collectNodes(query, 'RangeVar').some((rv) => {
    const { schema, name } = rangeVarName(rv);
    if (schema === undefined && cteNames.has(name)) return false;
    const key = s.resolveName(s.tableMap, name, schema) ?? s.resolveName(s.viewMap, name, schema);
    return key?.startsWith(`${TEMP_SCHEMA}.`) === true;
  });
}

export function viewStatement(s: Schema, ast: any): void {
  const temp = ast.view?.relpersistence === 't' || readsTemporary(s, ast.query);
  const { name } = rangeVarName(ast.view);
  const schema = temp ? TEMP_SCHEMA : rangeVarName(ast.view).schema;
  const key = s.newName(name, schema);
  const replaced = ast.replace === true && s.viewMap.get(key)?.kind === 'view';
  createView(s, key, 'view', ast.query);
  if (!replaced) noteCreated(s, 'rel', key, 'view', { temp, unsure: placedByGuess(s, schema) });
  if (temp) s.tempCreated = true;
}

export function materializedView(s: Schema, ast: any): void {
  const { schema, name } = rangeVarName(ast.into?.rel);
  const key = s.newName(name, schema);
  if (s.viewMap.has(key) && ast.if_not_exists) return;
  createView(s, key, 'materialized view', ast.query);
  noteCreated(s, 'rel', key, 'materialized view', { unsure: placedByGuess(s, schema) });
}

export function createEnum(s: Schema, ast: any): void {
  const { schema, name } = listName(stringList(ast.typeName));
  const key = s.newName(name, schema);
  s.mut.types.set(key, { qualified: key, kind: 'enum', labels: stringList(ast.vals), addedLabels: [], born: { at: s.tick, where: s.where } });
  noteCreated(s, 'type', key, 'enum', { unsure: placedByGuess(s, schema) });
}

export function alterEnum(s: Schema, ast: any): void {
  const { schema, name } = listName(stringList(ast.typeName));
  const key = s.resolveName(s.types, name, schema);
  const type = key ? s.types.get(key) : undefined;
  if (!key || !type || type.kind !== 'enum') return;
  const labels = [...(type.labels ?? [])];
  // The labels of an enum the history created are keyed by its birth; the model knows no other enum's.
  const label = (value: string) => (type.born ? memberKey(type.born.at, value) : undefined);
  const guessed = placedByGuess(s, schema);
  if (ast.oldVal) {
    const i = labels.indexOf(ast.oldVal);
    if (i >= 0) labels[i] = ast.newVal;
    s.mut.types.set(key, { ...type, labels });
    if (type.born && i >= 0 && !guessed) noteMoved(s, 'label', label(ast.oldVal)!, label(ast.newVal)!, 'label', 'renamed');
    else if (type.born) {
      noteDropped(s, 'label', label(ast.oldVal)!, 'label', { how: 'renamed', other: ast.newVal, unsure: guessed });
      noteUnknown(s, 'label', label(ast.newVal)!, 'label', true);
    }
    return;
  }
  if (labels.includes(ast.newVal)) return;
  if (type.born) noteCreated(s, 'label', label(ast.newVal)!, 'label', { unsure: guessed });
  const neighbour = ast.newValNeighbor ? labels.indexOf(ast.newValNeighbor) : -1;
  if (neighbour < 0) labels.push(ast.newVal);
  else labels.splice(ast.newValIsAfter ? neighbour + 1 : neighbour, 0, ast.newVal);
  s.mut.types.set(key, { ...type, labels, addedLabels: [...(type.addedLabels ?? []), ast.newVal] });
}

export function createType(s: Schema, nameList: string[], kind: 'composite' | 'domain' | 'range' | 'base'): void {
  const { schema, name } = listName(nameList);
  const key = s.newName(name, schema);
  s.mut.types.set(key, { qualified: key, kind });
  // A base type is declared twice (the shell, then its definition).
  noteCreated(s, 'type', key, kind === 'domain' || kind === 'range' ? kind : 'type', { unsure: kind === 'base' || placedByGuess(s, schema) });
}

export function createSequence(s: Schema, ast: any): void {
  const temp = ast.sequence?.relpersistence === 't';
  const { name } = rangeVarName(ast.sequence);
  const schema = temp ? TEMP_SCHEMA : rangeVarName(ast.sequence).schema;
  const key = s.newName(name, schema);
  if (s.sequences.has(key) && ast.if_not_exists) return;
  s.mut.sequences.set(key, { qualified: key, ownedBy: ownedBy(s, ast.options) });
  noteCreated(s, 'rel', key, 'sequence', { temp, unsure: placedByGuess(s, schema) });
  if (temp) s.tempCreated = true;
}

export function alterSequence(s: Schema, ast: any): void {
  const { schema, name } = rangeVarName(ast.sequence);
  const key = s.resolveName(s.sequences, name, schema);
  if (!key) return;
  const owner = ownedBy(s, ast.options);
  if (owner !== undefined) s.mut.sequences.set(key, { ...s.sequences.get(key)!, ownedBy: owner === 'none' ? undefined : owner });
}

function ownedBy(s: Schema, options: any[] | undefined): string | undefined {
  for (const option of options ?? []) {
    const def = option.DefElem;
    if (def?.defname !== 'owned_by') continue;
    const parts = objectName(def.arg);
    if (parts.length === 1 && parts[0] === 'none') return 'none';
    const column = parts.pop();
    const { schema, name } = listName(parts);
    const table = s.resolveName(s.tableMap, name, schema) ?? s.newName(name, schema);
    return `${table}.${column}`;
  }
  return undefined;
}

export function createFunction(s: Schema, ast: any): void {
  const { schema, name } = listName(stringList(ast.funcname));
  const key = s.newName(name, schema);
  const inputs = inputTypes(ast.parameters);
  const signature = signatureOf(name, inputs);
  const signatures = new Set(s.functions.get(key) ?? []);
  signatures.add(signature);
  s.mut.functions.set(key, signatures);
  // Unqualified names (the routine's, its argument types') may land elsewhere where the search path is uncertain.
  if (!typesByReference(inputs)) noteCreated(s, 'fn', routineKey(key, signature), ast.is_procedure ? 'procedure' : 'function', { unsure: !s.defaultPathCertain() });
}

/** CREATE AGGREGATE: a function of the model like any other (a call names it the same way). */
export function createAggregate(s: Schema, ast: any): void {
  const { schema, name } = listName(stringList(ast.defnames));
  const key = s.newName(name, schema);
  const inputs = ast.oldstyle
    ? (ast.definition ?? []).map((d: any) => d.DefElem).filter((d: any) => d?.defname === 'basetype').map((d: any) => d.arg)
    : (ast.args?.[0]?.List?.items ?? []).map((p: any) => p.FunctionParameter).filter((p: any) => p && p.mode !== 'FUNC_PARAM_OUT').map((p: any) => p.argType);
  const signatures = new Set(s.functions.get(key) ?? []);
  signatures.add(signatureOf(name, inputs));
  s.mut.functions.set(key, signatures);
}

/**
 * DROP FUNCTION / PROCEDURE / ROUTINE: the overloads a signature names (written another way, the
 * only overload), or every one when none is given. Returns the signatures removed.
 */
export function dropFunction(s: Schema, key: string, signature: string | undefined): string[] {
  const signatures = s.functions.get(key);
  if (!signatures) return [];
  const matching = signature === undefined ? [...signatures] : matchingSignatures(s, key, signature);
  const gone = matching.length > 0 ? matching : signatures.size === 1 ? [...signatures] : [];
  const remaining = new Set(signatures);
  for (const sig of gone) remaining.delete(sig);
  if (remaining.size === 0) s.mut.functions.delete(key);
  else s.mut.functions.set(key, remaining);
  const schema = key.slice(0, key.lastIndexOf('.'));
  const objects = new Set(gone.map((sig) => `${schema}.${sig}`));
  for (const [k, g] of s.grantMap) {
    if (g.kind !== 'function') continue;
    if (remaining.size === 0 ? g.object.startsWith(`${key}(`) : objects.has(g.object)) s.mut.grantMap.delete(k);
  }
  return gone;
}

export function createTrigger(s: Schema, ast: any): void {
  const tableKey = tableKeyOf(s, ast.relation) ?? s.resolveName(s.viewMap, ast.relation?.relname ?? '', ast.relation?.schemaname);
  if (!tableKey) return;
  const fn = listName(stringList(ast.funcname));
  const key = `${tableKey}.${ast.trigname}`;
  s.mut.triggers.set(key, { key, table: tableKey, name: ast.trigname, function: s.resolveName(s.functions, fn.name, fn.schema) ?? s.newName(fn.name, fn.schema) });
  // A trigger of a table is keyed by the table's birth (a view's are not traced).
  const table = s.tableMap.get(tableKey);
  if (table) noteCreated(s, 'trg', memberKey(table.born.at, ast.trigname), 'trigger', { unsure: placedByGuess(s, ast.relation?.schemaname) });
}

export function createPolicy(s: Schema, ast: any): void {
  const tableKey = tableKeyOf(s, ast.table);
  if (!tableKey) return;
  const key = `${tableKey}.${ast.policy_name}`;
  s.mut.policies.set(key, { key, table: tableKey, name: ast.policy_name });
  noteCreated(s, 'pol', memberKey(s.tableMap.get(tableKey)!.born.at, ast.policy_name), 'policy', { unsure: placedByGuess(s, ast.table?.schemaname) });
}

export function createSchema(s: Schema, ast: any): void {
  if (!ast.schemaname) return;
  if (s.schemas.has(ast.schemaname) && ast.if_not_exists) return;
  s.mut.schemas.add(ast.schemaname);
  noteCreated(s, 'schema', ast.schemaname, 'schema');
}

export function setVariable(s: Schema, ast: any): void {
  if (ast.name !== 'search_path') return;
  s.pathSetHere = true;
  s.pathUnknownHere = false;
  if (ast.kind === 'VAR_RESET' || ast.kind === 'VAR_SET_DEFAULT') {
    s.searchPath = ['public'];
    // RESET goes back to the session's default, which ALTER ROLE / DATABASE may have changed.
    if (s.pathDefaultChanged) s.pathUnknownHere = true;
    return;
  }
  const path = (ast.args ?? [])
    .map((a: any) => a.A_Const?.sval?.sval ?? a.String?.sval)
    .filter((p: unknown): p is string => typeof p === 'string')
    .flatMap((p: string) => p.split(','))
    .map((p: string) => p.trim().replace(/^"|"$/g, ''))
    .filter((p: string) => p.length > 0 && p !== '$user');
  s.searchPath = path.length > 0 ? path : ['public'];
  // An empty path, or one the model could not read.
  if (path.length === 0) s.pathUnknownHere = true;
}

/** COMMENT ON: tables and columns keep theirs; other objects in the comments map as `<kind> <qualified>`. */
export function comment(s: Schema, ast: any): void {
  const parts = objectName(ast.object);
  const text: string | undefined = ast.comment ?? undefined;
  if (ast.objtype === 'OBJECT_TABLE' || ast.objtype === 'OBJECT_COLUMN') {
    const column = ast.objtype === 'OBJECT_COLUMN' ? parts.pop() : undefined;
    const { schema, name } = listName(parts);
    const key = s.resolveName(s.tableMap, name, schema);
    const table = key ? s.mutableTable(key) : undefined;
    if (table) {
      if (column === undefined) table.comment = text;
      else {
        const col = table.columns.get(column);
        if (col) table.columns.set(column, { ...col, comment: text });
      }
      return;
    }
  }
  let target: string;
  if (ast.objtype === 'OBJECT_COLUMN') {
    const column = parts.pop();
    const { schema, name } = listName(parts);
    target = `column ${s.resolveName(s.viewMap, name, schema) ?? s.newName(name, schema)}.${column}`;
  } else {
    const { schema, name } = listName(parts);
    const kind = ast.objtype === 'OBJECT_VIEW' || ast.objtype === 'OBJECT_MATVIEW' || ast.objtype === 'OBJECT_TABLE' ? 'table' : ast.objtype.replace(/^OBJECT_/, '').toLowerCase();
    const key = kind === 'table' ? (s.resolveName(s.viewMap, name, schema) ?? s.newName(name, schema)) : s.newName(name, schema);
    target = `${kind} ${key}`;
  }
  if (text === undefined) {
    if (s.comments.has(target)) s.mut.comments.delete(target);
  } else s.mut.comments.set(target, text);
}
