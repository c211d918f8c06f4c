import { alterTableCommands, alteredTable, displayName, lookupName, q, sameRelation, strings, type RangeVar } from '../analysis/ast.js';
import { isNewTable } from '../analysis/new-objects.js';
import { notNullTestColumn } from '../model/names.js';
import type { LintStatement, Rule, SchemaModel } from '../types.js';

/** ALTER COLUMN ... SET NOT NULL on an existing table without a validated CHECK (c IS NOT NULL) to skip the scan. */
export const rule: Rule = {
  id: 'adding-not-nullable-field',
  description: 'Setting NOT NULL on a column of an existing table, which scans the table under an ACCESS EXCLUSIVE lock unless a validated CHECK proves it.',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statementKinds: ['AlterTableStmt'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up') return;
    const table = alteredTable(statement);
    if (!table || isNewTable(statement, model, table)) return;
    const version = ctx.options.postgresVersion;
    const droppedHere = new Set<string>();
    for (const cmd of alterTableCommands(statement)) {
      if (cmd.subtype === 'AT_DropNotNull' && cmd.name) droppedHere.add(cmd.name);
      if (cmd.subtype !== 'AT_SetNotNull' || !cmd.name) continue;
      const column = cmd.name;
      // Postgres does nothing (no scan) for SET NOT NULL on a column that already is NOT NULL.
      if (!droppedHere.has(column) && alreadyNotNull(model, table, column)) continue;
      if (version >= 12 && provenNotNull(statement, model, table, column)) continue;
      ctx.report({
        at: statement,
        message: `Setting column ${q(column)} of ${q(displayName(table))} NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes.`,
        help:
          version >= 12
            ? `First ADD CONSTRAINT ... CHECK (${column} IS NOT NULL) NOT VALID, VALIDATE it in a later migration, then SET NOT NULL: PostgreSQL 12+ skips the scan when a validated CHECK proves the column has no NULLs.`
            : `PostgreSQL ${version} (before 12) always scans for SET NOT NULL: keep the column nullable and enforce it with a CHECK (${column} IS NOT NULL) constraint added NOT VALID and validated later.`,
      });
    }
  },
};

/**
 * The model knows the column as NOT NULL already (declared so, a primary key column, identity,
 * serial), with no PostgreSQL 18 NOT VALID not-null constraint that SET NOT NULL would validate.
 */
function alreadyNotNull(model: SchemaModel, relation: RangeVar, column: string): boolean {
  const known = model.table(lookupName(relation));
  if (!known?.columns.get(column)?.notNull) return false;
  for (const constraint of known.constraints.values()) {
    if (constraint.type === 'not-null' && !constraint.validated && constraint.columns.includes(column)) return false;
  }
  return true;
}

/** A validated CHECK (column IS NOT NULL) (or, on PostgreSQL 18, a NOT NULL constraint) exists for the column. */
function provenNotNull(statement: LintStatement, model: SchemaModel, relation: RangeVar, column: string): boolean {
  const known = model.table(lookupName(relation));
  if (known) {
    for (const constraint of known.constraints.values()) {
      if (!constraint.validated) continue;
      if (constraint.type === 'check' && constraint.notNullColumn === column) return true;
      if (constraint.type === 'not-null' && constraint.columns.includes(column)) return true;
    }
  }
  // The same migration adds and validates the check (the model may not know the table).
  const checks = new Map<string, { column: string; validated: boolean }>();
  const validatedUnknown: string[] = [];
  const statements = statement.section === 'up' ? statement.migration.up : statement.migration.down;
  for (let i = 0; i < statement.index; i++) {
    const earlier = statements[i]!;
    const earlierTable = alteredTable(earlier);
    if (!earlierTable || !sameRelation(earlierTable, relation)) continue;
    for (const cmd of alterTableCommands(earlier)) {
      const constraint = cmd.def?.Constraint;
      if (cmd.subtype === 'AT_AddConstraint' && constraint?.conname) {
        const checked = notNullCheckColumn(constraint, earlierTable);
        if (checked !== undefined) checks.set(constraint.conname, { column: checked, validated: !constraint.skip_validation });
      } else if (cmd.subtype === 'AT_ValidateConstraint' && cmd.name) {
        const check = checks.get(cmd.name);
        if (check) check.validated = true;
        else if (!known?.constraints.has(cmd.name)) validatedUnknown.push(cmd.name);
      } else if (cmd.subtype === 'AT_DropConstraint' && cmd.name) {
        checks.delete(cmd.name);
      }
    }
  }
  for (const check of checks.values()) if (check.validated && check.column === column) return true;
  // A constraint from before the history (the model cannot know it) validated here: trust the usual
  // naming (`<table>_<column>_not_null`, `<column>_not_null`) only when the model has no such table.
  if (!known) return validatedUnknown.some((name) => namesNotNullCheckOf(name, column));
  return false;
}

/** The column of a `CHECK (column IS NOT NULL)` constraint, or of a PostgreSQL 18 `NOT NULL column` constraint. */
function notNullCheckColumn(constraint: any, table: RangeVar): string | undefined {
  if (constraint.contype === 'CONSTR_NOTNULL') return strings(constraint.keys)[0];
  if (constraint.contype !== 'CONSTR_CHECK') return undefined;
  return notNullTestColumn(constraint.raw_expr, { schema: table.schemaname, name: table.relname });
}

function namesNotNullCheckOf(name: string, column: string): boolean {
  const escaped = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|_)${escaped}_(not_?null|nn|check)$`, 'i').test(name);
}
