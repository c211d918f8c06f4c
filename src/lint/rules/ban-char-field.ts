import { reportTypes, writtenTypeText } from '../analysis/column-types.js';
import { q } from '../analysis/ast.js';
import type { Rule } from '../types.js';

/** char(n) / character / bpchar columns. */
export const rule: Rule = {
  id: 'ban-char-field',
  description: 'Columns of type char(n): blank-padded, no faster than text, and a limit change rewrites the table.',
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
        // `"char"` without a length is PostgreSQL's one-byte internal type, not char(n).
        const isChar = use.name === 'bpchar' || use.name === 'character' || (use.name === 'char' && use.typmods.length > 0);
        if (!isChar) return undefined;
        return {
          message: `Column ${q(use.column)} is ${writtenTypeText(statement, use)}: char(n) pads values with blanks, is no faster than text, and changing its length rewrites the table.`,
          help: 'Use text (with a CHECK on length(...) if a limit matters).',
          replacement: 'text',
        };
      },
      'Use text instead of char',
    );
  },
};
