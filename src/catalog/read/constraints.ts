import { inScope } from '../scope.js';

export interface ConstraintRow {
  /** The table's oid, or 0 for a domain constraint. */
  rel: number;
  /** The domain's oid, or 0 for a table constraint. */
  typ: number;
  name: string;
  /** p, f, u, c, x. */
  contype: string;
  definition: string;
  validated: boolean;
  deferrable: boolean;
  deferred: boolean;
  local: boolean;
  /** Column numbers (the snapshot maps them to names). */
  columns: number[] | null;
  ref_table: string | null;
  ref_rel: number;
  ref_columns: number[] | null;
  on_update: string;
  on_delete: string;
  match: string;
  index_name: string | null;
  comment: string | null;
}

/**
 * Table constraints (primary key, foreign key, unique, check, exclusion) and domain check
 * constraints in scope. NOT NULL is read as the column's nullability; the per-partition clones
 * of a foreign key (conparentid set) are left out, as pg_dump does, since they follow from the
 * parent's.
 */
export function constraintsQuery(only = false): string {
  return `SELECT co.conrelid::pg_catalog.int8 AS rel, co.contypid::pg_catalog.int8 AS typ, co.conname::pg_catalog.text AS name,
            co.contype::pg_catalog.text AS contype, pg_catalog.pg_get_constraintdef(co.oid) AS definition,
            co.convalidated AS validated, co.condeferrable AS deferrable, co.condeferred AS deferred, co.conislocal AS local,
            co.conkey::pg_catalog.int4[] AS columns,
            CASE WHEN co.contype = 'f' THEN fn.nspname || '.' || fc.relname END AS ref_table,
            co.confrelid::pg_catalog.int8 AS ref_rel,
            co.confkey::pg_catalog.int4[] AS ref_columns,
            co.confupdtype::pg_catalog.text AS on_update, co.confdeltype::pg_catalog.text AS on_delete, co.confmatchtype::pg_catalog.text AS match,
            CASE WHEN co.contype IN ('p', 'u', 'x') THEN ic.relname::pg_catalog.text END AS index_name,
            (SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = co.oid AND d.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND d.objsubid = 0) AS comment
       FROM pg_catalog.pg_constraint co
       JOIN pg_catalog.pg_namespace n ON n.oid = co.connamespace
       LEFT JOIN pg_catalog.pg_class fc ON fc.oid = co.confrelid
       LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
       LEFT JOIN pg_catalog.pg_class ic ON ic.oid = co.conindid
      WHERE co.contype IN ('p', 'f', 'u', 'c', 'x')
        AND NOT (co.contype = 'f' AND co.conparentid <> 0)
        AND ${inScope('n.nspname')}${only ? ` AND (co.conrelid = ANY ($3::pg_catalog.oid[]) OR (co.conrelid = 0 AND co.contypid = ANY ($6::pg_catalog.oid[])))` : ''}`;
}
