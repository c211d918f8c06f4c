import type { GraphProblemKind } from '../../migrations/graph.js';
import type { Rule } from '../types.js';

const KINDS: ReadonlySet<GraphProblemKind> = new Set(['missing-parent', 'cycle', 'multiple-roots', 'no-root']);

const HELP: Partial<Record<GraphProblemKind, string>> = {
  'missing-parent': 'Each "Revises:" must name the revision of an existing migration; the runner cannot order a migration whose parent is unknown.',
  cycle: 'The history must lead from one first migration to the newest without loops; a cycle has no order to apply.',
  'multiple-roots': 'Only the first migration has no "Revises:"; any other root starts a second, unordered history.',
  'no-root': 'The first migration has no "Revises:"; without one, the history has no start.',
};

/** A parent that does not exist, a cycle, more than one root (or none). */
export const rule: Rule = {
  id: 'revision-chain',
  description: 'A migration whose parent does not exist, a cycle of revisions, or more than one first migration.',
  defaultSeverity: 'error',
  kind: 'governance',
  history(ctx) {
    for (const problem of ctx.graph.problems) {
      if (!KINDS.has(problem.kind)) continue;
      const files = problem.kind === 'multiple-roots' ? problem.files : problem.files.slice(0, 1);
      for (const file of files) {
        const migration = ctx.migrationOf(file);
        if (!migration) continue;
        const line = file === problem.files[0] ? problem.line : 1;
        ctx.report({ at: { migration, line, column: 1 }, message: problem.message, help: HELP[problem.kind]! });
      }
    }
  },
};
