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
        if (error.pgmDb) {
          ctx.report({
            at: { migration, line: error.line, column: error.column },
            message: `${error.section} calls pgm.db.${error.pgmDb}, which reads the database while node-pg-migrate builds the migration's SQL: pgwarden can neither lint nor run this migration (it builds every migration's SQL offline, before running any)`,
            help: `Move the logic into SQL: pgm.sql with INSERT ... SELECT, UPDATE ... FROM or a DO block. Lint checks the ${error.section} section once it builds its SQL without the database.`,
          });
          continue;
        }
        ctx.report({
          at: { migration, line: error.line, column: error.column },
          message: `${error.section} section: ${error.message}`,
          help: 'Postgres would refuse this migration. Fix the SQL at the marked position; lint checks everything else only on SQL it can parse.',
        });
      }
    }
  },
};
