import { displayName, q, sameRelation, type RangeVar } from '../analysis/ast.js';
import { statementLabel } from '../analysis/locks.js';
import { isNewTable } from '../analysis/new-objects.js';
import { sameTransaction } from '../analysis/transactions.js';
import type { LintStatement, Rule } from '../types.js';

/** UPDATE/DELETE of a table in the same transaction as DDL on that table. */
export const rule: Rule = {
  id: 'backfill-in-ddl-transaction',
  description: 'UPDATE or DELETE of a table in the same transaction as DDL on it, so the DDL lock is held for the whole backfill.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['UpdateStmt', 'DeleteStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up' || (statement.kind !== 'UpdateStmt' && statement.kind !== 'DeleteStmt')) return;
    const table: RangeVar | undefined = statement.ast.relation;
    if (!table || isNewTable(statement, model, table)) return;
    const ddls = statement.migration.up.filter((other) => other !== statement && sameTransaction(other, statement) && locksForDdl(other, table));
    // DDL before the backfill holds its lock through it: the worse case, said first.
    const ddl = ddls.find((other) => other.index < statement.index) ?? ddls[0];
    if (!ddl) return;
    const verb = statement.kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE';
    const name = q(displayName(table));
    const label = statementLabel(ddl);
    ctx.report({
      at: statement,
      message:
        ddl.index < statement.index
          ? `${verb} of ${name} runs in the same transaction as the ${label} of ${name} on line ${ddl.line}: the DDL lock is held until commit, so other sessions stay blocked on ${name} for the whole ${verb === 'UPDATE' ? 'backfill' : 'delete'}.`
          : `${verb} of ${name} runs in the same transaction as the ${label} of ${name} on line ${ddl.line}, which follows it: the rows it ${verb === 'UPDATE' ? 'updates' : 'deletes'} stay locked until commit, while the ${label} waits for its lock and then holds it until commit too.`,
      help: 'Move the data change to its own migration (or run it in batches after the DDL has committed): the DDL then holds its lock for milliseconds.',
    });
  },
};

/** Whether `statement` takes a lock on `table` that blocks other sessions' reads or writes. */
function locksForDdl(statement: LintStatement, table: RangeVar): boolean {
  const ast = statement.ast;
  switch (statement.kind) {
    case 'AlterTableStmt':
      return (ast.objtype === undefined || ast.objtype === 'OBJECT_TABLE') && ast.relation && sameRelation(ast.relation, table);
    case 'IndexStmt':
      return !ast.concurrent && ast.relation && sameRelation(ast.relation, table);
    case 'CreateTrigStmt':
    case 'RuleStmt':
      return ast.relation && sameRelation(ast.relation, table);
    case 'RenameStmt':
      return ast.relation && sameRelation(ast.relation, table);
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      return ast.table && sameRelation(ast.table, table);
    default:
      return false;
  }
}
