import { reportTypes, writtenTypeText } from '../analysis/column-types.js';
import { q } from '../analysis/ast.js';
import type { Rule } from '../types.js';

/** varchar(n) columns. */
export const rule: Rule = {
  id: 'prefer-text-field',
  description: 'Columns of type varchar(n): changing the limit later takes an ACCESS EXCLUSIVE lock; text with a CHECK does not.',
  defaultSeverity: 'warning',
  kind: 'style',
  sections: ['up'],
  statementKinds: ['CreateStmt', 'AlterTableStmt'],
  statement(statement, _model, ctx) {
    reportTypes(
      statement,
      ctx,
      (use) => {
        if (use.schema !== undefined && use.schema !== 'pg_catalog') return undefined;
        if (use.name !== 'varchar' || use.typmods.length === 0) return undefined;
        return {
          message: `Column ${q(use.column)} is ${writtenTypeText(statement, use)}: changing the limit later takes an ACCESS EXCLUSIVE lock (and lowering it rewrites the table).`,
          help: 'Use text, with a CHECK (length(...) <= n) constraint if a limit matters: a CHECK can be replaced NOT VALID without blocking.',
          replacement: 'text',
        };
      },
      'Use text instead of varchar(n)',
    );
  },
};
