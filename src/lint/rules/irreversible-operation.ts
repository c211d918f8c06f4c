import { listName, objectName, rangeVarName, typeInfo, type TypeInfo } from '../model/names.js';
import type { ColumnModel, LintStatement, Rule, SchemaModel } from '../types.js';

const INT_RANK: Record<string, number> = { int2: 1, int4: 2, int8: 3, numeric: 4 };
const STRINGS = new Set(['text', 'varchar', 'bpchar', 'citext', 'name']);
const TIMESTAMPS = new Set(['timestamp', 'timestamptz']);

/** Length limit of a string type (Infinity when unlimited). */
function stringLength(type: string, typmods: number[]): number {
  if (type === 'text' || type === 'citext') return Infinity;
  if (type === 'bpchar') return typmods[0] ?? 1;
  return typmods[0] ?? Infinity;
}

/** Why a type change can lose data, or undefined when it only widens. */
export function narrowingReason(from: Pick<ColumnModel, 'type' | 'typmods' | 'isArray'>, to: TypeInfo): string | undefined {
  if (from.isArray !== to.isArray) return undefined;
  if (STRINGS.has(from.type) && STRINGS.has(to.type)) {
    const a = stringLength(from.type, from.typmods);
    const b = stringLength(to.type, to.typmods);
    return b < a ? `shortens ${from.type}${Number.isFinite(a) ? `(${a})` : ''} to ${to.type}(${b}): longer values are cut or refused` : undefined;
  }
  const a = INT_RANK[from.type];
  const b = INT_RANK[to.type];
  if (a !== undefined && b !== undefined) {
    if (from.type === 'numeric' && to.type === 'numeric') {
      const [p1, s1 = 0] = from.typmods;
      const [p2, s2 = 0] = to.typmods;
      if (p2 === undefined) return undefined;
      if (p1 === undefined) return `limits numeric to numeric(${p2},${s2})`;
      if (s2 < s1 || p2 - s2 < p1 - s1) return `narrows numeric(${p1},${s1}) to numeric(${p2},${s2})`;
      return undefined;
    }
    return b < a ? `narrows ${from.type} to ${to.type}: ${from.type === 'numeric' ? 'fractions are rounded away and ' : ''}larger values no longer fit` : undefined;
  }
  if ((from.type === 'float8' || from.type === 'numeric') && (to.type === 'float4' || (from.type === 'numeric' && to.type === 'float8'))) return `converts ${from.type} to ${to.type}: precision is lost`;
  if ((from.type === 'float4' || from.type === 'float8') && INT_RANK[to.type] !== undefined && to.type !== 'numeric') return `converts ${from.type} to ${to.type}: fractions are rounded away`;
  if (TIMESTAMPS.has(from.type) && to.type === 'date') return `converts ${from.type} to date: the time of day is lost`;
  if (TIMESTAMPS.has(from.type) && (to.type === 'time' || to.type === 'timetz')) return `converts ${from.type} to ${to.type}: the date is lost`;
  return undefined;
}

function tableCreatedHere(model: SchemaModel, statement: LintStatement, table: string): boolean {
  const t = model.table(table);
  return t !== undefined && t.createdIn === statement.migration.file.revision && statement.migration.createdTables.has(t.qualified);
}

/** The data-destroying operations of a statement. */
function destructions(statement: LintStatement, model: SchemaModel): string[] {
  const { kind, ast } = statement;
  const out: string[] = [];
  if (kind === 'DropStmt' && ast.removeType === 'OBJECT_TABLE') {
    for (const object of ast.objects ?? []) {
      const { schema, name } = listName(objectName(object));
      const qualified = schema ? `${schema}.${name}` : name;
      if (!model.table(qualified) && ast.missing_ok) continue;
      if (tableCreatedHere(model, statement, qualified)) continue;
      out.push(`DROP TABLE ${qualified} deletes the table and its rows`);
    }
  } else if (kind === 'DropStmt' && ast.removeType === 'OBJECT_SCHEMA' && ast.behavior === 'DROP_CASCADE') {
    for (const object of ast.objects ?? []) out.push(`DROP SCHEMA ${objectName(object).join('.')} CASCADE deletes every table in it`);
  } else if (kind === 'AlterTableStmt' && (!ast.objtype || ast.objtype === 'OBJECT_TABLE')) {
    const { schema, name } = rangeVarName(ast.relation);
    const qualified = schema ? `${schema}.${name}` : name;
    if (tableCreatedHere(model, statement, qualified)) return out;
    const table = model.table(qualified);
    for (const node of ast.cmds ?? []) {
      const cmd = node.AlterTableCmd;
      if (cmd?.subtype === 'AT_DropColumn') out.push(`DROP COLUMN ${name}.${cmd.name} deletes the column's values`);
      if (cmd?.subtype === 'AT_AlterColumnType' && cmd.def?.ColumnDef?.typeName) {
        const column = table?.columns.get(cmd.name);
        const reason = column ? narrowingReason(column, typeInfo(cmd.def.ColumnDef.typeName)) : undefined;
        if (reason) out.push(`ALTER COLUMN ${name}.${cmd.name} TYPE ${reason}`);
      }
    }
  } else if (kind === 'DeleteStmt' || kind === 'TruncateStmt') {
    const relations = kind === 'DeleteStmt' ? [ast.relation] : (ast.relations ?? []).map((r: any) => r.RangeVar);
    for (const rv of relations) {
      const { schema, name } = rangeVarName(rv);
      const qualified = schema ? `${schema}.${name}` : name;
      if (tableCreatedHere(model, statement, qualified)) continue;
      out.push(kind === 'DeleteStmt' ? `DELETE FROM ${qualified} removes rows` : `TRUNCATE ${qualified} removes every row`);
    }
  }
  return out;
}

/** Up destroys data (DROP TABLE or COLUMN, narrowing type change, DELETE, TRUNCATE) and the migration does not declare it. */
export const rule: Rule = {
  id: 'irreversible-operation',
  description: 'An up section that destroys data (DROP TABLE, DROP COLUMN, a narrowing type change, DELETE, TRUNCATE) in a migration that does not declare itself irreversible.',
  defaultSeverity: 'error',
  kind: 'governance',
  sections: ['up'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up' || statement.migration.file.irreversible) return;
    for (const what of destructions(statement, model)) {
      ctx.report({
        at: statement,
        message: `${what}, and the migration does not declare that it cannot be undone`,
        help: 'A down section can recreate the schema but not the data. Declare it, so reviewers see it and `pgwarden down` refuses instead of pretending to restore.',
        fix: {
          description: statement.migration.file.down
            ? 'Add "--! Irreversible: <reason>" and remove the down section; or, if the down section restores the schema and losing the data is accepted, say so: -- pgwarden-ignore irreversible-operation <reason>'
            : 'Add "--! Irreversible: <reason>" to the header',
          replacement: '--! Irreversible: <what is lost, and why that is acceptable>',
          // With a down section, adding the header is not the whole fix.
          ...(statement.migration.file.down ? {} : { replaces: { header: 'Irreversible' } }),
        },
      });
    }
  },
};
