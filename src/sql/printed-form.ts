import { ensureParser, parseSql } from './parse.js';

/**
 * The parse tree of SQL that Postgres printed (a view's query, a constraint, an index, a default),
 * as text that is the same for two printings of the same thing: locations are left out, and a
 * column reference qualified with the only relation of its query level is written unqualified.
 * Postgres 16 and later print `SELECT id FROM customers` where Postgres 15 printed
 * `SELECT customers.id FROM customers`; both mean the same, since an unqualified name is looked
 * up in the innermost query level first. A qualifier naming anything else (an outer query's
 * relation, one of several in a join) is kept. Undefined when the text does not parse.
 *
 * `ensureParser()` must have been awaited.
 *
 * @example
 * printedForm('SELECT customers.id FROM public.customers') === printedForm('SELECT id FROM public.customers'); // true
 */
export function printedForm(sql: string): string | undefined {
  let statements;
  try {
    statements = parseSql(sql);
  } catch {
    return undefined;
  }
  return JSON.stringify(statements.map((s) => normalise({ [s.kind]: s.ast })));
}

/**
 * Whether two printed forms of a snapshot property mean the same: `kind` says what the text is
 * (`statement` for a view's query or a CREATE INDEX / CREATE TRIGGER, `constraint` for
 * `CHECK (...)` or `FOREIGN KEY ...`, `expression` for a default or a predicate).
 */
export async function samePrintedMeaning(kind: 'statement' | 'constraint' | 'expression', before: string, after: string): Promise<boolean> {
  if (before === after) return true;
  await ensureParser();
  const wrap = (text: string) => (kind === 'constraint' ? `ALTER TABLE t ADD CONSTRAINT c ${text}` : kind === 'expression' ? `SELECT ${text}` : text);
  const a = printedForm(wrap(before));
  return a !== undefined && a === printedForm(wrap(after));
}

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A copy of a parse tree without locations and with single-relation qualifiers removed. */
function normalise(tree: unknown): unknown {
  return walk(tree, undefined);
}

/** The clauses of a SelectStmt that are in the scope of its FROM list (not the FROM list itself). */
const SCOPED_CLAUSES = new Set(['targetList', 'whereClause', 'groupClause', 'havingClause', 'sortClause', 'windowClause', 'distinctClause']);

/** Offsets into the text, which say where, not what. */
const LOCATIONS = new Set(['location', 'stmt_location', 'stmt_len', 'list_start', 'list_end', 'name_location', 'rexpr_list_start', 'rexpr_list_end']);

function walk(value: unknown, only: string | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(v, only));
  if (!isNode(value)) return value;
  const out: Node = {};
  for (const [key, child] of Object.entries(value)) {
    if (LOCATIONS.has(key)) continue;
    if (key === 'SelectStmt' && isNode(child)) {
      out[key] = selectStmt(child);
    } else if (key === 'ColumnRef' && isNode(child)) {
      out[key] = columnRef(child, only);
    } else {
      out[key] = walk(child, only);
    }
  }
  return out;
}

/**
 * A query level: its clauses see its only FROM item, if it has one. Nothing else is unqualified:
 * not the FROM list (a join condition, a LATERAL item), nor a level without a FROM list or with
 * several items, nor what refers to an outer level.
 */
function selectStmt(stmt: Node): Node {
  const own = soleRelationName(stmt.fromClause);
  const out: Node = {};
  for (const [key, child] of Object.entries(stmt)) {
    if (LOCATIONS.has(key)) continue;
    out[key] = walk(child, SCOPED_CLAUSES.has(key) ? own : undefined);
  }
  return out;
}

/** The name a query level's only FROM item is referred to by (its alias, else its relation's name), or undefined. */
function soleRelationName(fromClause: unknown): string | undefined {
  if (!Array.isArray(fromClause) || fromClause.length !== 1 || !isNode(fromClause[0])) return undefined;
  const item = fromClause[0];
  const alias = (node: unknown) => (isNode(node) && isNode(node.alias) && typeof node.alias.aliasname === 'string' ? node.alias.aliasname : undefined);
  if (isNode(item.RangeVar)) return alias(item.RangeVar) ?? (typeof item.RangeVar.relname === 'string' ? item.RangeVar.relname : undefined);
  if (isNode(item.RangeSubselect)) return alias(item.RangeSubselect);
  if (isNode(item.RangeFunction)) return alias(item.RangeFunction);
  return undefined;
}

function columnRef(ref: Node, only: string | undefined): Node {
  const fields = Array.isArray(ref.fields) ? ref.fields : [];
  const first = fields[0];
  const qualifier = isNode(first) && isNode(first.String) ? first.String.sval : undefined;
  const kept = only !== undefined && fields.length === 2 && qualifier === only ? fields.slice(1) : fields;
  return walk({ ...ref, fields: kept }, only) as Node;
}
