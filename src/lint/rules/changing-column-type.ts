import { typeUses, writtenTypeText, type TypeUse } from '../analysis/column-types.js';
import { alteredTable, displayName, lookupName, q } from '../analysis/ast.js';
import { isNewTable } from '../analysis/new-objects.js';
import type { ColumnModel, Rule } from '../types.js';

/** ALTER COLUMN ... TYPE on an existing table, unless the change needs no rewrite. */
export const rule: Rule = {
  id: 'changing-column-type',
  description: 'Changing the type of a column of an existing table, which rewrites the table and its indexes under an ACCESS EXCLUSIVE lock.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['AlterTableStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up') return;
    const table = alteredTable(statement);
    if (!table || isNewTable(statement, model, table)) return;
    const known = model.table(lookupName(table));
    const cmds = (statement.ast.cmds ?? []) as any[];
    for (const use of typeUses(statement)) {
      if (use.context !== 'alter type') continue;
      const cmd = cmds.find((c) => c.AlterTableCmd?.subtype === 'AT_AlterColumnType' && c.AlterTableCmd.name === use.column)?.AlterTableCmd;
      const current = known?.columns.get(use.column);
      const using = cmd?.def?.ColumnDef?.raw_default;
      if (current && (!using || isPlainCast(using, use)) && !cmd?.def?.ColumnDef?.collClause && needsNoRewrite(current, use)) continue;
      ctx.report({
        at: statement,
        offset: use.offset,
        message: `Changing the type of column ${q(use.column)} of ${q(displayName(table))} to ${writtenTypeText(statement, use)} rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes, and can break clients that read the column.`,
        help: 'Add a column of the new type, backfill it in batches and keep it in sync, move clients over, then drop the old column in a later migration.',
      });
    }
  },
};

/**
 * `USING col` or `USING col::<the new type>`, what Django, TypeORM and Tortoise write for every type
 * change: Postgres plans it as the implicit conversion, so it rewrites no more than no USING does.
 */
function isPlainCast(expr: any, target: TypeUse): boolean {
  let e = expr;
  if (e?.TypeCast) {
    const typeName = e.TypeCast.typeName;
    const names: string[] = (typeName?.names ?? []).map((n: any) => n?.String?.sval as string);
    const typmods = ((typeName?.typmods ?? []) as any[]).map((m) => m?.A_Const?.ival?.ival ?? 0);
    const isArray = Array.isArray(typeName?.arrayBounds) && typeName.arrayBounds.length > 0;
    if (names[names.length - 1] !== target.name || isArray !== target.isArray || typmods.join(',') !== target.typmods.join(',')) return false;
    e = e.TypeCast.arg;
  }
  const fields: any[] | undefined = e?.ColumnRef?.fields;
  return fields?.length === 1 && fields[0]?.String?.sval === target.column;
}

/** Type changes PostgreSQL makes without touching the rows (binary-coercible, limit not lowered). */
function needsNoRewrite(current: ColumnModel, target: TypeUse): boolean {
  if (current.isArray !== target.isArray) return false;
  const from = current.type;
  const to = target.name;
  const fromLimit = current.typmods[0];
  const toLimit = target.typmods[0];
  const widens = toLimit === undefined || (fromLimit !== undefined && toLimit >= fromLimit);
  if (from === 'varchar' && (to === 'text' || (to === 'varchar' && widens))) return true;
  if (from === 'text' && to === 'varchar' && toLimit === undefined) return true;
  if (from === 'varbit' && to === 'varbit' && widens) return true;
  if (from === 'cidr' && to === 'inet') return true;
  if (from === 'numeric' && to === 'numeric') {
    if (target.typmods.length === 0) return true;
    return fromLimit !== undefined && toLimit! >= fromLimit && (current.typmods[1] ?? 0) === (target.typmods[1] ?? 0);
  }
  return false;
}
