/**
 * The names of a query's output columns, as Postgres gives them (parse_target.c, FigureColname):
 * the alias, else a name taken from the expression (a column's, a function's, a cast's type), else
 * `?column?`. CREATE VIEW, CREATE TABLE AS and SELECT INTO name their columns so.
 */

/** One output column: its name (undefined when this reader cannot tell it), or a `*` expansion. */
export interface OutputName {
  name: string | undefined;
  star?: boolean;
  /** The ResTarget's location, to point a finding at. */
  location?: number;
}

const SQL_VALUE_FUNCTIONS: Record<string, string> = {
  SVFOP_CURRENT_DATE: 'current_date',
  SVFOP_CURRENT_TIME: 'current_time',
  SVFOP_CURRENT_TIME_N: 'current_time',
  SVFOP_CURRENT_TIMESTAMP: 'current_timestamp',
  SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp',
  SVFOP_LOCALTIME: 'localtime',
  SVFOP_LOCALTIME_N: 'localtime',
  SVFOP_LOCALTIMESTAMP: 'localtimestamp',
  SVFOP_LOCALTIMESTAMP_N: 'localtimestamp',
  SVFOP_CURRENT_ROLE: 'current_role',
  SVFOP_CURRENT_USER: 'current_user',
  SVFOP_USER: 'user',
  SVFOP_SESSION_USER: 'session_user',
  SVFOP_CURRENT_CATALOG: 'current_catalog',
  SVFOP_CURRENT_SCHEMA: 'current_schema',
};

/** Expressions Postgres cannot name: `?column?` unless a cast or CASE around them names them. */
const UNNAMED = new Set(['A_Const', 'ParamRef', 'BoolExpr', 'NullTest', 'BooleanTest', 'A_Expr']);

/** The name of the last `String` of a list of nodes. */
function lastString(nodes: any[] | undefined): string | undefined {
  let name: string | undefined;
  for (const node of nodes ?? []) if (typeof node?.String?.sval === 'string') name = node.String.sval;
  return name;
}

/**
 * FigureColnameInternal: a name and its strength (2 sure, 1 a fallback a surrounding expression may
 * override, 0 none); undefined for expressions this reader does not know.
 */
function figure(node: any): { name: string; strength: number } | undefined {
  if (node === undefined || node === null) return { name: '?column?', strength: 0 };
  const kind = Object.keys(node)[0]!;
  const body = node[kind];
  switch (kind) {
    case 'ColumnRef': {
      const name = lastString(body.fields);
      return name !== undefined ? { name, strength: 2 } : { name: '?column?', strength: 0 };
    }
    case 'A_Indirection': {
      const name = lastString(body.indirection);
      return name !== undefined ? { name, strength: 2 } : figure(body.arg);
    }
    case 'FuncCall':
      return { name: lastString(body.funcname) ?? '?column?', strength: 2 };
    case 'TypeCast': {
      const inner = figure(body.arg);
      if (!inner) return undefined;
      const type = lastString(body.typeName?.names);
      return inner.strength <= 1 && type !== undefined ? { name: type, strength: 1 } : inner;
    }
    case 'CollateClause':
      return figure(body.arg);
    case 'GroupingFunc':
      return { name: 'grouping', strength: 2 };
    case 'MergeSupportFunc':
      return { name: 'merge_action', strength: 2 };
    case 'SubLink':
      if (body.subLinkType === 'EXISTS_SUBLINK') return { name: 'exists', strength: 2 };
      if (body.subLinkType === 'ARRAY_SUBLINK') return { name: 'array', strength: 2 };
      if (body.subLinkType === 'EXPR_SUBLINK') {
        const first = outputNames(body.subselect?.SelectStmt)?.[0];
        return first?.name !== undefined && !first.star ? { name: first.name, strength: 2 } : undefined;
      }
      return { name: '?column?', strength: 0 };
    case 'CaseExpr': {
      const otherwise = figure(body.defresult);
      if (!otherwise) return undefined;
      return otherwise.strength <= 1 ? { name: 'case', strength: 1 } : otherwise;
    }
    case 'A_ArrayExpr':
      return { name: 'array', strength: 2 };
    case 'RowExpr':
      return { name: 'row', strength: 2 };
    case 'CoalesceExpr':
      return { name: 'coalesce', strength: 2 };
    case 'MinMaxExpr':
      return body.op === 'IS_GREATEST' ? { name: 'greatest', strength: 2 } : body.op === 'IS_LEAST' ? { name: 'least', strength: 2 } : undefined;
    case 'SQLValueFunction':
      return SQL_VALUE_FUNCTIONS[body.op] ? { name: SQL_VALUE_FUNCTIONS[body.op]!, strength: 2 } : undefined;
    case 'A_Expr':
      return body.kind === 'AEXPR_NULLIF' ? { name: 'nullif', strength: 2 } : { name: '?column?', strength: 0 };
    default:
      return UNNAMED.has(kind) ? { name: '?column?', strength: 0 } : undefined;
  }
}

/** The output columns of a SELECT (its leftmost branch for UNION and the like); undefined when not a SELECT. */
export function outputNames(select: any): OutputName[] | undefined {
  if (!select) return undefined;
  if (select.op && select.op !== 'SETOP_NONE') return outputNames(select.larg);
  if (select.valuesLists) {
    const first = select.valuesLists[0]?.List?.items ?? [];
    return first.map((_: unknown, i: number) => ({ name: `column${i + 1}` }));
  }
  return ((select.targetList ?? []) as any[]).map((t): OutputName => {
    const target = t.ResTarget ?? {};
    if (typeof target.name === 'string') return { name: target.name, location: target.location };
    const parts: any[] = target.val?.ColumnRef?.fields ?? target.val?.A_Indirection?.indirection ?? [];
    if (parts.some((f) => f?.A_Star)) return { name: undefined, star: true, location: target.location };
    const figured = figure(target.val);
    return { name: figured ? (figured.strength > 0 ? figured.name : '?column?') : undefined, location: target.location };
  });
}
