import { displayName, q } from '../analysis/ast.js';
import { isNewTable } from '../analysis/new-objects.js';
import type { Rule } from '../types.js';

/** ALTER TABLE ... RENAME COLUMN on an existing table. */
export const rule: Rule = {
  id: 'renaming-column',
  description: 'Renaming a column of an existing table, which breaks clients that use the old name.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['RenameStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up' || statement.kind !== 'RenameStmt' || statement.ast.renameType !== 'OBJECT_COLUMN') return;
    const table = statement.ast.relation;
    if (!table || isNewTable(statement, model, table)) return;
    ctx.report({
      at: statement,
      message: `Renaming column ${q(statement.ast.subname)} of ${q(displayName(table))} to ${q(statement.ast.newname)} breaks every client that still uses the old name.`,
      help: 'Add the new column and keep both in sync (trigger or application) while clients move over, then drop the old one in a later migration.',
    });
  },
};
