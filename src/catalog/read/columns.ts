import type pg from 'pg';
import { catalogQuery } from '../query.js';
import { inScope } from '../scope.js';

export interface ColumnRow {
  rel: number;
  attnum: number;
  name: string;
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
 * composite types), in one query.
 */
export function columnsQuery(only = false): string {
  return `SELECT a.attrelid::pg_catalog.int8 AS rel, a.attnum::pg_catalog.int4 AS attnum, a.attname::pg_catalog.text AS name,
            pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS notnull,
            pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
            a.attidentity::pg_catalog.text AS identity, a.attgenerated::pg_catalog.text AS generated,
            CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0
                 THEN pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END AS collation,
            (SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = a.attnum) AS comment
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
       LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
       LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
      WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'c') AND ${inScope('n.nspname')}${only ? ` AND a.attrelid = ANY ($3::pg_catalog.oid[]) AND c.oid = ANY ($3::pg_catalog.oid[])` : ''}`;
}

/** Names of columns given as `rel:attnum` keys (for foreign keys to tables outside the scope). */
export async function readColumnNames(client: pg.ClientBase, keys: string[]): Promise<Map<string, string>> {
  const rels = keys.map((k) => Number(k.split(':')[0]));
  const nums = keys.map((k) => Number(k.split(':')[1]));
  const rows = await catalogQuery<{ rel: string; attnum: number; name: string }>(
    client,
    `SELECT a.attrelid::pg_catalog.int8 AS rel, a.attnum::pg_catalog.int4 AS attnum, a.attname::pg_catalog.text AS name
       FROM pg_catalog.unnest($1::pg_catalog.oid[], $2::pg_catalog.int2[]) k(rel, num)
       JOIN pg_catalog.pg_attribute a ON a.attrelid = k.rel AND a.attnum = k.num`,
    [rels, nums],
  );
  return new Map(rows.map((r) => [`${r.rel}:${r.attnum}`, r.name]));
}
