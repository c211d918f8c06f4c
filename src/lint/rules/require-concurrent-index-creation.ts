import { displayName, lookupName, q } from '../analysis/ast.js';
import { isNewTable } from '../analysis/new-objects.js';
import type { Rule } from '../types.js';

/** CREATE INDEX without CONCURRENTLY on an existing table. */
export const rule: Rule = {
  id: 'require-concurrent-index-creation',
  description: 'CREATE INDEX without CONCURRENTLY on an existing table, which blocks writes while the index builds.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['IndexStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up' || statement.kind !== 'IndexStmt' || statement.ast.concurrent) return;
    const table = statement.ast.relation;
    // ON ONLY a partitioned table (inh absent in the tree) creates an invalid parent index without scanning anything.
    if (!table || table.inh !== true || isNewTable(statement, model, table)) return;
    const name = statement.ast.idxname ? `index ${q(statement.ast.idxname)}` : 'an index';
    if (model.table(lookupName(table))?.partitioned) {
      // Postgres refuses CREATE INDEX CONCURRENTLY on a partitioned table: suggesting it would not run.
      ctx.report({
        at: statement,
        message: `Creating ${name} on partitioned table ${q(displayName(table))} without CONCURRENTLY builds it on every partition, blocking writes to them (SHARE lock) until the last one is built.`,
        help: 'CREATE INDEX CONCURRENTLY does not work on a partitioned table. Create the index ON ONLY the partitioned table (instant; it stays invalid), build each partition\'s index with CREATE INDEX CONCURRENTLY in a migration with `--! Transaction: none`, then ALTER INDEX <parent index> ATTACH PARTITION <partition index> for each: the parent index becomes valid once every partition has one attached.',
      });
      return;
    }
    const replacement = statement.text.replace(/^(\s*create\s+(?:unique\s+)?index)\b/i, '$1 CONCURRENTLY');
    ctx.report({
      at: statement,
      message: `Creating ${name} on ${q(displayName(table))} without CONCURRENTLY blocks writes to the table (SHARE lock) until the index is built.`,
      help: 'Use CREATE INDEX CONCURRENTLY, in a migration with `--! Transaction: none` (it cannot run inside a transaction).',
      fix: replacement !== statement.text ? { description: 'Build the index CONCURRENTLY (and mark the migration `--! Transaction: none`)', replacement, replaces: 'statement' } : undefined,
    });
  },
};
