import { q } from '../analysis/ast.js';
import type { Rule } from '../types.js';

/** DROP DATABASE in a migration. */
export const rule: Rule = {
  id: 'ban-drop-database',
  description: 'DROP DATABASE in a migration.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['DropdbStmt'],
  statement(statement, _model, ctx) {
    if (statement.section !== 'up' || statement.kind !== 'DropdbStmt') return;
    ctx.report({
      at: statement,
      message: `Dropping database ${q(statement.ast.dbname)} from a migration destroys everything in it.`,
      help: 'Drop databases by hand, outside the migration history.',
    });
  },
};
