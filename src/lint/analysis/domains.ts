/**
 * Domains in the schema model: which domain a statement names, whether the migration created it,
 * and which known columns have its type (an ALTER DOMAIN that checks data reads all of them).
 */
import type { LintStatement, SchemaModel } from '../types.js';
import { strings } from './ast.js';

/** A domain name as the model keys it (`public.` when written without a schema). */
export function domainKey(names: string[]): string {
  return names.length >= 2 ? names.slice(-2).join('.') : `public.${names[0] ?? ''}`;
}

/** True when a CREATE DOMAIN earlier in the statement's section created the domain `key`. */
export function domainCreatedEarlier(statement: LintStatement, key: string): boolean {
  const statements = statement.section === 'up' ? statement.migration.up : statement.migration.down;
  for (let i = 0; i < statement.index; i++) {
    const earlier = statements[i]!;
    if (earlier.kind === 'CreateDomainStmt' && domainKey(strings(earlier.ast.domainname)) === key) return true;
  }
  return false;
}

/** The known columns of the domain's type, as `schema.table.column`, sorted. */
export function domainColumns(model: SchemaModel, key: string): string[] {
  const out: string[] = [];
  for (const table of model.tables()) {
    for (const column of table.columns.values()) {
      const type = column.type.includes('.') ? column.type : `public.${column.type}`;
      if (type === key) out.push(`${table.qualified}.${column.name}`);
    }
  }
  return out.sort();
}
