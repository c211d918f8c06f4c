/**
 * Which schemas a catalog read covers. The system schemas are never read; `schemas` narrows to a
 * list; `excludeSchemas` leaves some out (pgwarden's ledger schema, by default, for snapshots).
 */
export interface CatalogScope {
  schemas?: string[] | undefined;
  excludeSchemas?: string[] | undefined;
}

/** Query parameters $1 (schemas or NULL) and $2 (excluded schemas) that {@link inScope} reads. */
export function scopeParams(scope: CatalogScope = {}): [string[] | null, string[]] {
  return [scope.schemas ?? null, scope.excludeSchemas ?? []];
}

/** SQL condition: the schema name column `nspname` belongs to the scope ($1, $2 from {@link scopeParams}). */
export function inScope(nspname: string): string {
  return `(${nspname} <> ALL (ARRAY['pg_catalog', 'information_schema', 'pg_toast']::pg_catalog.name[])
    AND ${nspname} !~ '^pg_(toast_)?temp_'
    AND ($1::pg_catalog.text[] IS NULL OR ${nspname} = ANY ($1::pg_catalog.text[]))
    AND ${nspname} <> ALL ($2::pg_catalog.text[]))`;
}

/** SQL condition: the object (`catalog` is e.g. 'pg_class', `oid` its oid column) is not a member of an extension. */
export function notFromExtension(catalog: string, oid: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend ext_dep WHERE ext_dep.classid = 'pg_catalog.${catalog}'::pg_catalog.regclass AND ext_dep.objid = ${oid} AND ext_dep.deptype = 'e')`;
}
