import type { LintStatement } from './types.js';

const OPENS = new Set(['TRANS_STMT_BEGIN', 'TRANS_STMT_START']);
const CLOSES = new Set(['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE', 'TRANS_STMT_COMMIT_PREPARED', 'TRANS_STMT_ROLLBACK_PREPARED']);

/** BEGIN / START TRANSACTION. */
export function opensTransaction(statement: { kind: string; ast: any }): boolean {
  return statement.kind === 'TransactionStmt' && OPENS.has(statement.ast.kind);
}

/** COMMIT / ROLLBACK (END and ABORT parse as these). */
export function closesTransaction(statement: { kind: string; ast: any }): boolean {
  return statement.kind === 'TransactionStmt' && CLOSES.has(statement.ast.kind) && !statement.ast.chain;
}

/** Whether the runner wraps the statement's migration in a transaction. */
export function runnerWraps(statement: LintStatement): boolean {
  return statement.migration.file.transaction !== 'none';
}

/** Whether an explicit BEGIN earlier in the same section is still open at this statement. */
export function insideExplicitTransaction(statement: LintStatement): boolean {
  let open = false;
  const section = statement.migration[statement.section];
  for (let i = 0; i < statement.index; i++) {
    const s = section[i]!;
    if (opensTransaction(s)) open = true;
    else if (closesTransaction(s)) open = false;
  }
  return open;
}

/** The statement runs inside a transaction block: the runner's, or an explicit BEGIN. */
export function inTransaction(statement: LintStatement): boolean {
  return runnerWraps(statement) || insideExplicitTransaction(statement);
}
