/**
 * Names from libpg-query's JSON parse tree, normalised the way the schema model keys its objects:
 * `schema.name`, lower-cased by the parser unless quoted.
 */

/** A `RangeVar` (table reference) as `{ schema, name }`; schema undefined when not written. */
export interface RelationName {
  schema: string | undefined;
  name: string;
}

export function rangeVarName(rangeVar: any): RelationName {
  return { schema: rangeVar?.schemaname, name: rangeVar?.relname ?? '' };
}

/** The `sval`s of a list of `String` nodes. */
export function stringList(nodes: any[] | undefined): string[] {
  const out: string[] = [];
  for (const node of nodes ?? []) {
    const value = node?.String?.sval;
    if (typeof value === 'string') out.push(value);
  }
  return out;
}

/** A dotted name (`['s', 't']` or `['t']`) as a RelationName. */
export function listName(parts: string[]): RelationName {
  if (parts.length >= 2) return { schema: parts[parts.length - 2], name: parts[parts.length - 1]! };
  return { schema: undefined, name: parts[0] ?? '' };
}

/** A list node (`{ List: { items } }`) or a bare array of `String` nodes as a name. */
export function objectName(node: any): string[] {
  if (Array.isArray(node)) return stringList(node);
  if (node?.List) return stringList(node.List.items);
  if (node?.String) return [node.String.sval];
  if (node?.TypeName) return stringList(node.TypeName.names);
  return [];
}

/** The schema the model keeps temporary relations in: the session's own, which Postgres searches first. */
export const TEMP_SCHEMA = 'pg_temp';

export function qualify(schema: string, name: string): string {
  return `${schema}.${name}`;
}

/** Splits `schema.name` (the last dot separates). */
export function splitQualified(qualified: string): { schema: string; name: string } {
  const dot = qualified.lastIndexOf('.');
  return dot < 0 ? { schema: 'public', name: qualified } : { schema: qualified.slice(0, dot), name: qualified.slice(dot + 1) };
}

/** A column type as the parser writes it: `int4`, `varchar`, `timestamptz`, or `schema.type` for user types. */
export interface TypeInfo {
  type: string;
  typmods: number[];
  isArray: boolean;
}

export function typeInfo(typeName: any): TypeInfo {
  const names = stringList(typeName?.names);
  let type = names.join('.');
  if (names.length === 2 && names[0] === 'pg_catalog') type = names[1]!;
  const typmods: number[] = [];
  for (const mod of typeName?.typmods ?? []) {
    const ival = mod?.A_Const?.ival;
    if (ival !== undefined) typmods.push(ival.ival ?? 0);
  }
  return { type, typmods, isArray: Array.isArray(typeName?.arrayBounds) && typeName.arrayBounds.length > 0 };
}

/** Renders a type for messages and signatures: `varchar(20)`, `int4[]`. */
export function typeText(info: TypeInfo): string {
  return `${info.type}${info.typmods.length > 0 ? `(${info.typmods.join(',')})` : ''}${info.isArray ? '[]' : ''}`;
}

/** Every `String` in a list of column names (`keys`, `fk_attrs`, `pk_attrs`). */
export function columnList(nodes: any[] | undefined): string[] {
  return stringList(nodes);
}

/**
 * Postgres's makeObjectName: `name1_name2_label`, each part cut so the whole fits in 63 bytes,
 * the longer part losing characters first.
 */
export function makeObjectName(name1: string, name2: string | undefined, label: string | undefined): string {
  const max = 63;
  let n1 = name1;
  let n2 = name2 ?? '';
  const overhead = (name2 ? 1 : 0) + (label ? label.length + 1 : 0);
  while (byteLength(n1) + byteLength(n2) + overhead > max) {
    if (byteLength(n1) > byteLength(n2)) n1 = n1.slice(0, -1);
    else n2 = n2.slice(0, -1);
  }
  return [n1, name2 ? n2 : undefined, label].filter((p) => p !== undefined && p !== '').join('_');
}

/**
 * Postgres's ChooseRelationName and ChooseConstraintName: makeObjectName, then a number after the
 * label (`t_a_key1`, `t_a_key2`, ...) until `taken` says the name is free.
 */
export function chooseObjectName(name1: string, name2: string | undefined, label: string, taken: (name: string) => boolean): string {
  let candidate = makeObjectName(name1, name2, label);
  for (let pass = 1; taken(candidate) && pass < 1000; pass++) candidate = makeObjectName(name1, name2, `${label}${pass}`);
  return candidate;
}

const SQL_VALUE_FUNCTIONS: Record<string, string> = { SVFOP_USER: 'user' };

/** FigureColnameInternal: the name Postgres gives an expression's column, and how sure it is of it (2, 1 or 0). */
function figureColname(node: any): [string | undefined, number] {
  if (node === null || typeof node !== 'object') return [undefined, 0];
  const [type] = Object.keys(node);
  const body = node[type!];
  switch (type) {
    case 'ColumnRef': {
      const names = stringList(body.fields);
      return names.length > 0 ? [names[names.length - 1], 2] : [undefined, 0];
    }
    case 'A_Indirection': {
      const names = stringList(body.indirection);
      return names.length > 0 ? [names[names.length - 1], 2] : figureColname(body.arg);
    }
    case 'FuncCall': {
      const names = stringList(body.funcname);
      return [names[names.length - 1], 2];
    }
    case 'A_Expr':
      return body.kind === 'AEXPR_NULLIF' ? ['nullif', 2] : [undefined, 0];
    case 'TypeCast': {
      const inner = figureColname(body.arg);
      if (inner[1] > 1) return inner;
      const names = stringList(body.typeName?.names);
      return names.length > 0 ? [names[names.length - 1], 1] : inner;
    }
    case 'CollateClause':
      return figureColname(body.arg);
    case 'GroupingFunc':
      return ['grouping', 2];
    case 'CaseExpr': {
      const result = figureColname(body.defresult);
      return result[1] > 1 ? result : ['case', 1];
    }
    case 'A_ArrayExpr':
      return ['array', 1];
    case 'RowExpr':
      return ['row', 1];
    case 'CoalesceExpr':
      return ['coalesce', 1];
    case 'MinMaxExpr':
      return [body.op === 'IS_GREATEST' ? 'greatest' : 'least', 1];
    case 'SQLValueFunction':
      return [SQL_VALUE_FUNCTIONS[body.op] ?? String(body.op).replace(/^SVFOP_/, '').replace(/_N$/, '').toLowerCase(), 1];
    default:
      return [undefined, 0];
  }
}

/**
 * The column names Postgres gives an index's elements (ChooseIndexColumnNames): a column's name, a
 * name figured from an expression (`lower`, `coalesce`, else `expr`), each made unique with a number.
 */
export function indexColumnNames(elements: ReadonlyArray<string | { IndexElem?: any }>): string[] {
  const out: string[] = [];
  for (const element of elements) {
    const elem = typeof element === 'string' ? undefined : element?.IndexElem;
    if (typeof element !== 'string' && !elem) continue;
    const original: string = typeof element === 'string' ? element : (elem.indexcolname ?? elem.name ?? figureColname(elem.expr)[0] ?? 'expr');
    let name = original;
    for (let i = 1; out.includes(name); i++) name = `${original.slice(0, 63 - String(i).length)}${i}`;
    out.push(name);
  }
  return out;
}

function byteLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text) ? text.length : Buffer.byteLength(text);
}

/** Collects every node of a kind (`RangeVar`, `ColumnRef`, ...) in a parse tree. */
export function collectNodes(tree: unknown, kind: string, out: any[] = []): any[] {
  if (Array.isArray(tree)) {
    for (const item of tree) collectNodes(item, kind, out);
  } else if (tree !== null && typeof tree === 'object') {
    for (const [key, value] of Object.entries(tree)) {
      if (key === kind) out.push(value);
      collectNodes(value, kind, out);
    }
  }
  return out;
}

/**
 * A relation name as text (`'app.orders'`, `'"Orders"'`), read the way Postgres reads a regclass
 * literal: dotted, unquoted parts folded to lower case. Undefined for text that is not a name.
 */
export function relationNameText(text: string): RelationName | undefined {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    let part: string;
    if (rest.startsWith('"')) {
      const end = /^"((?:[^"]|"")*)"/.exec(rest);
      if (!end) return undefined;
      part = end[1]!.replace(/""/g, '"');
      rest = rest.slice(end[0].length);
    } else {
      const word = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(rest);
      if (!word) return undefined;
      part = word[0].toLowerCase();
      rest = rest.slice(word[0].length);
    }
    parts.push(part);
    if (rest.length === 0) break;
    if (!rest.startsWith('.')) return undefined;
    rest = rest.slice(1);
  }
  if (parts.length === 0 || parts.length > 3) return undefined;
  return listName(parts.slice(-2));
}

/** The columns an expression reads (the last name of each column reference), in order of appearance, each once. */
export function columnRefNames(expr: unknown): string[] {
  const out: string[] = [];
  for (const ref of collectNodes(expr, 'ColumnRef')) {
    const fields = stringList(ref.fields);
    const name = fields[fields.length - 1];
    if (name && !(ref.fields ?? []).some((f: any) => f.A_Star !== undefined) && !out.includes(name)) out.push(name);
  }
  return out;
}

/** The columns an index's elements read (IndexElem nodes: a column name, or an expression). */
export function indexElemColumns(params: any[] | undefined): string[] {
  const out: string[] = [];
  for (const param of params ?? []) {
    const elem = param?.IndexElem;
    if (!elem) continue;
    for (const name of elem.name ? [elem.name as string] : columnRefNames(elem.expr)) if (!out.includes(name)) out.push(name);
  }
  return out;
}

/**
 * The column of a `CHECK (column IS NOT NULL)` expression on `table`: the column as written alone,
 * or qualified by the table's name (`table.column`, `schema.table.column`), as Postgres accepts.
 */
export function notNullTestColumn(expr: any, table: { schema?: string | undefined; name: string }): string | undefined {
  const test = expr?.NullTest;
  if (!test || test.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = stringList(test.arg?.ColumnRef?.fields);
  if (fields.length === 1) return fields[0];
  if (fields.length === 2 && fields[0] === table.name) return fields[1];
  if (fields.length === 3 && fields[1] === table.name && (table.schema === undefined || fields[0] === table.schema)) return fields[2];
  return undefined;
}
