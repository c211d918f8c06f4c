import { displayName, q } from '../analysis/ast.js';
import { droppedObjects, isNewTable } from '../analysis/new-objects.js';
import type { Rule } from '../types.js';

/** DROP TABLE of a table that existed before the migration. */
export const rule: Rule = {
  id: 'ban-drop-table',
  description: 'Dropping an existing table, which breaks clients that still use it and destroys its data.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['DropStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up' || statement.kind !== 'DropStmt' || statement.ast.removeType !== 'OBJECT_TABLE') return;
    for (const table of droppedObjects(statement)) {
      if (isNewTable(statement, model, table)) continue;
      ctx.report({
        at: statement,
        message: `Dropping table ${q(displayName(table))} breaks every client that still uses it, and its data is gone.`,
        help: 'Deploy application code that no longer uses the table first; drop it in a later migration (and say so with `--! Irreversible:`).',
      });
    }
  },
};
