import { alterTableCommands, alteredTable, columnConstraints, displayName, q } from '../analysis/ast.js';
import { isNewTable } from '../analysis/new-objects.js';
import { offsetInStatement } from '../analysis/positions.js';
import type { Rule } from '../types.js';

const HELP = 'CREATE UNIQUE INDEX CONCURRENTLY on the key columns first (in a `--! Transaction: none` migration), then ADD CONSTRAINT ... PRIMARY KEY USING INDEX.';

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
        if (constraint?.contype !== 'CONSTR_PRIMARY' || constraint.indexname) continue;
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
