import type pg from 'pg';
import { catalogQuery } from '../query.js';
import { inScope, notFromExtension, scopeParams, type CatalogScope } from '../scope.js';
import { withCatalogSettings } from '../session.js';

/**
 * The full `CREATE OR REPLACE FUNCTION|PROCEDURE` statement of every function and procedure in
 * scope, as `pg_get_functiondef` prints it, by the snapshot's key (`schema.name(argtypes)`).
 * Aggregates have no such statement and are left out. Kept out of the snapshot itself, which
 * holds only a hash of each body: `pgwarden docs` reads it to write `schema.sql`.
 */
export async function readFunctionDefinitions(client: pg.ClientBase, scope: CatalogScope = {}): Promise<Record<string, string>> {
  return withCatalogSettings(client, async () => {
    const rows = await catalogQuery<{ key: string; definition: string }>(client, functionDefinitionsQuery, scopeParams(scope));
    const out: Record<string, string> = {};
    for (const row of rows) out[row.key] = row.definition;
    return out;
  });
}

const functionDefinitionsQuery = `SELECT n.nspname::pg_catalog.text || '.' ||
            pg_catalog.substr(p.oid::pg_catalog.regprocedure::pg_catalog.text, pg_catalog.length(pg_catalog.quote_ident(n.nspname)) + 2) AS key,
            pg_catalog.pg_get_functiondef(p.oid) AS definition
       FROM pg_catalog.pg_proc p
       JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      WHERE p.prokind IN ('f', 'p', 'w') AND ${inScope('n.nspname')} AND ${notFromExtension('pg_proc', 'p.oid')}
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend int_dep WHERE int_dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND int_dep.objid = p.oid AND int_dep.deptype = 'i')`;
