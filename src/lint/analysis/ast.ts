/**
 * Small readers of libpg-query parse trees shared by the safety and style rules: ALTER TABLE
 * commands, column definitions and their constraints, table references and how to show them.
 */
import type { LintStatement } from '../types.js';

/** A `RangeVar` body: a table (or index, sequence) reference. */
export interface RangeVar {
  schemaname?: string;
  relname: string;
  location?: number;
}

/** One command of an ALTER TABLE statement (the body of an `AlterTableCmd`). */
export interface AlterTableCommand {
  subtype: string;
  name?: string;
  def?: any;
  behavior?: string;
  missing_ok?: boolean;
}

/** The commands of an ALTER TABLE statement, or none for any other statement. */
export function alterTableCommands(statement: LintStatement): AlterTableCommand[] {
  if (statement.kind !== 'AlterTableStmt') return [];
  return ((statement.ast.cmds ?? []) as any[]).map((cmd) => cmd.AlterTableCmd).filter((cmd): cmd is AlterTableCommand => cmd !== undefined);
}

/** The table an ALTER TABLE statement changes (only for ALTER TABLE, not ALTER INDEX/VIEW/...). */
export function alteredTable(statement: LintStatement): RangeVar | undefined {
  if (statement.kind !== 'AlterTableStmt') return undefined;
  if (statement.ast.objtype !== undefined && statement.ast.objtype !== 'OBJECT_TABLE') return undefined;
  return statement.ast.relation as RangeVar | undefined;
}

/** The constraint bodies of a column definition (`ColumnDef.constraints`). */
export function columnConstraints(columnDef: any): any[] {
  return ((columnDef?.constraints ?? []) as any[]).map((c) => c.Constraint).filter((c) => c !== undefined);
}

/** `schema.name` as written, for messages. */
export function displayName(relation: RangeVar | undefined): string {
  if (!relation) return '?';
  return relation.schemaname ? `${relation.schemaname}.${relation.relname}` : relation.relname;
}

/** The name to look a relation up with in the schema model (qualified only when written so). */
export function lookupName(relation: RangeVar): string {
  return relation.schemaname ? `${relation.schemaname}.${relation.relname}` : relation.relname;
}

/** The `sval`s of a list of `String` nodes (column lists, dotted names). */
export function strings(nodes: any[] | undefined): string[] {
  const out: string[] = [];
  for (const node of nodes ?? []) {
    const value = node?.String?.sval;
    if (typeof value === 'string') out.push(value);
  }
  return out;
}

/** Whether two relation references name the same relation (an unwritten schema matches `public`). */
export function sameRelation(a: RangeVar, b: RangeVar): boolean {
  if (a.relname !== b.relname) return false;
  return (a.schemaname ?? 'public') === (b.schemaname ?? 'public') || a.schemaname === undefined || b.schemaname === undefined;
}

/** A dotted name list (`['s', 't']`) as a RangeVar. */
export function rangeVarOfNames(names: string[]): RangeVar {
  return names.length >= 2 ? { schemaname: names[names.length - 2], relname: names[names.length - 1]! } : { relname: names[0] ?? '' };
}

/** Quotes an identifier for SQL when it needs quotes. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A name for messages, in double quotes. */
export function q(name: string): string {
  return `"${name}"`;
}
