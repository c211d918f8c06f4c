import { q, strings } from '../analysis/ast.js';
import type { Rule } from '../types.js';

/** A SQL string literal. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** ALTER TYPE ... ADD VALUE without BEFORE or AFTER. Off unless configured: a style choice. */
export const rule: Rule = {
  id: 'require-enum-value-ordering',
  description: 'ALTER TYPE ... ADD VALUE without BEFORE or AFTER, which puts the new label last without saying so.',
  defaultSeverity: 'off',
  kind: 'style',
  statementKinds: ['AlterEnumStmt'],
  statement(statement, model, ctx) {
    const { ast } = statement;
    // RENAME VALUE has oldVal; ADD VALUE ... BEFORE/AFTER has newValNeighbor.
    if (statement.kind !== 'AlterEnumStmt' || ast.oldVal !== undefined || typeof ast.newVal !== 'string' || ast.newValNeighbor !== undefined) return;
    const name = strings(ast.typeName).join('.');
    const labels = model.enumLabels(name);
    const last = labels && labels.length > 0 ? labels[labels.length - 1]! : undefined;
    // The label literal ends the statement: AFTER goes right after it.
    const replacement = last !== undefined && /'(?:[^']|'')*'$/.test(statement.text) ? `${statement.text} AFTER ${literal(last)}` : undefined;
    ctx.report({
      at: statement,
      message: `Label ${literal(ast.newVal)} is added to enum ${q(name)} without BEFORE or AFTER: it goes last, and where it sorts (ORDER BY, <, >) is left implicit.`,
      help: 'An enum sorts by the order of its labels, not alphabetically. Say where the new label belongs: BEFORE or AFTER an existing label, AFTER the last one when last is meant.',
      fix: replacement
        ? { description: `Say that it goes last: AFTER ${literal(last!)}`, replacement, replaces: 'statement' }
        : { description: 'Add BEFORE or AFTER an existing label' },
    });
  },
};
