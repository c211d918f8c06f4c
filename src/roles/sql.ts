import pg from 'pg';
import type { PrivilegeObjectType } from '../catalog/privileges.js';

/**
 * SQL text for roles and privileges. Every name goes through identifier quoting and every value
 * through literal quoting, so nothing in roles.yaml can change the shape of a statement.
 */

/** Quotes an identifier (a role, schema, table or column name). */
export const ident = (name: string): string => pg.escapeIdentifier(name);
/** Quotes a string literal (E'...' when it holds a backslash). */
export const literal = (value: string): string => pg.escapeLiteral(value).trimStart();
/** A role as a grantee: PUBLIC is a keyword, not a name. */
export const grantee = (name: string): string => (name === 'PUBLIC' ? 'PUBLIC' : ident(name));

/** What stands in the plan for a password. */
export const REDACTED = '<redacted>';

/**
 * An object as GRANT names it. Function and procedure names come from the catalog as
 * `regprocedure` prints them (already quoted where needed), never from the roles file.
 */
export function objectSql(objectType: PrivilegeObjectType, schema: string | null, name: string): string {
  switch (objectType) {
    case 'schema':
      return ident(name);
    case 'function':
    case 'procedure':
      return `${ident(schema!)}.${name}`;
    default:
      return `${ident(schema!)}.${ident(name)}`;
  }
}

/** The keyword of GRANT ... ON <keyword> for an object type. */
export function grantKeyword(objectType: PrivilegeObjectType): string {
  switch (objectType) {
    case 'schema':
      return 'SCHEMA';
    case 'sequence':
      return 'SEQUENCE';
    case 'function':
      return 'FUNCTION';
    case 'procedure':
      return 'PROCEDURE';
    case 'type':
      return 'TYPE';
    case 'database':
      return 'DATABASE';
    default:
      return 'TABLE';
  }
}

/** The keyword of ALTER DEFAULT PRIVILEGES ... ON <keyword>. */
export function defaultKeyword(objectType: 'table' | 'sequence' | 'function' | 'type' | 'schema'): string {
  return { table: 'TABLES', sequence: 'SEQUENCES', function: 'FUNCTIONS', type: 'TYPES', schema: 'SCHEMAS' }[objectType];
}

/** Settings whose value is a list of names (Postgres stores each element quoted as needed). */
export const LIST_SETTINGS = new Set(['search_path', 'temp_tablespaces', 'session_preload_libraries', 'local_preload_libraries']);

/** The elements of a list setting, as written or as Postgres stores it (`"$user", public`). */
export function listElements(value: string | string[]): string[] {
  if (Array.isArray(value)) return value.map((v) => v.trim());
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '"') {
      if (quoted && value[i + 1] === '"') {
        current += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '' || out.length > 0) out.push(current.trim());
  return out;
}

/** `ALTER ROLE ... SET name = value`, the value quoted as a literal (list settings: one literal per element). */
export function setSettingSql(role: string, name: string, value: string | string[]): string {
  const target = name.split('.').map(ident).join('.');
  const values = LIST_SETTINGS.has(name.toLowerCase()) ? listElements(value).map(literal).join(', ') : literal(Array.isArray(value) ? value.join(', ') : value);
  return `ALTER ROLE ${ident(role)} SET ${target} = ${values}`;
}

export function resetSettingSql(role: string, name: string): string {
  return `ALTER ROLE ${ident(role)} RESET ${name.split('.').map(ident).join('.')}`;
}

/** Splits a list into chunks of at most `size`, so a statement never names thousands of objects. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
