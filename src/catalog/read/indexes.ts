import type pg from 'pg';
import { inScope, scopeParams, type CatalogScope } from '../scope.js';

export interface IndexRow {
  rel: number;
  name: string;
  method: string;
  unique: boolean;
  primary: boolean;
  valid: boolean;
  keys: string[];
  include: string[];
  predicate: string | null;
  constraint_name: string | null;
  definition: string;
  comment: string | null;
}

/** Indexes of every table and materialized view in scope, in one query. */
export async function readIndexes(client: pg.ClientBase, scope: CatalogScope): Promise<IndexRow[]> {
  const { rows } = await client.query<IndexRow>(
    `SELECT i.indrelid::pg_catalog.int8 AS rel, ic.relname::pg_catalog.text AS name, am.amname::pg_catalog.text AS method,
            i.indisunique AS unique, i.indisprimary AS primary, i.indisvalid AS valid,
            ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, false) FROM pg_catalog.generate_series(1, i.indnkeyatts) k ORDER BY k) AS keys,
            ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, false) FROM pg_catalog.generate_series(i.indnkeyatts + 1, i.indnatts) k ORDER BY k) AS include,
            pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate,
            con.conname::pg_catalog.text AS constraint_name,
            pg_catalog.pg_get_indexdef(i.indexrelid) AS definition,
            d.description AS comment
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
       JOIN pg_catalog.pg_am am ON am.oid = ic.relam
       LEFT JOIN pg_catalog.pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
       LEFT JOIN pg_catalog.pg_description d ON d.objoid = i.indexrelid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0
      WHERE ${inScope('n.nspname')}`,
    scopeParams(scope),
  );
  for (const row of rows) row.rel = Number(row.rel);
  return rows;
}
