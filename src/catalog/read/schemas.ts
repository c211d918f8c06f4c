import { inScope, notFromExtension } from '../scope.js';

export interface SchemaRow {
  oid: number;
  name: string;
  comment: string | null;
}

/** Schemas in scope with their comments (owners and privileges come from privileges.ts). */
export const schemasQuery = `SELECT n.oid::pg_catalog.int8 AS oid, n.nspname::pg_catalog.text AS name, (SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = n.oid AND d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND d.objsubid = 0) AS comment
       FROM pg_catalog.pg_namespace n
      WHERE ${inScope('n.nspname')} AND ${notFromExtension('pg_namespace', 'n.oid')}`;
