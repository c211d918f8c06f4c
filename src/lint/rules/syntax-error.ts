import type { Rule } from '../types.js';

/** SQL that Postgres cannot parse, at the position Postgres reports. */
export const rule: Rule = {
  id: 'syntax-error',
  description: 'SQL that the PostgreSQL parser rejects.',
  defaultSeverity: 'error',
  kind: 'governance',
  history(ctx) {
    for (const migration of ctx.migrations) {
      for (const error of migration.syntaxErrors) {
        ctx.report({
          at: { migration, line: error.line, column: error.column },
          message: `${error.section} section: ${error.message}`,
          help: 'Postgres would refuse this migration. Fix the SQL at the marked position; lint checks everything else only on SQL it can parse.',
        });
      }
    }
  },
};
