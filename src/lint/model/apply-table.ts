import type { ColumnModel, ConstraintModel, IndexModel } from '../types.js';
import { chooseObjectName, columnList, columnRefNames, indexColumnNames, indexElemColumns, makeObjectName, notNullTestColumn, rangeVarName, stringList, TEMP_SCHEMA, typeInfo } from './names.js';
import type { Schema, TableState } from './schema.js';
import { dropColumnDependents, removeIndex } from './apply-drop.js';
import { certainlyAbsent, columnKey, memberKey, noteCreated, noteDropped, noteGeneratedNames, noteUnknown, placedByGuess } from './existence.js';

const SERIAL_TYPES = new Set(['serial', 'serial4', 'serial8', 'bigserial', 'smallserial', 'serial2']);

/** The key of the table a RangeVar names, if it exists. */
export function tableKeyOf(s: Schema, rangeVar: any): string | undefined {
  const { schema, name } = rangeVarName(rangeVar);
  return s.resolveName(s.tableMap, name, schema);
}

/** CREATE TABLE (also PARTITION OF, INHERITS, LIKE). */
export function createTable(s: Schema, ast: any, revision: string | undefined): void {
  const temp = ast.relation?.relpersistence === 't';
  const { name } = rangeVarName(ast.relation);
  const schema = temp ? TEMP_SCHEMA : rangeVarName(ast.relation).schema;
  const key = s.newName(name, schema);
  if (s.tableMap.has(key) && ast.if_not_exists) return;
  const table = newTable(s, key, schema, ast.if_not_exists, temp, revision);
  // A table that may have been there already (IF NOT EXISTS), or elsewhere: its constraints may not be these.
  const older = !table.columnsComplete;
  if (ast.partspec) table.partitioned = true;
  const parents: string[] = [];
  for (const parent of ast.inhRelations ?? []) {
    const parentKey = parent.RangeVar ? tableKeyOf(s, parent.RangeVar) : undefined;
    const source = parentKey ? s.tableMap.get(parentKey) : undefined;
    if (source) for (const [n, c] of source.columns) table.columns.set(n, c);
    if (parentKey) parents.push(parentKey);
    // A parent's columns change with it (ADD and DROP COLUMN recurse): the model does not follow that.
    table.columnsComplete = false;
  }
  if (parents.length > 0) {
    table.inherits = parents;
    s.inheritance = true;
  }
  if (ast.partbound) table.partition = true;
  if (ast.partbound?.is_default) table.defaultPartition = true;
  if (ast.ofTypename) table.columnsComplete = false;
  for (const element of ast.tableElts ?? []) {
    if (element.ColumnDef) addColumn(s, table, element.ColumnDef, older);
    else if (element.Constraint) addConstraint(s, table, element.Constraint, undefined, older);
    else if (element.TableLikeClause) {
      const sourceKey = tableKeyOf(s, element.TableLikeClause.relation);
      const source = sourceKey ? s.tableMap.get(sourceKey) : undefined;
      if (source) for (const [n, c] of source.columns) table.columns.set(n, { ...c, hasDefault: false, identity: undefined });
      if (!source?.columnsComplete) table.columnsComplete = false;
    }
  }
  // A partition gets its parent's indexes, LIKE ... INCLUDING the source's indexes and identities: under names Postgres generates.
  if (ast.partbound || (ast.tableElts ?? []).some((e: any) => e.TableLikeClause)) noteGeneratedNames(s, key);
}

/** A new table in the model and its trace. */
function newTable(s: Schema, key: string, schemaWritten: string | undefined, ifNotExists: boolean | undefined, temp: boolean, revision: string | undefined): TableState {
  const guessed = placedByGuess(s, schemaWritten);
  const table = s.addTable(key, revision);
  // IF NOT EXISTS of a table the model never saw: it exists now, but may be one that was there already, with other columns.
  if (guessed || (ifNotExists === true && !certainlyAbsent(s, 'rel', key))) table.columnsComplete = false;
  noteCreated(s, 'rel', key, 'table', { temp, unsure: guessed });
  if (temp) s.tempCreated = true;
  return table;
}

/** CREATE TABLE ... AS / SELECT INTO: columns from the select list, types unknown. */
export function createTableAs(s: Schema, ast: any, revision: string | undefined): void {
  const temp = ast.into?.rel?.relpersistence === 't';
  const { name } = rangeVarName(ast.into?.rel);
  const schema = temp ? TEMP_SCHEMA : rangeVarName(ast.into?.rel).schema;
  const key = s.newName(name, schema);
  if (s.tableMap.has(key) && ast.if_not_exists) return;
  const table = newTable(s, key, schema, ast.if_not_exists, temp, revision);
  const explicit = columnList(ast.into?.colNames);
  const targets: any[] = ast.query?.SelectStmt?.targetList ?? [];
  // Columns named by Postgres after an expression (`count`, `?column?`), * and VALUES are not known.
  if (targets.length === 0 || ast.query?.SelectStmt?.op !== 'SETOP_NONE') table.columnsComplete = false;
  targets.forEach((t, i) => {
    const target = t.ResTarget;
    const fields = stringList(target?.val?.ColumnRef?.fields);
    const star = (target?.val?.ColumnRef?.fields ?? []).some((f: any) => f.A_Star !== undefined);
    if (explicit[i] === undefined && target?.name === undefined && (fields.length === 0 || star)) table.columnsComplete = false;
    const colName = explicit[i] ?? target?.name ?? fields[fields.length - 1] ?? `?column?`;
    table.columns.set(colName, column(colName, { type: 'unknown', typmods: [], isArray: false }));
  });
}

function column(name: string, type: { type: string; typmods: number[]; isArray: boolean }): ColumnModel {
  return { name, type: type.type, typmods: type.typmods, isArray: type.isArray, notNull: false, hasDefault: false, identity: undefined, generated: false };
}

/**
 * A column definition, with its inline constraints. `guessed`: the model may have the wrong table
 * (an ALTER TABLE named it without a schema where the search path is not certain, a CREATE TABLE IF
 * NOT EXISTS may have left an older one in place), so what it records of its constraints is a guess.
 */
export function addColumn(s: Schema, table: TableState, def: any, guessed = false): void {
  const name: string = def.colname;
  const existing = table.columns.get(name);
  if (!def.typeName) {
    // Column options of a partition (`col WITH OPTIONS NOT NULL`).
    if (!existing) return;
  }
  const info = def.typeName ? typeInfo(def.typeName) : { type: existing!.type, typmods: existing!.typmods, isArray: existing!.isArray };
  let col = column(name, info);
  if (SERIAL_TYPES.has(info.type) && !info.isArray) {
    col = { ...col, notNull: true, hasDefault: true };
    const seq = s.newName(chooseObjectName(table.name, name, 'seq', (n) => relationNameTaken(s, table.schema, n)), table.schema);
    s.mut.sequences.set(seq, { qualified: seq, ownedBy: `${table.qualified}.${name}` });
    noteCreated(s, 'rel', seq, 'sequence', { unsure: true });
    noteGeneratedNames(s, table.qualified);
  }
  // An identity column's sequence.
  if (def.identity || (def.constraints ?? []).some((c: any) => c.Constraint?.contype === 'CONSTR_IDENTITY')) noteGeneratedNames(s, table.qualified);
  if (def.raw_default) col = { ...col, hasDefault: true };
  if (def.is_not_null) col = { ...col, notNull: true };
  if (def.identity) col = { ...col, identity: def.identity === 'a' ? 'always' : 'by default', notNull: true };
  if (def.generated) col = { ...col, generated: true };
  table.columns.set(name, col);
  for (const node of def.constraints ?? []) {
    const c = node.Constraint;
    if (c) applyColumnConstraint(s, table, name, c, guessed);
  }
}

function applyColumnConstraint(s: Schema, table: TableState, name: string, c: any, guessed: boolean): void {
  const col = table.columns.get(name)!;
  switch (c.contype) {
    case 'CONSTR_NOTNULL':
      table.columns.set(name, { ...col, notNull: true });
      // Named, PostgreSQL 18 keeps it as a constraint of that name.
      if (c.conname) addConstraint(s, table, c, name, guessed);
      return;
    case 'CONSTR_NULL':
      table.columns.set(name, { ...col, notNull: false });
      return;
    case 'CONSTR_DEFAULT':
      table.columns.set(name, { ...col, hasDefault: true });
      return;
    case 'CONSTR_IDENTITY':
      table.columns.set(name, { ...col, identity: c.generated_when === 'a' ? 'always' : 'by default', notNull: true });
      return;
    case 'CONSTR_GENERATED':
      table.columns.set(name, { ...col, generated: true });
      return;
    default:
      addConstraint(s, table, c, name, guessed);
  }
}

const CONSTRAINT_TYPES: Record<string, ConstraintModel['type']> = {
  CONSTR_PRIMARY: 'primary',
  CONSTR_UNIQUE: 'unique',
  CONSTR_FOREIGN: 'foreign',
  CONSTR_CHECK: 'check',
  CONSTR_EXCLUSION: 'exclusion',
  CONSTR_NOTNULL: 'not-null',
};

const NAME_LABELS: Record<ConstraintModel['type'], string> = {
  primary: 'pkey',
  unique: 'key',
  foreign: 'fkey',
  check: 'check',
  exclusion: 'excl',
  'not-null': 'not_null',
};

/** Whether the schema has a relation of that name: tables, views, indexes, sequences and composite types share one namespace. */
export function relationNameTaken(s: Schema, schema: string, name: string): boolean {
  const key = `${schema}.${name}`;
  return s.tableMap.has(key) || s.viewMap.has(key) || s.indexMap.has(key) || s.sequences.has(key) || s.types.get(key)?.kind === 'composite';
}

/** Whether a table of the schema has a constraint of that name. */
function constraintNameTaken(s: Schema, schema: string, name: string): boolean {
  for (const table of s.tableMap.values()) if (table.schema === schema && table.constraints.has(name)) return true;
  return false;
}

/**
 * The name Postgres gives an unnamed constraint. A CHECK is `<table>_<column>_check` when its
 * expression reads exactly one column, else `<table>_check`; a foreign key names its columns
 * (ChooseConstraintName); a name no constraint of the schema has. A primary key, unique or
 * exclusion constraint takes its index's name, `<table>_pkey` or `<table>_<index columns>_key` /
 * `_excl`, INCLUDE columns too (ChooseIndexName): free among the schema's relations and constraints.
 */
function chooseName(s: Schema, table: TableState, type: ConstraintModel['type'], c: any, columns: string[]): string {
  const constraintTaken = (n: string) => table.constraints.has(n) || constraintNameTaken(s, table.schema, n);
  const indexTaken = (n: string) => constraintTaken(n) || relationNameTaken(s, table.schema, n);
  switch (type) {
    case 'primary':
      return chooseObjectName(table.name, undefined, 'pkey', indexTaken);
    case 'unique':
      return chooseObjectName(table.name, indexColumnNames([...columns, ...columnList(c.including)]).join('_'), 'key', indexTaken);
    case 'exclusion': {
      const elements = (c.exclusions ?? []).map((e: any) => e?.List?.items?.[0]).filter(Boolean);
      return chooseObjectName(table.name, indexColumnNames([...elements, ...columnList(c.including)]).join('_'), 'excl', indexTaken);
    }
    case 'check': {
      // A reference to the whole row (the table's name, no such column) reads no one column.
      const only = columns.length === 1 && (columns[0] !== table.name || table.columns.has(columns[0]!)) ? columns[0] : undefined;
      return chooseObjectName(table.name, only, 'check', constraintTaken);
    }
    default:
      return chooseObjectName(table.name, columns.join('_') || undefined, NAME_LABELS[type], constraintTaken);
  }
}

/** A table or column constraint (CREATE TABLE, ALTER TABLE ADD CONSTRAINT, column definitions); `guessed` as for addColumn. */
export function addConstraint(s: Schema, table: TableState, c: any, column: string | undefined, guessed = false): void {
  const type = CONSTRAINT_TYPES[c.contype];
  if (!type) return;
  let columns: string[];
  if (type === 'foreign') columns = c.fk_attrs ? columnList(c.fk_attrs) : column ? [column] : [];
  else if (type === 'check') columns = columnRefNames(c.raw_expr);
  else if (type === 'exclusion') columns = (c.exclusions ?? []).map((e: any) => e?.List?.items?.[0]?.IndexElem?.name).filter(Boolean);
  else columns = c.keys ? columnList(c.keys) : column ? [column] : [];
  if (type === 'not-null') {
    for (const name of columns) {
      const col = table.columns.get(name);
      if (col) table.columns.set(name, { ...col, notNull: true });
    }
    if (!c.conname) return;
  }
  if (c.indexname && (type === 'primary' || type === 'unique')) {
    const index = s.index(c.indexname);
    if (index) columns = index.columns;
  }
  // USING INDEX: an unnamed constraint takes the index's name.
  const name: string = c.conname ?? (c.indexname && (type === 'primary' || type === 'unique') ? c.indexname : chooseName(s, table, type, c, columns));
  const constraint: ConstraintModel = { name, type, columns, validated: !c.skip_validation };
  if (type === 'foreign') {
    const { schema, name: refName } = rangeVarName(c.pktable);
    const refKey = s.resolveName(s.tableMap, refName, schema) ?? s.newName(refName, schema);
    constraint.refTable = refKey;
    const refColumns = columnList(c.pk_attrs);
    constraint.refColumns = refColumns.length > 0 ? refColumns : refKey === table.qualified ? primaryColumnsOf(table) : s.primaryKeyColumns(refKey);
  }
  if (type === 'check') {
    const column = notNullTestColumn(c.raw_expr, table);
    if (column !== undefined) constraint.notNullColumn = column;
  }
  table.constraints.set(name, constraint);
  // A name the statement did not write is the model's guess at Postgres's.
  noteCreated(s, 'con', memberKey(table.born.at, name), 'constraint', { unsure: !c.conname || guessed });
  if (constraint.refTable) s.noteReference(table.qualified, constraint.refTable);
  if (type === 'primary') {
    for (const col of columns) {
      const current = table.columns.get(col);
      if (current) table.columns.set(col, { ...current, notNull: true });
    }
  }
  if (type === 'primary' || type === 'unique' || type === 'exclusion') {
    const qualified = `${table.schema}.${name}`;
    if (c.indexname) {
      const existing = s.resolveName(s.indexMap, c.indexname, table.schema) ?? s.resolveName(s.indexMap, c.indexname);
      if (existing) removeIndex(s, existing);
      // USING INDEX: Postgres renames the index to the constraint's name, or the constraint takes the index's.
      const old = existing ?? `${table.schema}.${c.indexname}`;
      if (old !== qualified) noteDropped(s, 'rel', old, 'index', { how: 'renamed', other: qualified });
    }
    const index: IndexModel = { name, qualified, table: table.qualified, columns, unique: type !== 'exclusion', method: type === 'exclusion' ? c.access_method ?? 'gist' : 'btree', constraint: name, reads: constraintIndexReads(c, columns) };
    s.mut.indexMap.set(qualified, index);
    table.indexes.add(qualified);
    const guessed = !c.conname && !c.indexname;
    noteCreated(s, 'rel', qualified, 'index', { unsure: guessed });
    if (guessed) noteGeneratedNames(s, table.qualified);
    if (table.partitioned) for (const child of childrenOf(s, table.qualified)) noteGeneratedNames(s, child);
  }
}

/** The columns a constraint's index reads: its keys, INCLUDE columns, an exclusion's expressions and WHERE clause. */
function constraintIndexReads(c: any, columns: string[]): string[] {
  const out = [...columns];
  const add = (names: string[]) => {
    for (const name of names) if (!out.includes(name)) out.push(name);
  };
  add(columnList(c.including));
  for (const exclusion of c.exclusions ?? []) add(indexElemColumns(exclusion?.List?.items?.slice(0, 1)));
  add(columnRefNames(c.where_clause));
  return out;
}

function primaryColumnsOf(table: TableState): string[] {
  for (const c of table.constraints.values()) if (c.type === 'primary') return c.columns;
  return [];
}

/** The tables that inherit from `key` or are its partitions. */
export function childrenOf(s: Schema, key: string): string[] {
  const out: string[] = [];
  if (!s.inheritance) return out;
  for (const t of s.tableMap.values()) if (t.inherits?.includes(key)) out.push(t.qualified);
  return out;
}

/**
 * Drops a constraint by name (and the index behind it); with CASCADE, a primary key or unique
 * constraint takes the foreign keys that reference its columns.
 */
export function dropConstraint(s: Schema, table: TableState, name: string, cascade = false, guessed = false): void {
  const constraint = table.constraints.get(name);
  noteDropped(s, 'con', memberKey(table.born.at, name), 'constraint', { unsure: guessed });
  if (!constraint) {
    // PG 18 names NOT NULL constraints `<table>_<column>_not_null`.
    for (const col of table.columns.values()) {
      if (makeObjectName(table.name, col.name, 'not_null') === name) table.columns.set(col.name, { ...col, notNull: false });
    }
    return;
  }
  table.constraints.delete(name);
  const indexKey = `${table.schema}.${name}`;
  if (s.indexMap.get(indexKey)?.constraint === name) removeIndex(s, indexKey, `constraint ${name}`);
  if (cascade && (constraint.type === 'primary' || constraint.type === 'unique')) {
    const keys = [...constraint.columns].sort().join(',');
    for (const other of s.tablesReferencing(table.qualified)) {
      for (const c of other.constraints.values()) {
        if (c.type !== 'foreign' || c.refTable !== table.qualified || [...(c.refColumns ?? [])].sort().join(',') !== keys) continue;
        s.mutableTable(other.qualified)!.constraints.delete(c.name);
        // Postgres picks the unique index a foreign key uses: maybe another one on the same columns.
        noteDropped(s, 'con', memberKey(other.born.at, c.name), 'constraint', { how: 'cascade', other: `constraint ${name} of table ${table.qualified}`, unsure: true });
      }
    }
  }
}

/** ALTER TABLE ... DROP NOT NULL: a named NOT NULL constraint of the column goes (PostgreSQL 18 keeps them). */
function dropNotNullConstraints(s: Schema, table: TableState, column: string): void {
  for (const c of [...table.constraints.values()]) {
    if (c.type !== 'not-null' || !c.columns.includes(column)) continue;
    table.constraints.delete(c.name);
    noteDropped(s, 'con', memberKey(table.born.at, c.name), 'constraint');
  }
}

/** ALTER TABLE and its subcommands. */
export function alterTable(s: Schema, ast: any): void {
  if (ast.objtype && ast.objtype !== 'OBJECT_TABLE' && ast.objtype !== 'OBJECT_FOREIGN_TABLE') return;
  const key = tableKeyOf(s, ast.relation);
  if (key === undefined) return;
  const guessed = placedByGuess(s, ast.relation?.schemaname);
  for (const node of ast.cmds ?? []) {
    const cmd = node.AlterTableCmd;
    if (!cmd) continue;
    const table = s.mutableTable(key)!;
    const col = cmd.name ? table.columns.get(cmd.name) : undefined;
    switch (cmd.subtype) {
      case 'AT_AddColumn':
      case 'AT_AddColumnToView':
        if (cmd.def?.ColumnDef && !(cmd.missing_ok && table.columns.has(cmd.def.ColumnDef.colname))) {
          addColumn(s, table, cmd.def.ColumnDef, guessed);
          noteCreated(s, 'col', columnKey(table.born.at, cmd.def.ColumnDef.colname), 'column', { unsure: guessed });
        }
        break;
      case 'AT_DropColumn':
        if (col) dropColumnDependents(s, key, cmd.name, cmd.behavior !== 'DROP_CASCADE');
        else if (cmd.name) noteDropped(s, 'col', columnKey(table.born.at, cmd.name), 'column');
        break;
      case 'AT_AlterColumnType':
        if (col && cmd.def?.ColumnDef?.typeName) {
          const info = typeInfo(cmd.def.ColumnDef.typeName);
          table.columns.set(col.name, { ...col, type: info.type, typmods: info.typmods, isArray: info.isArray });
        }
        break;
      case 'AT_SetNotNull':
        if (col) table.columns.set(col.name, { ...col, notNull: true });
        break;
      case 'AT_DropNotNull':
        if (col) table.columns.set(col.name, { ...col, notNull: false });
        if (cmd.name) dropNotNullConstraints(s, table, cmd.name);
        break;
      case 'AT_ColumnDefault':
        if (col) table.columns.set(col.name, { ...col, hasDefault: cmd.def !== undefined });
        break;
      case 'AT_AddIdentity':
        if (col) table.columns.set(col.name, { ...col, identity: cmd.def?.Constraint?.generated_when === 'a' ? 'always' : 'by default', notNull: true });
        noteGeneratedNames(s, key);
        break;
      case 'AT_AttachPartition': {
        // The partition now follows its parent's columns, and gets its indexes under generated names.
        const partition = tableKeyOf(s, cmd.def?.PartitionCmd?.name);
        const child = partition ? s.mutableTable(partition) : undefined;
        if (child) {
          child.columnsComplete = false;
          child.inherits = [...(child.inherits ?? []), key];
          child.partition = true;
          if (cmd.def?.PartitionCmd?.bound?.is_default) child.defaultPartition = true;
          s.inheritance = true;
          noteGeneratedNames(s, child.qualified);
        }
        break;
      }
      case 'AT_DetachPartition': {
        const partition = tableKeyOf(s, cmd.def?.PartitionCmd?.name);
        const child = partition ? s.mutableTable(partition) : undefined;
        if (child?.inherits) {
          child.inherits = child.inherits.filter((p) => p !== key);
          child.partition = false;
          child.defaultPartition = false;
        }
        break;
      }
      case 'AT_AddInherit': {
        const parent = tableKeyOf(s, cmd.def?.RangeVar);
        table.columnsComplete = false;
        if (parent) {
          table.inherits = [...(table.inherits ?? []), parent];
          s.inheritance = true;
        }
        break;
      }
      case 'AT_DropInherit': {
        const parent = tableKeyOf(s, cmd.def?.RangeVar);
        if (parent && table.inherits) table.inherits = table.inherits.filter((p) => p !== parent);
        break;
      }
      case 'AT_DropIdentity':
        if (col) table.columns.set(col.name, { ...col, identity: undefined });
        break;
      case 'AT_DropExpression':
        if (col) table.columns.set(col.name, { ...col, generated: false });
        break;
      case 'AT_AddConstraint':
        if (cmd.def?.Constraint) addConstraint(s, table, cmd.def.Constraint, undefined, guessed);
        break;
      case 'AT_DropConstraint':
        dropConstraint(s, table, cmd.name, cmd.behavior === 'DROP_CASCADE', guessed);
        break;
      case 'AT_ValidateConstraint': {
        const constraint = table.constraints.get(cmd.name);
        if (constraint) table.constraints.set(cmd.name, { ...constraint, validated: true });
        break;
      }
      case 'AT_EnableRowSecurity':
      case 'AT_ForceRowSecurity':
        table.rowSecurity = true;
        break;
      case 'AT_DisableRowSecurity':
        table.rowSecurity = false;
        break;
      default:
        break;
    }
  }
}
