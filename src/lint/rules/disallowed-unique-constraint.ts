import { alterTableCommands, alteredTable, columnConstraints, displayName, q } from '../analysis/ast.js';
import { isNewTable } from '../analysis/new-objects.js';
import { offsetInStatement } from '../analysis/positions.js';
import type { Rule } from '../types.js';

const HELP = 'CREATE UNIQUE INDEX CONCURRENTLY first (in a `--! Transaction: none` migration), then ADD CONSTRAINT ... UNIQUE USING INDEX.';

const EXCLUDE_HELP =
  'An exclusion constraint can be added neither NOT VALID nor USING INDEX, so there is no non-blocking way: add it while the table is new or small, in a quiet window, or build a new table that has the constraint and move the rows to it.';

/** UNIQUE constraints added to an existing table without USING INDEX, and EXCLUDE constraints (no way around the lock). */
export const rule: Rule = {
  id: 'disallowed-unique-constraint',
  description: 'Adding a UNIQUE constraint to an existing table without USING INDEX, or an EXCLUDE constraint, which builds the index under an ACCESS EXCLUSIVE lock.',
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
        if (constraint?.contype === 'CONSTR_EXCLUSION') {
          ctx.report({
            at: statement,
            offset: offsetInStatement(statement, constraint.location),
            message: `Adding ${constraint.conname ? `EXCLUDE constraint ${q(constraint.conname)}` : 'an EXCLUDE constraint'} to ${tableName} builds its index under an ACCESS EXCLUSIVE lock, blocking reads and writes until the index is built.`,
            help: EXCLUDE_HELP,
          });
          continue;
        }
        if (constraint?.contype !== 'CONSTR_UNIQUE' || constraint.indexname) continue;
        ctx.report({
          at: statement,
          offset: offsetInStatement(statement, constraint.location),
          message: `Adding ${constraint.conname ? `UNIQUE constraint ${q(constraint.conname)}` : 'a UNIQUE constraint'} to ${tableName} builds its index under an ACCESS EXCLUSIVE lock, blocking reads and writes until the index is built.`,
          help: HELP,
        });
      } else if (cmd.subtype === 'AT_AddColumn') {
        const column = cmd.def?.ColumnDef;
        const unique = columnConstraints(column).find((c) => c.contype === 'CONSTR_UNIQUE');
        if (!unique) continue;
        ctx.report({
          at: statement,
          offset: offsetInStatement(statement, unique.location),
          message: `Adding column ${q(column.colname)} with UNIQUE builds its index on ${tableName} under an ACCESS EXCLUSIVE lock, blocking reads and writes until the index is built.`,
          help: `Add the column without UNIQUE, then ${HELP.charAt(0).toLowerCase()}${HELP.slice(1)}`,
        });
      }
    }
  },
};
