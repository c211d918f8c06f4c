import { inject } from 'vitest';
import pg from 'pg';
import { throwawayDatabaseOn } from '../../src/providers/url.js';
import type { DatabaseHandle } from '../../src/providers/types.js';

/** The admin connection string of the test server (superuser on the embedded cluster). */
export function adminUrl(): string {
  return inject('adminUrl');
}

/** A fresh empty database on the test server; call `close()` (or use `using`) to drop it. */
export function createTestDatabase(template?: string): Promise<DatabaseHandle> {
  return throwawayDatabaseOn(adminUrl(), template ? { template } : {});
}

/** Runs one query on a database and returns its rows. */
export async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
