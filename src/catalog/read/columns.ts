import type pg from 'pg';
import { inScope, scopeParams, type CatalogScope } from '../scope.js';

export interface ColumnRow {
  rel: number;
  attnum: number;
  name: string;
  position: number;
  type: string;
  notnull: boolean;
  default_expr: string | null;
  /** '' none, 'a' always, 'd' by default. */
  identity: string;
  /** '' none, 's' stored, 'v' virtual. */
  generated: string;
  collation: string | null;
  comment: string | null;
}

/**
 * Columns of every relation in scope (tables, views, materialized views, foreign tables and
 * composite types), in one query. Position counts live columns only, so a table rebuilt without
 * its dropped columns gets the same positions.
 */
export async function readColumns(client: pg.ClientBase, scope: CatalogScope): Promise<ColumnRow[]> {
  const { rows } = await client.query<ColumnRow>(
    `SELECT a.attrelid::pg_catalog.int8 AS rel, a.attnum::pg_catalog.int4 AS attnum, a.attname::pg_catalog.text AS name,
            pg_catalog.row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum)::pg_catalog.int4 AS position,
            pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS notnull,
            pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
            a.attidentity::pg_catalog.text AS identity, a.attgenerated::pg_catalog.text AS generated,
            CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0
                 THEN pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END AS collation,
            d.description AS comment
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
       LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
       LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
       LEFT JOIN pg_catalog.pg_description d ON d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = a.attnum
      WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'c') AND ${inScope('n.nspname')}`,
    scopeParams(scope),
  );
  for (const row of rows) row.rel = Number(row.rel);
  return rows;
}
