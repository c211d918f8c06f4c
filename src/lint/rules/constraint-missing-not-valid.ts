import { alterTableCommands, alteredTable, displayName, q, sameRelation } from '../analysis/ast.js';
import { isNewTable } from '../analysis/new-objects.js';
import { offsetInStatement } from '../analysis/positions.js';
import { sameTransaction } from '../analysis/transactions.js';
import type { Rule } from '../types.js';

const LOCKS: Record<string, string> = {
  CONSTR_CHECK: 'an ACCESS EXCLUSIVE lock, blocking reads and writes',
  CONSTR_NOTNULL: 'an ACCESS EXCLUSIVE lock, blocking reads and writes',
  CONSTR_FOREIGN: 'a SHARE ROW EXCLUSIVE lock, blocking writes',
};
const KINDS: Record<string, string> = { CONSTR_CHECK: 'CHECK', CONSTR_NOTNULL: 'NOT NULL', CONSTR_FOREIGN: 'foreign key' };

/** CHECK / FOREIGN KEY (/ NOT NULL on PostgreSQL 18) constraints added to an existing table without NOT VALID, or validated in the transaction that added them. */
export const rule: Rule = {
  id: 'constraint-missing-not-valid',
  description: 'Constraints added to an existing table without NOT VALID (all rows checked under a blocking lock), or validated in the same transaction.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['AlterTableStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up') return;
    const table = alteredTable(statement);
    if (!table || isNewTable(statement, model, table)) return;
    const commands = alterTableCommands(statement);
    for (const cmd of commands) {
      if (cmd.subtype === 'AT_AddConstraint') {
        const constraint = cmd.def?.Constraint;
        const lock = LOCKS[constraint?.contype];
        if (!lock || constraint.skip_validation) continue;
        const label = constraint.conname ? `${KINDS[constraint.contype]} constraint ${q(constraint.conname)}` : `a ${KINDS[constraint.contype]} constraint`;
        ctx.report({
          at: statement,
          offset: offsetInStatement(statement, constraint.location),
          message: `Adding ${label} to ${q(displayName(table))} checks every existing row under ${lock}.`,
          help: 'Add it NOT VALID (only new rows are checked), then VALIDATE CONSTRAINT in a later migration: validation takes a lock that blocks no reads or writes.',
          fix: commands.length === 1 ? { description: 'Add the constraint NOT VALID (and VALIDATE CONSTRAINT in a later migration)', replacement: `${statement.text} NOT VALID`, replaces: 'statement' } : undefined,
        });
      } else if (cmd.subtype === 'AT_ValidateConstraint' && cmd.name) {
        const added = addedNotValidEarlier(statement, cmd.name);
        if (!added) continue;
        ctx.report({
          at: statement,
          message: `Validating ${q(cmd.name)} in the same transaction that added it NOT VALID (line ${added.line}) keeps the lock of the ADD CONSTRAINT while every row is checked.`,
          help: 'Commit between the two: VALIDATE CONSTRAINT in a later migration (or run this one with `--! Transaction: none`).',
        });
      }
    }

    function addedNotValidEarlier(current: typeof statement, name: string): typeof statement | undefined {
      for (let i = 0; i < current.index; i++) {
        const earlier = current.migration.up[i]!;
        const earlierTable = alteredTable(earlier);
        if (!earlierTable || !sameRelation(earlierTable, table!) || !sameTransaction(earlier, current)) continue;
        for (const c of alterTableCommands(earlier)) {
          const constraint = c.def?.Constraint;
          if (c.subtype === 'AT_AddConstraint' && constraint?.skip_validation && constraint.conname === name) return earlier;
        }
      }
      return undefined;
    }
  },
};

