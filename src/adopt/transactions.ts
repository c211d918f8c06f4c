import { optionIsOn } from '../sql/options.js';
import type { ParsedStatement } from '../sql/parse.js';

/** Statements that open or close the transaction a file managed itself. */
const OWN_TRANSACTION = new Set(['TRANS_STMT_BEGIN', 'TRANS_STMT_START', 'TRANS_STMT_COMMIT']);

/** Statements Postgres refuses inside a transaction block. */
export function cannotRunInTransaction(statement: ParsedStatement): boolean {
  const ast = statement.ast ?? {};
  switch (statement.kind) {
    case 'IndexStmt':
    case 'DropStmt':
      return ast.concurrent === true;
    case 'ReindexStmt':
      return optionIsOn(ast.params, 'concurrently') === true;
    case 'VacuumStmt':
    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'AlterSystemStmt':
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
      return true;
    default:
      return false;
  }
}

export interface StrippedTransaction {
  /** The SQL without the file's own BEGIN/COMMIT. */
  sql: string;
  /** How many statements were removed. */
  removed: number;
  /** ROLLBACK, SAVEPOINT and the like: left in place, reported for a person to look at. */
  leftOver: string[];
}

/**
 * Removes BEGIN / START TRANSACTION / COMMIT / END statements (with their semicolons) from a
 * section: pgwarden wraps each migration in its own transaction, and a nested BEGIN would end it
 * early. Everything else, comments included, stays byte for byte.
 */
export function stripOwnTransaction(sql: string, statements: readonly ParsedStatement[]): StrippedTransaction {
  const cuts: Array<[number, number]> = [];
  const leftOver: string[] = [];
  for (const s of statements) {
    if (s.kind !== 'TransactionStmt') continue;
    if (!OWN_TRANSACTION.has(s.ast?.kind)) {
      leftOver.push(s.text);
      continue;
    }
    let end = s.end;
    while (end < sql.length && /[ \t]/.test(sql[end]!)) end++;
    if (sql[end] === ';') end++;
    while (end < sql.length && /[ \t]/.test(sql[end]!)) end++;
    if (sql[end] === '\r') end++;
    if (sql[end] === '\n') end++;
    let start = s.start;
    while (start > 0 && /[ \t]/.test(sql[start - 1]!)) start--;
    cuts.push([start, end]);
  }
  let out = '';
  let at = 0;
  for (const [start, end] of cuts) {
    out += sql.slice(at, start);
    at = end;
  }
  out += sql.slice(at);
  return { sql: out, removed: cuts.length, leftOver };
}
