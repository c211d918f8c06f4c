import type { PrivilegeMap, PrivilegeTarget } from './types.js';

/** The privileges Postgres accepts on each kind (MAINTAIN needs Postgres 17). */
export const VALID_PRIVILEGES: Readonly<Record<PrivilegeTarget, readonly string[]>> = {
  schema: ['USAGE', 'CREATE'],
  tables: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'MAINTAIN'],
  sequences: ['USAGE', 'SELECT', 'UPDATE'],
  functions: ['EXECUTE'],
  types: ['USAGE'],
  columns: ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'],
};

/**
 * The built-in profiles. `read` can look; `write` can change rows and draw from sequences; `ddl`
 * can also create in the schema and truncate, reference and trigger.
 */
export const BUILTIN_PROFILES: Readonly<Record<string, PrivilegeMap>> = {
  read: { schema: ['USAGE'], tables: ['SELECT'], sequences: ['SELECT'], functions: ['EXECUTE'], types: ['USAGE'], columns: ['SELECT'] },
  write: {
    schema: ['USAGE'],
    tables: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
    sequences: ['USAGE', 'SELECT'],
    functions: ['EXECUTE'],
    types: ['USAGE'],
    columns: ['SELECT', 'INSERT', 'UPDATE'],
  },
  ddl: {
    schema: ['USAGE', 'CREATE'],
    tables: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'],
    sequences: ['USAGE', 'SELECT', 'UPDATE'],
    functions: ['EXECUTE'],
    types: ['USAGE'],
    columns: ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'],
  },
};

/** `ALL` expanded for a kind, in Postgres's own order. */
export function expandAll(target: PrivilegeTarget, privileges: readonly string[]): string[] {
  const upper = privileges.map((p) => p.toUpperCase());
  if (upper.includes('ALL') || upper.includes('ALL PRIVILEGES')) {
    return VALID_PRIVILEGES[target].filter((p) => p !== 'MAINTAIN');
  }
  return [...new Set(upper)];
}
