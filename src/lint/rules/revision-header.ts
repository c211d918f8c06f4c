import type { Rule } from '../types.js';

/** A header that is missing or malformed, or a revision that does not match the file name. */
export const rule: Rule = {
  id: 'revision-header',
  description: 'A migration header that is missing or malformed, or whose revision does not match the file name.',
  defaultSeverity: 'error',
  kind: 'governance',
  history(ctx) {
    for (const migration of ctx.migrations) {
      for (const problem of migration.file.problems) {
        if (problem.rule !== 'revision-header') continue;
        ctx.report({
          at: { migration, line: problem.line, column: problem.column },
          message: problem.message,
          help: 'Every migration starts with "--! Revision:", "--! Revises:" (except the first) and "--! Description:", then "-- Up Migration". The runner refuses a history with header problems.',
        });
      }
    }
  },
};
