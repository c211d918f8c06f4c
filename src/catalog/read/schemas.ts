import type pg from 'pg';
import { catalogQuery } from '../query.js';
import { inScope, notFromExtension, scopeParams, type CatalogScope } from '../scope.js';

export interface SchemaRow {
  name: string;
  comment: string | null;
}

/** Schemas in scope with their comments (owners and privileges come from privileges.ts). */
export async function readSchemas(client: pg.ClientBase, scope: CatalogScope): Promise<SchemaRow[]> {
  const rows = await catalogQuery<SchemaRow>(client, 
    `SELECT n.nspname::pg_catalog.text AS name, d.description AS comment
       FROM pg_catalog.pg_namespace n
       LEFT JOIN pg_catalog.pg_description d ON d.objoid = n.oid AND d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND d.objsubid = 0
      WHERE ${inScope('n.nspname')} AND ${notFromExtension('pg_namespace', 'n.oid')}`,
    scopeParams(scope),
  );
  return rows;
}
