import { reportTypes, writtenTypeText } from '../analysis/column-types.js';
import { q } from '../analysis/ast.js';
import type { Rule } from '../types.js';

/** timestamp (without time zone) columns. */
export const rule: Rule = {
  id: 'prefer-timestamptz',
  description: 'Columns of type timestamp without time zone, whose values mean different instants to clients in different time zones.',
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
        if (use.name !== 'timestamp') return undefined;
        return {
          message: `Column ${q(use.column)} is ${writtenTypeText(statement, use)}: its values carry no time zone, so clients in different zones read different instants.`,
          help: 'Use timestamptz: it stores an instant and converts to each session\'s time zone.',
          replacement: use.typmods.length > 0 ? `timestamptz(${use.typmods.join(',')})` : 'timestamptz',
        };
      },
      'Use timestamptz',
    );
  },
};
