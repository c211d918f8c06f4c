import { reportTypes, writtenTypeText } from '../analysis/column-types.js';
import { q } from '../analysis/ast.js';
import type { Rule } from '../types.js';

const INT_TYPES: Record<string, string> = { int4: 'bigint', serial: 'bigserial', serial4: 'bigserial' };

/** 32-bit integer columns (int, integer, int4, serial). */
export const rule: Rule = {
  id: 'prefer-bigint-over-int',
  description: 'Columns of 32-bit integer types (int, serial), whose values run out at 2,147,483,647.',
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
        const replacement = INT_TYPES[use.name];
        if (replacement === undefined || (use.name !== 'int4' && use.schema !== undefined)) return undefined;
        return {
          message: `Column ${q(use.column)} is ${writtenTypeText(statement, use)}, a 32-bit integer: its values run out at 2,147,483,647, and widening it later rewrites the table.`,
          help: `Use ${replacement}.`,
          replacement,
        };
      },
      'Use 64-bit integer types',
    );
  },
};
