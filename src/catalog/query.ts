import { createHash } from 'node:crypto';
import type pg from 'pg';

const names = new Map<string, string>();

/**
 * Runs a catalog query as a named prepared statement, so that a connection that snapshots again
 * and again (verify does it three times per migration) plans each query once. The name is derived
 * from the text, so two texts never share one.
 */
export async function catalogQuery<R extends pg.QueryResultRow>(client: pg.ClientBase, text: string, values: unknown[] = []): Promise<R[]> {
  let name = names.get(text);
  if (!name) {
    name = `pgwarden_catalog_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return (await client.query<R>({ name, text, values })).rows;
}
