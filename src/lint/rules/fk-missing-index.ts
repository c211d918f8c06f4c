import { alterTableCommands, columnConstraints, lookupName, quoteIdent, sameRelation, strings } from '../analysis/ast.js';
import type { ConstraintModel, LintMigration, LintStatement, Rule, SchemaModel, TableModel } from '../types.js';

/** Foreign keys a migration adds without an index that starts with the referencing columns. */
export const rule: Rule = {
  id: 'fk-missing-index',
  description: 'A foreign key without an index whose leading columns are its referencing columns, by the end of the migration that adds it.',
  defaultSeverity: 'warning',
  kind: 'safety',
  migration(migration, { before, afterUp }, ctx) {
    for (const table of touchedTables(migration, afterUp)) {
      const previous = before.table(table.qualified);
      for (const constraint of table.constraints.values()) {
        if (constraint.type !== 'foreign' || constraint.columns.length === 0) continue;
        if (previous?.constraints.get(constraint.name)?.type === 'foreign') continue;
        if (hasLeadingIndex(afterUp, table, constraint.columns)) continue;
        const columns = constraint.columns.map(quoteIdent).join(', ');
        const where = findDefinition(migration, table, constraint);
        ctx.report({
          at: where ?? { migration, line: migration.up[0]?.line ?? 1 },
          message: `Foreign key "${constraint.name}" on "${table.qualified}" (${constraint.columns.join(', ')}) has no index starting with those columns: every delete or key update in "${constraint.refTable ?? '?'}" scans "${table.qualified}", under a lock.`,
          help: `Add an index on the referencing columns: CREATE INDEX CONCURRENTLY ON ${quoteIdent(table.schema)}.${quoteIdent(table.name)} (${columns});`,
          fix: { description: `CREATE INDEX CONCURRENTLY ON ${quoteIdent(table.schema)}.${quoteIdent(table.name)} (${columns}) (a new table can take a plain CREATE INDEX in the same migration)` },
        });
      }
    }
  },
};

/** The tables the migration's up section creates or alters (only they can have new foreign keys). */
function touchedTables(migration: LintMigration, model: SchemaModel): TableModel[] {
  const out = new Map<string, TableModel>();
  for (const statement of migration.up) {
    if (statement.kind !== 'CreateStmt' && statement.kind !== 'AlterTableStmt') continue;
    const relation = statement.ast.relation;
    const table = relation ? model.table(lookupName(relation)) : undefined;
    if (table) out.set(table.qualified, table);
  }
  return [...out.values()];
}

/** An index (or primary key / unique constraint) whose first columns are exactly `columns`, in any order. */
function hasLeadingIndex(model: SchemaModel, table: TableModel, columns: string[]): boolean {
  const wanted = new Set(columns);
  const leads = (indexColumns: readonly string[]) => indexColumns.length >= wanted.size && indexColumns.slice(0, wanted.size).every((c) => wanted.has(c));
  for (const name of table.indexes) {
    const index = model.index(name);
    if (index && leads(index.columns)) return true;
  }
  for (const constraint of table.constraints.values()) {
    if ((constraint.type === 'primary' || constraint.type === 'unique' || constraint.type === 'exclusion') && leads(constraint.columns)) return true;
  }
  return false;
}

/** The up statement that adds the foreign key (by name, or by its columns for unnamed ones). */
function findDefinition(migration: LintMigration, table: TableModel, constraint: ConstraintModel): LintStatement | undefined {
  const target = { schemaname: table.schema, relname: table.name };
  const matches = (c: any, columns: string[]) => c?.contype === 'CONSTR_FOREIGN' && (c.conname === constraint.name || (!c.conname && columns.join(',') === constraint.columns.join(',')));
  for (const statement of migration.up) {
    if (statement.kind === 'CreateStmt' && statement.ast.relation && sameRelation(statement.ast.relation, target)) {
      for (const element of statement.ast.tableElts ?? []) {
        if (element.Constraint && matches(element.Constraint, strings(element.Constraint.fk_attrs))) return statement;
        for (const c of columnConstraints(element.ColumnDef)) if (matches(c, [element.ColumnDef.colname])) return statement;
      }
    }
    if (statement.kind === 'AlterTableStmt' && statement.ast.relation && sameRelation(statement.ast.relation, target)) {
      for (const cmd of alterTableCommands(statement)) {
        if (cmd.subtype === 'AT_AddConstraint' && matches(cmd.def?.Constraint, strings(cmd.def?.Constraint?.fk_attrs))) return statement;
        if (cmd.subtype === 'AT_AddColumn') for (const c of columnConstraints(cmd.def?.ColumnDef)) if (matches(c, [cmd.def.ColumnDef.colname])) return statement;
      }
    }
  }
  return undefined;
}
