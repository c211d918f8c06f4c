import type { Rule } from '../types.js';

/** Two migrations revise the same parent: the history branched. */
export const rule: Rule = {
  id: 'single-head',
  description: 'Two migrations that revise the same parent, so the history has more than one head.',
  defaultSeverity: 'error',
  kind: 'governance',
  history(ctx) {
    for (const problem of ctx.graph.problems) {
      if (problem.kind !== 'multiple-heads') continue;
      const migration = ctx.migrationOf(problem.files[0]!);
      if (!migration) continue;
      const revises = /set "--! Revises: (\d+)"/.exec(problem.message)?.[1];
      ctx.report({
        at: { migration, line: problem.line, column: 1 },
        message: problem.message,
        help: 'This happens when two pull requests each add a migration on the same head and both are merged. Databases that applied one branch would apply the other out of order; put the newer migration after the other so the history is one line again.',
        ...(revises ? { fix: { description: `Set the parent of ${problem.files[0]!.fileName} to ${revises}`, replacement: `--! Revises: ${revises}`, replaces: { header: 'Revises' } } } : {}),
      });
    }
  },
};
