import { q, strings } from '../analysis/ast.js';
import { outputNames, type OutputName } from '../analysis/output-names.js';
import { offsetInStatement } from '../analysis/positions.js';
import type { LintStatement, Rule, RuleContext } from '../types.js';

/** A column named in a statement: where, and whether only a field or element of it is assigned. */
interface Named {
  name: string;
  location?: number;
  partial?: boolean;
}

/** What the statement does with the names, for messages, and what Postgres answers. */
interface Context {
  words: string;
  error: (name: string) => string;
}

const ASSIGNED: Context = { words: 'assigned more than once', error: (name) => `multiple assignments to same column "${name}"` };
const LISTED: Context = { words: 'listed more than once', error: (name) => `column "${name}" specified more than once` };
const DEFINED: Context = { words: 'defined more than once', error: (name) => `column "${name}" specified more than once` };

/** The targets of a SET list or an INSERT column list. */
function targets(list: any[] | undefined): Named[] {
  return ((list ?? []) as any[])
    .map((t) => t.ResTarget)
    .filter((t) => typeof t?.name === 'string')
    .map((t) => ({ name: t.name as string, location: t.location as number | undefined, partial: (t.indirection ?? []).length > 0 }));
}

/** The columns a CREATE TABLE's elements or a composite type's attributes define. */
function columnDefs(elements: any[] | undefined): Named[] {
  return ((elements ?? []) as any[])
    .map((e) => e.ColumnDef)
    .filter((c) => typeof c?.colname === 'string')
    .map((c) => ({ name: c.colname as string, location: c.location as number | undefined }));
}

/** The column names of a view, CREATE TABLE AS or SELECT INTO: the written ones, then the query's. */
function columnNames(written: string[], query: OutputName[] | undefined): Named[] {
  const named: Named[] = written.map((name) => ({ name }));
  if (!query) return named;
  // A `*` among the columns the written names cover shifts which names they replace: compare only those.
  if (written.length > 0 && query.slice(0, written.length).some((c) => c.star)) return named;
  for (const column of query.slice(written.length)) if (column.name !== undefined && !column.star) named.push({ name: column.name, ...(column.location !== undefined ? { location: column.location } : {}) });
  return named;
}

/** The columns of a statement that Postgres refuses to see twice, by context. */
function groups(statement: LintStatement): Array<{ context: Context; names: Named[] }> {
  const out: Array<{ context: Context; names: Named[] }> = [];
  const visit = (kind: string, ast: any) => {
    for (const cte of ast?.withClause?.ctes ?? []) {
      const query = cte.CommonTableExpr?.ctequery;
      if (query) visit(Object.keys(query)[0]!, Object.values(query)[0]);
    }
    switch (kind) {
      case 'UpdateStmt':
        out.push({ context: ASSIGNED, names: targets(ast.targetList) });
        break;
      case 'InsertStmt':
        out.push({ context: LISTED, names: targets(ast.cols) });
        if (ast.onConflictClause?.targetList) out.push({ context: ASSIGNED, names: targets(ast.onConflictClause.targetList) });
        break;
      case 'MergeStmt':
        for (const clause of ast.mergeWhenClauses ?? []) {
          const when = clause.MergeWhenClause;
          if (when?.commandType === 'CMD_UPDATE') out.push({ context: ASSIGNED, names: targets(when.targetList) });
          if (when?.commandType === 'CMD_INSERT') out.push({ context: LISTED, names: targets(when.targetList) });
        }
        break;
      case 'CreateStmt':
      case 'CreateForeignTableStmt': {
        const table = kind === 'CreateStmt' ? ast : ast.base;
        out.push({ context: DEFINED, names: columnDefs(table?.tableElts) });
        break;
      }
      case 'CompositeTypeStmt':
        out.push({ context: DEFINED, names: columnDefs(ast.coldeflist) });
        break;
      case 'ViewStmt':
        out.push({ context: DEFINED, names: columnNames(strings(ast.aliases), outputNames(ast.query?.SelectStmt)) });
        break;
      case 'CreateTableAsStmt':
        if (ast.query?.SelectStmt) out.push({ context: DEFINED, names: columnNames(strings(ast.into?.colNames), outputNames(ast.query.SelectStmt)) });
        break;
      case 'SelectStmt':
        if (ast.intoClause) out.push({ context: DEFINED, names: columnNames([], outputNames(ast)) });
        break;
    }
  };
  visit(statement.kind, statement.ast);
  return out;
}

function report(statement: LintStatement, context: Context, names: Named[], ctx: RuleContext): void {
  const seen = new Map<string, Named[]>();
  for (const named of names) seen.set(named.name, [...(seen.get(named.name) ?? []), named]);
  for (const [name, all] of seen) {
    // Assignments to different fields or elements of one column (`a.x = 1, a.y = 2`) are fine.
    if (all.length < 2 || all.every((n) => n.partial)) continue;
    const second = all[1]!;
    const unnamed = name === '?column?' ? ' (the name Postgres gives an expression it cannot name: give each its own with AS)' : '';
    ctx.report({
      at: statement,
      offset: offsetInStatement(statement, second.location),
      message: `Column ${q(name)} is ${context.words}${unnamed}: Postgres refuses the statement ("${context.error(name)}").`,
      help: 'The migration would fail at this statement. Keep one of them: the one you meant.',
      fix: { description: `Keep one ${q(name)} (rename or remove the others)` },
    });
  }
}

/** A column assigned, listed or defined twice in one statement, which Postgres refuses. */
export const rule: Rule = {
  id: 'ban-duplicate-column-assignments',
  description: 'A column assigned twice in an UPDATE, listed twice in an INSERT, or defined twice in a CREATE TABLE, composite type or view: Postgres refuses the statement.',
  defaultSeverity: 'error',
  kind: 'governance',
  statementKinds: ['UpdateStmt', 'InsertStmt', 'MergeStmt', 'DeleteStmt', 'CreateStmt', 'CreateForeignTableStmt', 'CompositeTypeStmt', 'ViewStmt', 'CreateTableAsStmt', 'SelectStmt'],
  statement(statement, _model, ctx) {
    for (const { context, names } of groups(statement)) report(statement, context, names, ctx);
  },
};
