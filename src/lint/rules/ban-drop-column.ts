import { alterTableCommands, alteredTable, displayName, q } from '../analysis/ast.js';
import { isNewTable } from '../analysis/new-objects.js';
import type { Rule } from '../types.js';

/** ALTER TABLE ... DROP COLUMN on an existing table. */
export const rule: Rule = {
  id: 'ban-drop-column',
  description: 'Dropping a column of an existing table, which breaks clients that still use it and destroys its data.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['AlterTableStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up') return;
    const table = alteredTable(statement);
    if (!table || isNewTable(statement, model, table)) return;
    for (const cmd of alterTableCommands(statement)) {
      if (cmd.subtype !== 'AT_DropColumn' || !cmd.name) continue;
      ctx.report({
        at: statement,
        message: `Dropping column ${q(cmd.name)} of ${q(displayName(table))} breaks every client that still reads or writes it, and its data is gone.`,
        help: 'Deploy application code that no longer uses the column first; drop it in a later migration (and say so with `--! Irreversible:`).',
      });
    }
  },
};
