import { alterTableCommands, alteredTable, columnConstraints, displayName, q, strings } from '../analysis/ast.js';
import { isNewTable } from '../analysis/new-objects.js';
import { offsetInStatement } from '../analysis/positions.js';
import type { Rule } from '../types.js';

/**
 * ALTER TABLE subcommands that lock the table less than ACCESS EXCLUSIVE (a foreign key itself takes
 * SHARE ROW EXCLUSIVE). Any other subcommand in the statement (ADD COLUMN above all, for
 * `ADD COLUMN ... REFERENCES`) makes the whole statement hold ACCESS EXCLUSIVE during the check.
 */
const WEAKER_THAN_ACCESS_EXCLUSIVE = new Set([
  'AT_ValidateConstraint',
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetRelOptions',
  'AT_ResetRelOptions',
  'AT_ClusterOn',
  'AT_DropCluster',
  'AT_EnableTrig',
  'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig',
  'AT_DisableTrig',
  'AT_EnableTrigAll',
  'AT_DisableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrigUser',
  'AT_AttachPartition',
]);

function isForeignKey(cmd: any): boolean {
  return cmd.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.contype === 'CONSTR_FOREIGN';
}

/** A validated foreign key added to an existing table. */
export const rule: Rule = {
  id: 'adding-foreign-key-constraint',
  description: 'Adding a validated foreign key to an existing table, which blocks writes to both tables while every row is checked.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['AlterTableStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up') return;
    const table = alteredTable(statement);
    if (!table || isNewTable(statement, model, table)) return;
    const commands = alterTableCommands(statement);
    const exclusive = commands.some((cmd) => !isForeignKey(cmd) && !WEAKER_THAN_ACCESS_EXCLUSIVE.has(cmd.subtype));
    for (const cmd of commands) {
      const found: Array<{ constraint: any; columns: string[]; inline: boolean }> = [];
      if (cmd.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.contype === 'CONSTR_FOREIGN') {
        const constraint = cmd.def.Constraint;
        if (constraint.skip_validation) continue;
        found.push({ constraint, columns: strings(constraint.fk_attrs), inline: false });
      } else if (cmd.subtype === 'AT_AddColumn') {
        for (const constraint of columnConstraints(cmd.def?.ColumnDef)) {
          if (constraint.contype === 'CONSTR_FOREIGN') found.push({ constraint, columns: [cmd.def.ColumnDef.colname], inline: true });
        }
      }
      for (const { constraint, columns, inline } of found) {
        const referenced = q(displayName(constraint.pktable));
        const label = constraint.conname ? `foreign key ${q(constraint.conname)}` : `a foreign key on (${columns.join(', ')})`;
        const single = !inline && commands.length === 1;
        ctx.report({
          at: statement,
          offset: offsetInStatement(statement, constraint.location),
          message: exclusive
            ? `Adding ${label} to ${q(displayName(table))} checks every existing row while holding an ACCESS EXCLUSIVE lock on ${q(displayName(table))} (${inline ? 'its ADD COLUMN takes it' : 'the statement\'s other subcommands take it'}), blocking its reads and writes, and a SHARE ROW EXCLUSIVE lock on ${referenced}, blocking writes to it.`
            : `Adding ${label} to ${q(displayName(table))} checks every existing row while holding SHARE ROW EXCLUSIVE locks on ${q(displayName(table))} and ${referenced}, blocking writes to both tables.`,
          help: inline
            ? 'Add the column without REFERENCES, then ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, and VALIDATE CONSTRAINT in a later migration.'
            : 'Add the constraint NOT VALID (only new rows are checked), then VALIDATE CONSTRAINT in a later migration: validation takes a SHARE UPDATE EXCLUSIVE lock that blocks no reads or writes.',
          fix: single ? { description: 'Add the constraint NOT VALID (and VALIDATE CONSTRAINT in a later migration)', replacement: `${statement.text} NOT VALID`, replaces: 'statement' } : undefined,
        });
      }
    }
  },
};
