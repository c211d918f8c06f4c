import type pg from 'pg';
import type { LedgerConfig } from '../config/types.js';
import { PgwardenError } from '../errors.js';

/** The advisory lock's class id: "pgwd". The object id is derived from the ledger's name. */
const LOCK_CLASS = 0x70677764;

function lockObject(config: LedgerConfig): number {
  let hash = 0x811c9dc5;
  for (const ch of `${config.schema}.${config.table}`) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/** Who holds the lock, for the "lock held by ..." error (advisory locks are per database: this one's). */
export interface LockHolder {
  pid: number;
  applicationName: string;
  user: string;
  clientAddr: string | null;
  since: Date | null;
}

export async function lockHolder(client: pg.Client, config: LedgerConfig): Promise<LockHolder | undefined> {
  const { rows } = await client.query(
    `SELECT a.pid, a.application_name, a.usename, a.client_addr::text, a.backend_start
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::bigint::oid AND l.objid = ($2::bigint & 4294967295)::oid AND l.objsubid = 2
        AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
      LIMIT 1`,
    [LOCK_CLASS, lockObject(config)],
  );
  const r = rows[0];
  return r ? { pid: r.pid, applicationName: r.application_name, user: r.usename, clientAddr: r.client_addr, since: r.backend_start } : undefined;
}

function describe(holder: LockHolder | undefined): string {
  if (!holder) return 'another session';
  const since = holder.since ? `, connected since ${holder.since.toISOString()}` : '';
  return `${holder.applicationName || 'an unnamed session'} (database user ${holder.user}, backend pid ${holder.pid}${holder.clientAddr ? ` from ${holder.clientAddr}` : ''}${since})`;
}

/** How often a waiting runner asks for the lock again. */
const POLL_MS = 250;

/**
 * Takes the run lock (a session-level advisory lock): exactly one runner applies at a time.
 * Without `waitSeconds` it fails at once with "lock held by ..."; with it, it waits that long
 * (0 = forever). A waiter polls pg_try_advisory_lock and sleeps on the client between polls: a
 * session blocked inside pg_advisory_lock holds a snapshot, and CREATE INDEX CONCURRENTLY in the
 * running migration waits for every snapshot, so the two would deadlock.
 */
export async function acquireRunLock(client: pg.Client, config: LedgerConfig, waitSeconds?: number): Promise<void> {
  const args = [LOCK_CLASS, lockObject(config)];
  const tryLock = async () => (await client.query('SELECT pg_try_advisory_lock($1, $2) AS ok', args)).rows[0].ok === true;
  if (await tryLock()) return;
  if (waitSeconds === undefined) {
    const holder = await lockHolder(client, config);
    throw new PgwardenError('LOCK_HELD', `The migration lock is held by ${describe(holder)}. Another run is in progress: wait for it (run the command again with --wait <seconds>) or try again later.`, {
      details: { holder },
    });
  }
  const deadline = waitSeconds > 0 ? Date.now() + waitSeconds * 1000 : Infinity;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) {
      const holder = await lockHolder(client, config);
      throw new PgwardenError('LOCK_HELD', `Waited ${waitSeconds}s for the migration lock, still held by ${describe(holder)}.`, { details: { holder } });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, left)));
    if (await tryLock()) return;
  }
}

export async function releaseRunLock(client: pg.Client, config: LedgerConfig): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, lockObject(config)]);
}
