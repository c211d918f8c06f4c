import { reportTypes, writtenTypeText } from '../analysis/column-types.js';
import { q } from '../analysis/ast.js';
import type { Rule } from '../types.js';

const SMALL_TYPES: Record<string, string> = { int2: 'bigint', smallserial: 'bigserial', serial2: 'bigserial' };

/** 16-bit integer columns (smallint, int2, smallserial). */
export const rule: Rule = {
  id: 'prefer-bigint-over-smallint',
  description: 'Columns of 16-bit integer types (smallint, smallserial), whose values run out at 32,767.',
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
        const replacement = SMALL_TYPES[use.name];
        if (replacement === undefined || (use.name !== 'int2' && use.schema !== undefined)) return undefined;
        return {
          message: `Column ${q(use.column)} is ${writtenTypeText(statement, use)}, a 16-bit integer: its values run out at 32,767, and widening it later rewrites the table.`,
          help: `Use ${replacement}.`,
          replacement,
        };
      },
      'Use 64-bit integer types',
    );
  },
};
