import type pg from 'pg';
import { readDefaultPrivileges, readOwners, readPrivileges, type DefaultPrivilege, type OwnedObject, type PrivilegeGrant } from '../catalog/privileges.js';
import { inScope, scopeParams } from '../catalog/scope.js';
import { withCatalogSettings } from '../catalog/session.js';

/** The per-database state roles.yaml manages: ACLs, default privileges, owners. */
export interface LiveDatabase {
  grants: PrivilegeGrant[];
  defaults: DefaultPrivilege[];
  owners: OwnedObject[];
  /** SECURITY DEFINER functions and procedures, as `schema\0name(args)`. */
  securityDefiner: Set<string>;
  /** Columns of the tables asked for, as `schema\0table` → column names. */
  columns: Map<string, string[]>;
}

/** Key of an object inside a schema. */
export function objectKey(schema: string | null, name: string): string {
  return `${schema ?? ''}\u0000${name}`;
}

/**
 * Reads the database's privileges, default privileges and owners through the catalog module, plus
 * which functions are SECURITY DEFINER and the columns of `tables` (for column grants).
 */
export async function readLiveDatabase(client: pg.ClientBase, tables: Array<{ schema: string; name: string }> = []): Promise<LiveDatabase> {
  return withCatalogSettings(client, async () => {
    const grants = await readPrivileges(client);
    const defaults = await readDefaultPrivileges(client);
    const owners = await readOwners(client);
    const { rows: definers } = await client.query<{ schema: string; name: string }>(
      `SELECT n.nspname::text AS schema,
              pg_catalog.substr(p.oid::pg_catalog.regprocedure::pg_catalog.text, pg_catalog.length(pg_catalog.quote_ident(n.nspname)) + 2) AS name
         FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prosecdef AND ${inScope('n.nspname')}`,
      scopeParams(),
    );
    const columns = new Map<string, string[]>();
    if (tables.length > 0) {
      const { rows } = await client.query<{ schema: string; name: string; columns: string[] }>(
        `SELECT n.nspname::text AS schema, c.relname::text AS name,
                ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS columns
           FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           JOIN ROWS FROM (pg_catalog.unnest($1::text[]), pg_catalog.unnest($2::text[])) AS want(schema, name) ON want.schema = n.nspname AND want.name = c.relname
          WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
        [tables.map((t) => t.schema), tables.map((t) => t.name)],
      );
      for (const r of rows) columns.set(objectKey(r.schema, r.name), r.columns);
    }
    return { grants, defaults, owners, securityDefiner: new Set(definers.map((d) => objectKey(d.schema, d.name))), columns };
  });
}
