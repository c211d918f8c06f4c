import { inScope } from '../scope.js';

export interface IndexRow {
  rel: number;
  /** The index's own oid (internal). */
  oid: number;
  name: string;
  method: string;
  unique: boolean;
  primary: boolean;
  valid: boolean;
  /** Column numbers of the key and INCLUDE columns; 0 for an expression. */
  attnums: number[];
  key_count: number;
  /** The expressions, in order, as Postgres prints them (null when there are none). */
  expressions: string[] | null;
  predicate: string | null;
  constraint_name: string | null;
  definition: string;
  comment: string | null;
}

/** Indexes of every table and materialized view in scope, in one query. */
export function indexesQuery(only = false): string {
  return `SELECT i.indrelid::pg_catalog.int8 AS rel, i.indexrelid::pg_catalog.int8 AS oid, ic.relname::pg_catalog.text AS name, am.amname::pg_catalog.text AS method,
            i.indisunique AS unique, i.indisprimary AS primary, i.indisvalid AS valid,
            i.indkey::pg_catalog.int2[]::pg_catalog.int4[] AS attnums, i.indnkeyatts::pg_catalog.int4 AS key_count,
            CASE WHEN i.indexprs IS NOT NULL THEN
              ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k + 1, false) FROM pg_catalog.generate_series(0, i.indnatts - 1) k WHERE i.indkey[k] = 0 ORDER BY k) END AS expressions,
            pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate,
            con.conname::pg_catalog.text AS constraint_name,
            pg_catalog.pg_get_indexdef(i.indexrelid) AS definition,
            (SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = i.indexrelid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0) AS comment
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
       JOIN pg_catalog.pg_am am ON am.oid = ic.relam
       LEFT JOIN pg_catalog.pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
      WHERE ${inScope('n.nspname')}${only ? ` AND i.indrelid = ANY ($3::pg_catalog.oid[])` : ''}`;
}
