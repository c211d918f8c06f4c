
export interface ExtensionRow {
  name: string;
  schema: string;
  version: string;
  comment: string | null;
}

/** Installed extensions except plpgsql, which every database has. */
export const extensionsQuery = `SELECT e.extname::pg_catalog.text AS name, n.nspname::pg_catalog.text AS schema, e.extversion AS version, (SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = e.oid AND d.classoid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.objsubid = 0) AS comment
       FROM pg_catalog.pg_extension e
       JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname <> 'plpgsql'`;
