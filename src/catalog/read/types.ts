import { inScope, notFromExtension } from '../scope.js';

export interface TypeRow {
  /** Internal join key (domain constraints); never part of a snapshot. */
  oid: number;
  /** The composite type's relation, joined to its attributes. */
  relid: number;
  schema: string;
  name: string;
  /** c, d, e, r. */
  typtype: string;
  labels: string[] | null;
  base_type: string | null;
  notnull: boolean;
  default_expr: string | null;
  collation: string | null;
  subtype: string | null;
  comment: string | null;
}

/** Enums, domains, standalone composite types and range types in scope. */
export function typesQuery(only = false): string {
  return `SELECT t.oid::pg_catalog.int8 AS oid, t.typrelid::pg_catalog.int8 AS relid, n.nspname::pg_catalog.text AS schema, t.typname::pg_catalog.text AS name,
            t.typtype::pg_catalog.text AS typtype,
            CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT e.enumlabel::pg_catalog.text FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) END AS labels,
            CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END AS base_type,
            t.typnotnull AS notnull,
            pg_catalog.pg_get_expr(t.typdefaultbin, 0) AS default_expr,
            CASE WHEN t.typcollation <> 0 AND t.typcollation <> COALESCE(bt.typcollation, 0) AND t.typtype = 'd'
                 THEN pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)
                 WHEN t.typtype = 'r' AND r.rngcollation <> 0 AND r.rngcollation <> st.typcollation
                 THEN (SELECT pg_catalog.quote_ident(rcn.nspname) || '.' || pg_catalog.quote_ident(rco.collname)
                         FROM pg_catalog.pg_collation rco JOIN pg_catalog.pg_namespace rcn ON rcn.oid = rco.collnamespace WHERE rco.oid = r.rngcollation) END AS collation,
            CASE WHEN t.typtype = 'r' THEN pg_catalog.format_type(r.rngsubtype, NULL) END AS subtype,
            (SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objsubid = 0) AS comment
       FROM pg_catalog.pg_type t
       JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
       LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
       LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation
       LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
       LEFT JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid
       LEFT JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype
       LEFT JOIN pg_catalog.pg_class rel ON rel.oid = t.typrelid
      WHERE t.typtype IN ('c', 'd', 'e', 'r') AND (t.typtype <> 'c' OR rel.relkind = 'c')
        AND ${inScope('n.nspname')} AND ${notFromExtension('pg_type', 't.oid')}${only ? ` AND t.oid = ANY ($6::pg_catalog.oid[])` : ''}`;
}
