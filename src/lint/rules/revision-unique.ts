import type { Rule } from '../types.js';

/** Two migration files with the same revision. */
export const rule: Rule = {
  id: 'revision-unique',
  description: 'Two migration files that declare the same revision.',
  defaultSeverity: 'error',
  kind: 'governance',
  history(ctx) {
    for (const problem of ctx.graph.problems) {
      if (problem.kind !== 'duplicate-revision') continue;
      const migration = ctx.migrationOf(problem.files[0]!);
      if (!migration) continue;
      ctx.report({
        at: { migration, line: problem.line, column: 1 },
        message: problem.message,
        help: 'A revision identifies one migration in the ledger; two files with one revision make the history ambiguous.',
        fix: { description: `Give ${problem.files[0]!.fileName} a new revision (and rename the file to match), then point its children's "Revises:" at it.` },
      });
    }
  },
};
