import { alterTableCommands, alteredTable, displayName, q } from '../analysis/ast.js';
import { isNewTable } from '../analysis/new-objects.js';
import type { Rule } from '../types.js';

/** ALTER COLUMN ... DROP NOT NULL on an existing table. */
export const rule: Rule = {
  id: 'ban-drop-not-null',
  description: 'Dropping NOT NULL from a column of an existing table, which lets in NULLs that existing clients do not expect.',
  defaultSeverity: 'warning',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['AlterTableStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up') return;
    const table = alteredTable(statement);
    if (!table || isNewTable(statement, model, table)) return;
    for (const cmd of alterTableCommands(statement)) {
      if (cmd.subtype !== 'AT_DropNotNull' || !cmd.name) continue;
      ctx.report({
        at: statement,
        message: `Dropping NOT NULL from column ${q(cmd.name)} of ${q(displayName(table))} lets NULLs in that clients reading the column may not handle.`,
        help: 'Make sure every reader handles NULL before this migration runs; making the column NOT NULL again later needs a full scan.',
      });
    }
  },
};
