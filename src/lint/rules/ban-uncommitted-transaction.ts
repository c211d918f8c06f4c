import { closesTransaction, opensTransaction } from '../transactions.js';
import type { LintStatement, Rule } from '../types.js';

/** The BEGIN of a section that no COMMIT or ROLLBACK ends before the section does. */
function openAtEnd(statements: readonly LintStatement[]): LintStatement | undefined {
  let open: LintStatement | undefined;
  for (const statement of statements) {
    if (opensTransaction(statement)) open ??= statement;
    else if (closesTransaction(statement)) open = undefined;
  }
  return open;
}

/**
 * BEGIN without COMMIT or ROLLBACK in a `Transaction: none` migration. In a migration the runner
 * wraps, a BEGIN is transaction-nesting's (the runner's COMMIT ends it).
 */
export const rule: Rule = {
  id: 'ban-uncommitted-transaction',
  description: 'A BEGIN with no COMMIT or ROLLBACK before its section ends, in a migration with `--! Transaction: none`.',
  defaultSeverity: 'error',
  kind: 'governance',
  migration(migration, _models, ctx) {
    if (migration.file.transaction !== 'none') return;
    for (const section of ['up', 'down'] as const) {
      const open = openAtEnd(migration[section]);
      if (!open) continue;
      const word = /^start/i.test(open.text) ? 'START TRANSACTION' : open.text.split(/\s+/)[0]!.toUpperCase();
      ctx.report({
        at: open,
        message: `${word} without a COMMIT or ROLLBACK before the end of the ${section} section`,
        help: 'The transaction is still open when the section ends: the runner stops there, rolls it back and leaves the migration partial (what ran before the BEGIN took effect). End it with COMMIT in the same section.',
        fix: { description: `Add COMMIT where the transaction should end (at the latest, at the end of the ${section} section)` },
      });
    }
  },
};
