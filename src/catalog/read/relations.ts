import { inScope, notFromExtension } from '../scope.js';

export interface RelationRow {
  /** Internal join key; never part of a snapshot. */
  oid: number;
  schema: string;
  name: string;
  /** r, p, f, v, m. */
  relkind: string;
  relpersistence: string;
  rowsecurity: boolean;
  forcerowsecurity: boolean;
  options: string[] | null;
  partition_key: string | null;
  partition_bound: string | null;
  /** Qualified parents, in inheritance order. */
  parents: string[] | null;
  ispartition: boolean;
  view_definition: string | null;
  comment: string | null;
}

/** Tables, partitioned tables, foreign tables, views and materialized views in scope. */
export function relationsQuery(only = false): string {
  return `SELECT c.oid::pg_catalog.int8 AS oid, n.nspname::pg_catalog.text AS schema, c.relname::pg_catalog.text AS name,
            c.relkind::pg_catalog.text AS relkind, c.relpersistence::pg_catalog.text AS relpersistence,
            c.relrowsecurity AS rowsecurity, c.relforcerowsecurity AS forcerowsecurity, c.reloptions::pg_catalog.text[] AS options,
            CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_key,
            CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
            c.relispartition AS ispartition,
            CASE WHEN c.relhassubclass OR c.relispartition OR EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i0 WHERE i0.inhrelid = c.oid) THEN
              ARRAY(SELECT pn.nspname || '.' || p.relname
                      FROM pg_catalog.pg_inherits i
                      JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
                      JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
                     WHERE i.inhrelid = c.oid ORDER BY i.inhseqno) END AS parents,
            CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid, true) END AS view_definition,
            (SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0) AS comment
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND ${inScope('n.nspname')} AND ${notFromExtension('pg_class', 'c.oid')}${only ? ` AND c.oid = ANY ($3::pg_catalog.oid[])` : ''}`;
}
