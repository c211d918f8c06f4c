import { inScope } from '../scope.js';

export interface PolicyRow {
  rel: number;
  name: string;
  /** '*', r, a, w, d. */
  cmd: string;
  permissive: boolean;
  roles: string[];
  using: string | null;
  with_check: string | null;
  comment: string | null;
}

/** Row-level security policies on tables in scope. */
export function policiesQuery(only = false): string {
  return `SELECT p.polrelid::pg_catalog.int8 AS rel, p.polname::pg_catalog.text AS name, p.polcmd::pg_catalog.text AS cmd, p.polpermissive AS permissive,
            ARRAY(SELECT CASE WHEN r.role = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(r.role)::pg_catalog.text END
                    FROM pg_catalog.unnest(p.polroles) r(role)) AS roles,
            pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS using,
            pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS with_check,
            (SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_policy'::pg_catalog.regclass AND d.objsubid = 0) AS comment
       FROM pg_catalog.pg_policy p
       JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE ${inScope('n.nspname')}${only ? ` AND p.polrelid = ANY ($3::pg_catalog.oid[])` : ''}`;
}
