import { alterTableCommands, alteredTable, columnConstraints, displayName, lookupName, q, type RangeVar } from '../analysis/ast.js';
import { isNewTable } from '../analysis/new-objects.js';
import { offsetInStatement } from '../analysis/positions.js';
import type { Rule, SchemaModel } from '../types.js';

const HELP = 'CREATE UNIQUE INDEX CONCURRENTLY on the key columns first (in a `--! Transaction: none` migration), then ADD CONSTRAINT ... PRIMARY KEY USING INDEX.';

/**
 * Columns of the index that the history shows nullable, with no validated CHECK (col IS NOT NULL)
 * (PostgreSQL 12+) or NOT NULL constraint to spare the scan that making them NOT NULL takes.
 */
function nullableKeyColumns(model: SchemaModel, table: RangeVar, indexName: string, version: number): string[] {
  const known = model.table(lookupName(table));
  const index = model.index(table.schemaname ? `${table.schemaname}.${indexName}` : indexName);
  if (!known || !index) return [];
  return index.columns.filter((name) => {
    const column = known.columns.get(name);
    if (!column || column.notNull) return false;
    for (const constraint of known.constraints.values()) {
      if (!constraint.validated) continue;
      if (version >= 12 && constraint.type === 'check' && constraint.notNullColumn === name) return false;
      if (constraint.type === 'not-null' && constraint.columns.includes(name)) return false;
    }
    return true;
  });
}

/** A primary key added to an existing table without USING INDEX: the index builds under ACCESS EXCLUSIVE. */
export const rule: Rule = {
  id: 'adding-serial-primary-key-field',
  description: 'Adding a primary key to an existing table without USING INDEX, which builds the index under an ACCESS EXCLUSIVE lock.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['AlterTableStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up') return;
    const table = alteredTable(statement);
    if (!table || isNewTable(statement, model, table)) return;
    const tableName = q(displayName(table));
    for (const cmd of alterTableCommands(statement)) {
      if (cmd.subtype === 'AT_AddConstraint') {
        const constraint = cmd.def?.Constraint;
        if (constraint?.contype === 'CONSTR_PRIMARY' && constraint.indexname) {
          // USING INDEX still sets every key column NOT NULL: a scan of the table for a nullable one.
          const nullable = nullableKeyColumns(model, table, constraint.indexname, ctx.options.postgresVersion);
          if (nullable.length > 0) {
            const columns = nullable.map((c) => q(c)).join(', ');
            ctx.report({
              at: statement,
              offset: offsetInStatement(statement, constraint.location),
              message: `Adding the primary key of ${tableName} USING INDEX ${q(constraint.indexname)} sets ${nullable.length === 1 ? 'column' : 'columns'} ${columns} NOT NULL, which scans the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes.`,
              help: `Make ${nullable.length === 1 ? 'the column' : 'the columns'} NOT NULL first without a long lock (a CHECK (... IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL: see adding-not-nullable-field), then ADD CONSTRAINT ... PRIMARY KEY USING INDEX.`,
            });
          }
          continue;
        }
        if (constraint?.contype !== 'CONSTR_PRIMARY') continue;
        ctx.report({
          at: statement,
          offset: offsetInStatement(statement, constraint.location),
          message: `Adding a primary key to ${tableName} builds its unique index under an ACCESS EXCLUSIVE lock, blocking reads and writes until the index is built.`,
          help: HELP,
        });
      } else if (cmd.subtype === 'AT_AddColumn') {
        const column = cmd.def?.ColumnDef;
        const primary = columnConstraints(column).find((c) => c.contype === 'CONSTR_PRIMARY');
        if (!primary) continue;
        ctx.report({
          at: statement,
          offset: offsetInStatement(statement, primary.location),
          message: `Adding column ${q(column.colname)} as the primary key of ${tableName} fills it and builds its unique index under an ACCESS EXCLUSIVE lock, blocking reads and writes.`,
          help: 'Add the column nullable (bigint, without serial), backfill it in batches, ' + HELP.charAt(0).toLowerCase() + HELP.slice(1),
        });
      }
    }
  },
};
