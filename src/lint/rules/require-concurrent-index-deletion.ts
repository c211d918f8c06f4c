import { displayName, lookupName, q } from '../analysis/ast.js';
import { droppedObjects, isNewIndex } from '../analysis/new-objects.js';
import type { Rule } from '../types.js';

/** DROP INDEX without CONCURRENTLY on an index of an existing table. */
export const rule: Rule = {
  id: 'require-concurrent-index-deletion',
  description: 'DROP INDEX without CONCURRENTLY, which takes an ACCESS EXCLUSIVE lock on the index\'s table.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['DropStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up' || statement.kind !== 'DropStmt' || statement.ast.removeType !== 'OBJECT_INDEX' || statement.ast.concurrent) return;
    const indexes = droppedObjects(statement).filter((index) => !isNewIndex(statement, model, index.schemaname ? [index.schemaname, index.relname] : [index.relname]));
    if (indexes.length === 0) return;
    const names = indexes.map((index) => q(displayName(index))).join(', ');
    const partitioned = indexes.filter((index) => {
      const known = model.index(lookupName(index));
      return known !== undefined && model.table(known.table)?.partitioned === true;
    });
    if (partitioned.length > 0) {
      // Postgres refuses DROP INDEX CONCURRENTLY on a partitioned index: suggesting it would not run.
      ctx.report({
        at: statement,
        message: `Dropping ${indexes.length === 1 ? 'index' : 'indexes'} ${names} takes an ACCESS EXCLUSIVE lock on the partitioned table and every partition, blocking reads and writes while it waits and drops.`,
        help: `DROP INDEX CONCURRENTLY does not work on a partitioned index (${partitioned.map((index) => q(displayName(index))).join(', ')}), and a partition's index cannot be dropped while attached: keep the lock wait short with a low \`--! Lock-Timeout:\` and run it when the tables are quiet.`,
      });
      return;
    }
    const single = droppedObjects(statement).length === 1;
    const replacement = statement.text.replace(/^(\s*drop\s+index)\b/i, '$1 CONCURRENTLY');
    ctx.report({
      at: statement,
      message: `Dropping ${indexes.length === 1 ? 'index' : 'indexes'} ${names} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table, blocking reads and writes while it waits and drops.`,
      help: 'Use DROP INDEX CONCURRENTLY (one index per statement), in a migration with `--! Transaction: none`.',
      fix: single && replacement !== statement.text ? { description: 'Drop the index CONCURRENTLY (and mark the migration `--! Transaction: none`)', replacement, replaces: 'statement' } : undefined,
    });
  },
};
