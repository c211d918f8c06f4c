import { closesTransaction, insideExplicitTransaction, opensTransaction, runnerWraps } from '../transactions.js';
import type { Rule } from '../types.js';

/** BEGIN / COMMIT / ROLLBACK inside a migration the runner already wraps in a transaction. */
export const rule: Rule = {
  id: 'transaction-nesting',
  description: 'BEGIN, COMMIT or ROLLBACK in a migration that the runner already runs in a transaction (or a BEGIN inside a BEGIN, a COMMIT without one).',
  defaultSeverity: 'error',
  kind: 'governance',
  statement(statement, _model, ctx) {
    const opens = opensTransaction(statement);
    const closes = closesTransaction(statement);
    if (!opens && !closes) return;
    const word = /^start/i.test(statement.text) ? 'START TRANSACTION' : statement.text.split(/\s+/)[0]!.toUpperCase();
    if (runnerWraps(statement)) {
      ctx.report({
        at: statement,
        message: `${word} in a migration that pgwarden already runs in a transaction`,
        help: opens
          ? 'Postgres warns and ignores a nested BEGIN, but the COMMIT that follows ends the runner\'s transaction early: the statements after it, and the ledger row, run outside it, so a failure leaves the migration half applied.'
          : 'This ends the runner\'s transaction: the rest of the migration and its ledger row run outside it, so a failure leaves the migration half applied.',
        fix: { description: `Remove ${word}: the runner opens and commits the transaction. For statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY), put them in a migration with "--! Transaction: none".`, replacement: '', replaces: 'statement' },
      });
      return;
    }
    if (closes && !insideExplicitTransaction(statement)) {
      ctx.report({
        at: statement,
        message: `${word} without an open transaction`,
        help: 'Postgres only warns ("there is no transaction in progress"), but a COMMIT or ROLLBACK that matches no BEGIN means the statements before it did not run in the transaction the author expected.',
        fix: { description: `Remove this ${word}, or open the transaction with BEGIN where it should start.` },
      });
      return;
    }
    if (opens && insideExplicitTransaction(statement)) {
      ctx.report({
        at: statement,
        message: `${word} inside a transaction this migration already opened`,
        help: 'Postgres ignores a nested BEGIN with a warning; the first COMMIT then ends the outer transaction, not the inner one.',
        fix: { description: `Remove this ${word}, or COMMIT the open transaction before it.` },
      });
    }
  },
};
