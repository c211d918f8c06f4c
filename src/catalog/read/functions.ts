import { inScope, notFromExtension } from '../scope.js';

export interface FunctionRow {
  oid: number;
  schema: string;
  name: string;
  /** `name(argtypes)` as regprocedure prints it, without the schema. */
  signature: string;
  identity: string;
  /** f, p, a, w. */
  prokind: string;
  arguments: string;
  returns: string | null;
  language: string;
  volatility: string;
  strict: boolean;
  security_definer: boolean;
  leakproof: boolean;
  parallel: string;
  config: string[] | null;
  body_hash: string;
  comment: string | null;
}

/**
 * Functions, procedures and aggregates in scope. The body is hashed, not copied: the SQL-standard
 * body (`BEGIN ATOMIC`) as Postgres prints it, else the source text.
 */
export function functionsQuery(serverVersion: number, only = false): string {
  const body = serverVersion >= 140000 ? `CASE WHEN p.prosqlbody IS NOT NULL THEN pg_catalog.pg_get_function_sqlbody(p.oid) ELSE p.prosrc END` : 'p.prosrc';
  return `SELECT p.oid::pg_catalog.int8 AS oid, n.nspname::pg_catalog.text AS schema, p.proname::pg_catalog.text AS name,
            pg_catalog.substr(p.oid::pg_catalog.regprocedure::pg_catalog.text, pg_catalog.length(pg_catalog.quote_ident(n.nspname)) + 2) AS signature,
            pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.format_type(u.t, NULL) FROM pg_catalog.unnest(p.proargtypes::pg_catalog.oid[]) WITH ORDINALITY u(t, o) ORDER BY u.o), ',') AS identity,
            p.prokind::pg_catalog.text AS prokind,
            pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
            CASE WHEN p.prokind <> 'p' THEN pg_catalog.pg_get_function_result(p.oid) END AS returns,
            l.lanname::pg_catalog.text AS language, p.provolatile::pg_catalog.text AS volatility, p.proisstrict AS strict,
            p.prosecdef AS security_definer, p.proleakproof AS leakproof, p.proparallel::pg_catalog.text AS parallel,
            p.proconfig AS config,
            pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(COALESCE(${body}, '') || COALESCE(p.probin, ''), 'UTF8')), 'hex') AS body_hash,
            (SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objsubid = 0) AS comment
       FROM pg_catalog.pg_proc p
       JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
       JOIN pg_catalog.pg_language l ON l.oid = p.prolang
      WHERE ${inScope('n.nspname')} AND ${notFromExtension('pg_proc', 'p.oid')}
        -- Range types' constructors belong to their type (an internal dependency), as pg_dump treats them.
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend int_dep WHERE int_dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND int_dep.objid = p.oid AND int_dep.deptype = 'i')${only ? ' AND p.oid = ANY ($5::pg_catalog.oid[])' : ''}`;
}
