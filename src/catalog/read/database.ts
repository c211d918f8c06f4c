
/** The current database's comment (one row) (its owner and privileges come from privileges.ts). */
export const databaseQuery = `SELECT d.description AS comment
       FROM pg_catalog.pg_database db
       LEFT JOIN pg_catalog.pg_shdescription d ON d.objoid = db.oid AND d.classoid = 'pg_catalog.pg_database'::pg_catalog.regclass
      WHERE db.datname = pg_catalog.current_database()`;
