import type pg from 'pg';
import { catalogQuery } from '../query.js';

/** The current database's comment (its owner and privileges come from privileges.ts). */
export async function readDatabaseComment(client: pg.ClientBase): Promise<string | null> {
  const rows = await catalogQuery<{ comment: string | null }>(client, 
    `SELECT d.description AS comment
       FROM pg_catalog.pg_database db
       LEFT JOIN pg_catalog.pg_shdescription d ON d.objoid = db.oid AND d.classoid = 'pg_catalog.pg_database'::pg_catalog.regclass
      WHERE db.datname = pg_catalog.current_database()`,
  );
  return rows[0]?.comment ?? null;
}
