import { alterTableCommands, alteredTable, columnConstraints, displayName, q } from '../analysis/ast.js';
import { isNewTable } from '../analysis/new-objects.js';
import { offsetInStatement } from '../analysis/positions.js';
import type { Rule } from '../types.js';

const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

/** ADD COLUMN ... NOT NULL without a default on an existing table: fails as soon as the table has a row. */
export const rule: Rule = {
  id: 'adding-required-field',
  description: 'Adding a NOT NULL column without a default to an existing table, which fails as soon as the table has rows.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['AlterTableStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up') return;
    const table = alteredTable(statement);
    if (!table || isNewTable(statement, model, table)) return;
    for (const cmd of alterTableCommands(statement)) {
      if (cmd.subtype !== 'AT_AddColumn') continue;
      const column = cmd.def?.ColumnDef;
      if (!column) continue;
      const typeNames: string[] = (column.typeName?.names ?? []).map((n: any) => n?.String?.sval);
      if (typeNames.length === 1 && SERIAL_TYPES.has(typeNames[0]!)) continue;
      const constraints = columnConstraints(column);
      const required = constraints.find((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
      if (!required) continue;
      if (constraints.some((c) => c.contype === 'CONSTR_DEFAULT' || c.contype === 'CONSTR_GENERATED' || c.contype === 'CONSTR_IDENTITY')) continue;
      ctx.report({
        at: statement,
        offset: offsetInStatement(statement, required.location),
        message: `Adding column ${q(column.colname)} to ${q(displayName(table))} as NOT NULL without a default fails as soon as the table has a row.`,
        help: 'Give it a constant DEFAULT (no rewrite on PostgreSQL 11+), or add it nullable, backfill it, and add NOT NULL through a validated CHECK constraint.',
      });
    }
  },
};
