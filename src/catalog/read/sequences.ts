import { inScope, notFromExtension } from '../scope.js';

export interface SequenceRow {
  oid: number;
  schema: string;
  name: string;
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  /** 'a' for OWNED BY, 'i' for an identity column's sequence, null when not owned. */
  owner_kind: string | null;
  owner_rel: number | null;
  owner_attnum: number | null;
  owned_by: string | null;
  comment: string | null;
}

/** Sequences in scope with their options (never their current value) and what owns them. */
/**
 * SQL array of the sequences in `sequences` and those owned by (or the identity of) a column of the
 * tables in `relations` (both oid[] parameters): written as one array so that the planner looks
 * them up by oid.
 */
export function sequencesOf(relations: string, sequences: string): string {
  return `${sequences}::pg_catalog.oid[] || ARRAY(SELECT owned.objid FROM pg_catalog.pg_depend owned
     WHERE owned.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND owned.refobjid = ANY (${relations}::pg_catalog.oid[])
       AND owned.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND owned.deptype IN ('a', 'i'))`;
}

export function sequencesQuery(only = false): string {
  return `SELECT c.oid::pg_catalog.int8 AS oid, n.nspname::pg_catalog.text AS schema, c.relname::pg_catalog.text AS name,
            pg_catalog.format_type(s.seqtypid, NULL) AS type,
            s.seqstart::pg_catalog.text AS start, s.seqincrement::pg_catalog.text AS increment,
            s.seqmin::pg_catalog.text AS min, s.seqmax::pg_catalog.text AS max, s.seqcache::pg_catalog.text AS cache, s.seqcycle AS cycle,
            dep.deptype::pg_catalog.text AS owner_kind, dep.refobjid::pg_catalog.int8 AS owner_rel, dep.refobjsubid::pg_catalog.int4 AS owner_attnum,
            CASE WHEN dep.deptype IS NOT NULL THEN tn.nspname || '.' || tc.relname || '.' || ta.attname END AS owned_by,
            (SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0) AS comment
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_catalog.pg_depend dep ON dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.objid = c.oid
             AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.refobjsubid > 0 AND dep.deptype IN ('a', 'i')
       LEFT JOIN pg_catalog.pg_class tc ON tc.oid = dep.refobjid
       LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
       LEFT JOIN pg_catalog.pg_attribute ta ON ta.attrelid = dep.refobjid AND ta.attnum = dep.refobjsubid
      WHERE c.relkind = 'S' AND ${inScope('n.nspname')} AND ${notFromExtension('pg_class', 'c.oid')}${only ? ` AND c.oid = ANY (${sequencesOf('$3', '$4')})` : ''}`;
}
