import { displayName, q } from '../analysis/ast.js';
import { isNewTable } from '../analysis/new-objects.js';
import type { Rule } from '../types.js';

/** ALTER TABLE ... RENAME TO on an existing table. */
export const rule: Rule = {
  id: 'renaming-table',
  description: 'Renaming an existing table, which breaks clients that use the old name.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['RenameStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up' || statement.kind !== 'RenameStmt' || statement.ast.renameType !== 'OBJECT_TABLE') return;
    const table = statement.ast.relation;
    if (!table || isNewTable(statement, model, table)) return;
    ctx.report({
      at: statement,
      message: `Renaming table ${q(displayName(table))} to ${q(statement.ast.newname)} breaks every client that still uses the old name.`,
      help: 'Rename, then create a view with the old name (simple views are updatable) until every client uses the new name; drop the view in a later migration.',
    });
  },
};
