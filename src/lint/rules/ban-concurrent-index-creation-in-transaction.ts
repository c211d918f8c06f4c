import { optionIsOn } from '../../sql/options.js';
import { insideExplicitTransaction, runnerWraps } from '../transactions.js';
import type { LintStatement, Rule } from '../types.js';

/** What runs CONCURRENTLY in a statement, if anything. */
function concurrentOperation(statement: LintStatement): string | undefined {
  const { kind, ast } = statement;
  if (kind === 'IndexStmt' && ast.concurrent) return 'CREATE INDEX CONCURRENTLY';
  if (kind === 'DropStmt' && ast.concurrent) return 'DROP INDEX CONCURRENTLY';
  if (kind === 'ReindexStmt' && optionIsOn(ast.params, 'concurrently')) return 'REINDEX CONCURRENTLY';
  if (kind === 'AlterTableStmt' && (ast.cmds ?? []).some((c: any) => c.AlterTableCmd?.subtype === 'AT_DetachPartition' && c.AlterTableCmd.def?.PartitionCmd?.concurrent)) return 'DETACH PARTITION CONCURRENTLY';
  return undefined;
}

const OWN_MIGRATION = 'so it cannot run in a transaction block. Put it in its own migration marked "--! Transaction: none"';

/** Why each operation cannot run in a transaction, and what a failure leaves behind. */
const HELP: Record<string, string> = {
  'CREATE INDEX CONCURRENTLY': `A concurrent build waits for other transactions and commits in phases, ${OWN_MIGRATION}; if the build fails it leaves an INVALID index, which \`pgwarden status\` reports.`,
  'DROP INDEX CONCURRENTLY': `A concurrent drop waits for the transactions using the index and commits in phases, ${OWN_MIGRATION}; if it fails it leaves the index INVALID, and running the drop again finishes it.`,
  'REINDEX CONCURRENTLY': `A concurrent reindex builds a new copy of each index and swaps it in, committing in phases, ${OWN_MIGRATION}; if it fails it leaves an INVALID copy (named with _ccnew), which must be dropped.`,
  'DETACH PARTITION CONCURRENTLY': `A concurrent detach waits for the transactions using the partitioned table and commits in two steps, ${OWN_MIGRATION}; if it is interrupted, ALTER TABLE ... DETACH PARTITION ... FINALIZE completes it.`,
};

/** CONCURRENTLY in a migration that runs in a transaction. */
export const rule: Rule = {
  id: 'ban-concurrent-index-creation-in-transaction',
  description: 'CREATE INDEX CONCURRENTLY (or another CONCURRENTLY operation) in a migration that runs in a transaction.',
  defaultSeverity: 'error',
  kind: 'governance',
  statementKinds: ['IndexStmt', 'DropStmt', 'ReindexStmt', 'AlterTableStmt'],
  statement(statement, _model, ctx) {
    const operation = concurrentOperation(statement);
    if (!operation) return;
    const wrapped = runnerWraps(statement);
    if (!wrapped && !insideExplicitTransaction(statement)) return;
    ctx.report({
      at: statement,
      message: wrapped
        ? `${operation} in a migration that runs in a transaction: Postgres refuses it ("cannot run inside a transaction block")`
        : `${operation} after an explicit BEGIN: Postgres refuses it ("cannot run inside a transaction block")`,
      help: HELP[operation]!,
      fix: wrapped
        ? { description: 'Add "--! Transaction: none" to the header (and keep other statements out of this migration)', replacement: '--! Transaction: none', replaces: { header: 'Transaction' } }
        : { description: 'Move the statement out of the BEGIN ... COMMIT block' },
    });
  },
};
