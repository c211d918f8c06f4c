/**
 * Which statements of a migration section run in the same transaction. The runner wraps a migration
 * in one transaction unless its header says `--! Transaction: none`; explicit BEGIN/START and
 * COMMIT/ROLLBACK inside the section open and close transactions (as squawk reads a file).
 */
import type { LintMigration, LintStatement } from '../types.js';

/** The transaction a statement runs in: an id shared by the statements of one transaction. */
export interface TransactionSlot {
  /** False for statements that autocommit on their own. */
  inTransaction: boolean;
  /** Statements with the same id (and inTransaction) share a transaction. */
  id: number;
}

const cache = new WeakMap<readonly LintStatement[], TransactionSlot[]>();

const OPENING = new Set(['TRANS_STMT_BEGIN', 'TRANS_STMT_START']);
const CLOSING = new Set(['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE', 'TRANS_STMT_COMMIT_PREPARED', 'TRANS_STMT_ROLLBACK_PREPARED']);

/** The transaction slot of every statement of a section, in order. */
export function transactionSlots(migration: LintMigration, section: 'up' | 'down'): TransactionSlot[] {
  const statements = section === 'up' ? migration.up : migration.down;
  const cached = cache.get(statements);
  if (cached) return cached;
  const slots: TransactionSlot[] = [];
  let inTransaction = migration.file.transaction !== 'none';
  let id = 0;
  for (const statement of statements) {
    const kind = statement.kind === 'TransactionStmt' ? (statement.ast?.kind as string) : undefined;
    if (kind !== undefined && OPENING.has(kind)) {
      if (!inTransaction) id++;
      inTransaction = true;
      slots.push({ inTransaction, id });
    } else if (kind !== undefined && CLOSING.has(kind)) {
      slots.push({ inTransaction, id });
      inTransaction = false;
      id++;
    } else {
      slots.push({ inTransaction, id });
      // Outside a transaction every statement is its own.
      if (!inTransaction) id++;
    }
  }
  cache.set(statements, slots);
  return slots;
}

/** The transaction slot of one statement. */
export function transactionOf(statement: LintStatement): TransactionSlot {
  return transactionSlots(statement.migration, statement.section)[statement.index]!;
}

/** Whether two statements of the same section run inside one transaction. */
export function sameTransaction(a: LintStatement, b: LintStatement): boolean {
  if (a.migration !== b.migration || a.section !== b.section) return false;
  const slotA = transactionOf(a);
  const slotB = transactionOf(b);
  return slotA.inTransaction && slotB.inTransaction && slotA.id === slotB.id;
}
