
/** The current database's comment (one row) (its owner and privileges come from privileges.ts). */
export const databaseQuery = `SELECT (SELECT d.description FROM pg_catalog.pg_shdescription d WHERE d.objoid = db.oid AND d.classoid = 'pg_catalog.pg_database'::pg_catalog.regclass) AS comment
       FROM pg_catalog.pg_database db
      WHERE db.datname = pg_catalog.current_database()`;
