import { inScope } from '../scope.js';

export interface TriggerRow {
  rel: number;
  name: string;
  tgtype: number;
  enabled: string;
  function: string;
  definition: string;
  comment: string | null;
}

/**
 * User triggers on relations in scope. Internal triggers (those behind foreign keys) and the
 * clones a partitioned table's trigger makes on its partitions are left out.
 */
export function triggersQuery(only = false): string {
  return `SELECT t.tgrelid::pg_catalog.int8 AS rel, t.tgname::pg_catalog.text AS name, t.tgtype::pg_catalog.int4 AS tgtype,
            t.tgenabled::pg_catalog.text AS enabled, t.tgfoid::pg_catalog.regprocedure::pg_catalog.text AS function,
            pg_catalog.pg_get_triggerdef(t.oid) AS definition, (SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_trigger'::pg_catalog.regclass AND d.objsubid = 0) AS comment
       FROM pg_catalog.pg_trigger t
       JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND ${inScope('n.nspname')}${only ? ` AND t.tgrelid = ANY ($3::pg_catalog.oid[])` : ''}`;
}
