import { displayName, lookupName, q, quoteIdent, type RangeVar } from '../analysis/ast.js';
import { droppedObjects } from '../analysis/new-objects.js';
import { offsetInStatement } from '../analysis/positions.js';
import type { LintStatement, Rule, SchemaModel } from '../types.js';

/** The schema of the session's temporary tables in the model. */
const TEMP_SCHEMA = 'pg_temp';

/** The table names a statement writes without a schema: `created` for CREATE TABLE (AS). */
function unqualified(statement: LintStatement): { tables: RangeVar[]; created: boolean } {
  const { kind, ast } = statement;
  const bare = (r: RangeVar | undefined): r is RangeVar => r !== undefined && !r.schemaname;
  switch (kind) {
    case 'CreateStmt':
      return { tables: ast.relation?.relpersistence === 't' || !bare(ast.relation) ? [] : [ast.relation], created: true };
    case 'CreateTableAsStmt': {
      const rel = ast.into?.rel;
      return { tables: ast.objtype === 'OBJECT_TABLE' && rel?.relpersistence !== 't' && bare(rel) ? [rel] : [], created: true };
    }
    case 'AlterTableStmt':
      return { tables: (ast.objtype === undefined || ast.objtype === 'OBJECT_TABLE') && bare(ast.relation) ? [ast.relation] : [], created: false };
    case 'DropStmt':
      return { tables: ast.removeType === 'OBJECT_TABLE' ? droppedObjects(statement).filter(bare) : [], created: false };
    default:
      return { tables: [], created: false };
  }
}

/** The schema an existing table's bare name resolves to in the model, unless a temporary table. */
function schemaOf(model: SchemaModel, table: RangeVar): string | undefined {
  return model.table(lookupName(table))?.schema;
}

/** A table named without its schema in CREATE, ALTER or DROP TABLE. Off unless configured: a style choice. */
export const rule: Rule = {
  id: 'require-table-schema',
  description: 'CREATE, ALTER or DROP TABLE naming the table without its schema, so that search_path decides which table it is.',
  defaultSeverity: 'off',
  kind: 'style',
  statementKinds: ['CreateStmt', 'CreateTableAsStmt', 'AlterTableStmt', 'DropStmt'],
  statement(statement, model, ctx) {
    const { tables, created } = unqualified(statement);
    const named = tables.filter((t) => schemaOf(model, t) !== TEMP_SCHEMA);
    if (named.length === 0) return;
    const schemas = named.map((t) => schemaOf(model, t));
    const first = named[0]!;
    const at = offsetInStatement(statement, first.location);
    const replacement = named.length === 1 && schemas[0] !== undefined && at !== undefined ? `${statement.text.slice(0, at)}${quoteIdent(schemas[0])}.${statement.text.slice(at)}` : undefined;
    const resolves = !created && schemas.every((s) => s !== undefined) ? ` (the history resolves ${named.length === 1 ? 'it' : 'them'} to ${[...new Set(schemas)].map((s) => q(s!)).join(', ')})` : '';
    ctx.report({
      at: statement,
      ...(at !== undefined ? { offset: at } : {}),
      message: `${named.length === 1 ? 'Table' : 'Tables'} ${named.map((t) => q(displayName(t))).join(', ')} ${named.length === 1 ? 'is' : 'are'} named without a schema${resolves}: search_path decides ${created ? 'the schema it is created in' : 'which table this is'}.`,
      help: 'A session\'s search_path (the role\'s, the database\'s, a SET in an earlier migration) decides where an unqualified name points. Write the schema, as in public.orders, so every environment runs the same statement.',
      fix: replacement ? { description: `Qualify it: ${quoteIdent(schemas[0]!)}.${displayName(first)}`, replacement, replaces: 'statement' } : { description: 'Write the schema before the table name (public.orders)' },
    });
  },
};
