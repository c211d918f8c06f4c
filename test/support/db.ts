import { randomBytes } from 'node:crypto';
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

/** Polls `ready` until it is true; throws naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, ready: () => Promise<boolean>, { timeoutMs = 60_000, intervalMs = 100 } = {}): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Waits until a backend of the database at `url` sleeps in pg_sleep: a migration held there (the whole run may be one message, so its text says nothing). */
export function waitForSleep(url: string): Promise<void> {
  const sql = `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND wait_event = 'PgSleep'`;
  return waitUntil('a backend to sleep in pg_sleep', async () => (await query(url, sql)).length > 0, { timeoutMs: 30_000, intervalMs: 50 });
}

/**
 * A login superuser of its own on the test server, so that the databases and sessions a command
 * makes there are told apart from the other tests' by their owner. `drop()` ends its sessions and
 * drops the databases it owns, then the role.
 */
export async function createLoginRole(prefix: string, settings: Record<string, string> = {}): Promise<{ user: string; password: string; url: string; drop: () => Promise<void> }> {
  const user = `${prefix}_${randomBytes(3).toString('hex')}`;
  const password = `pw_${randomBytes(8).toString('hex')}`;
  await query(adminUrl(), `CREATE ROLE ${user} LOGIN SUPERUSER PASSWORD '${password}'`);
  for (const [name, value] of Object.entries(settings)) await query(adminUrl(), `ALTER ROLE ${user} SET ${name} = '${value}'`);
  const parsed = new URL(adminUrl());
  parsed.username = user;
  parsed.password = password;
  parsed.pathname = '/postgres';
  const drop = async () => {
    await query(adminUrl(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [user]);
    for (const { datname } of await databasesOwnedBy(user)) await query(adminUrl(), `DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await query(adminUrl(), `DROP ROLE IF EXISTS ${user}`);
  };
  return { user, password, url: parsed.toString(), drop };
}

/** The databases `owner` owns on the test server, by name. */
export function databasesOwnedBy(owner: string): Promise<Array<{ datname: string }>> {
  return query<{ datname: string }>(adminUrl(), `SELECT datname FROM pg_database WHERE datdba = (SELECT oid FROM pg_roles WHERE rolname = $1) ORDER BY datname`, [owner]);
}
