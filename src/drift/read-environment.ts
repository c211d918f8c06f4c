import type pg from 'pg';
import { readSnapshot, snapshotOptionsFor } from '../catalog/snapshot.js';
import { isPgwardenError, PgwardenError } from '../errors.js';
import { isPgError } from '../runner/pg-error.js';
import type { CatalogSnapshot } from '../catalog/types.js';
import type { PgwardenConfig } from '../config/types.js';
import type { MigrationFile } from '../migrations/types.js';
import type { DatabaseHandle } from '../providers/types.js';
import { readLedger, type LedgerRow } from '../runner/ledger.js';
import { connect } from '../runner/session.js';
import { cancelOnAbort, interruptedBy } from '../runner/interrupt.js';
import { computeStatus, type StatusReport } from '../runner/status.js';
import { readLiveDatabase, type LiveDatabase } from '../roles/live-database.js';

/** What drift reads from one database. */
export interface EnvironmentState {
  snapshot: CatalogSnapshot;
  /** The ledger against the repository's migrations; undefined when the ledger cannot be read. */
  status: StatusReport | undefined;
  /** Postgres confirmed the reading transaction was read only. */
  readOnly: boolean;
  notes: string[];
  /** The privileges roles.yaml manages, when asked for (see {@link ReadEnvironmentOptions.roles}). */
  live?: LiveDatabase;
}

export interface ReadEnvironmentOptions {
  /** Also read the ACLs and default privileges roles.yaml manages, with the columns of these tables. */
  roles?: { tables: Array<{ schema: string; name: string }> } | undefined;
  /** How long to wait for a lock another session holds (Postgres's syntax: `10s`, `500ms`, `0` for ever). Default {@link DEFAULT_LOCK_TIMEOUT}. */
  lockTimeout?: string | undefined;
  /** How long one query may run (`0` for ever). Default {@link DEFAULT_STATEMENT_TIMEOUT}. */
  statementTimeout?: string | undefined;
  /** Stops the read: the running query is cancelled on the server and the read fails with INTERRUPTED. */
  signal?: AbortSignal | undefined;
}

/** Drift waits this long for a lock (a deploy's ACCESS EXCLUSIVE lock on a table it alters) before it gives up. */
export const DEFAULT_LOCK_TIMEOUT = '10s';
/** And lets one catalog query run this long. */
export const DEFAULT_STATEMENT_TIMEOUT = '5min';

const DURATION = /^\d+\s*(us|ms|s|min|h|d)?$/;

/** Checks a timeout option, naming it in the error (exit 2). */
export function checkTimeout(name: string, value: string): string {
  if (!DURATION.test(value.trim())) {
    throw new PgwardenError('USAGE', `${name} ${JSON.stringify(value)} is not a duration: give a number with a unit (500ms, 10s, 2min), or 0 to wait for ever.`);
  }
  return value.trim();
}

/**
 * Reads a database's schema and migration ledger in one read-only transaction (REPEATABLE READ,
 * so both come from the same moment), on a session whose transactions default to read only too:
 * whatever the database, drift changes nothing in it and creates no ledger where there is none.
 */
export async function readEnvironment(config: PgwardenConfig, db: DatabaseHandle, ordered: readonly MigrationFile[], options: ReadEnvironmentOptions = {}): Promise<EnvironmentState> {
  const lockTimeout = checkTimeout('--lock-timeout', options.lockTimeout ?? DEFAULT_LOCK_TIMEOUT);
  const statementTimeout = checkTimeout('--statement-timeout', options.statementTimeout ?? DEFAULT_STATEMENT_TIMEOUT);
  const stopped = (signal: AbortSignal, error?: unknown) => interruptedBy(signal, `reading ${db.display} was cancelled on the server. Nothing was changed (drift only reads).`, error);
  if (options.signal?.aborted) throw stopped(options.signal);
  const client = await connect(db, { applicationName: 'pgwarden drift' });
  const cancel = cancelOnAbort(client, db, options.signal);
  const notes: string[] = [];
  try {
    // A deploy holding an ACCESS EXCLUSIVE lock is when drift runs: wait a while, not for ever.
    await client.query(`SELECT pg_catalog.set_config('lock_timeout', $1, false), pg_catalog.set_config('statement_timeout', $2, false)`, [lockTimeout, statementTimeout]);
    await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const readOnly = (await client.query<{ transaction_read_only: string }>('SHOW transaction_read_only')).rows[0]?.transaction_read_only === 'on';
      const snapshot = await readSnapshot(client, snapshotOptionsFor(config));
      const live = options.roles ? await readLiveDatabase(client, options.roles.tables) : undefined;
      let ledger: LedgerRow[] | undefined;
      await client.query('SAVEPOINT ledger');
      try {
        ledger = await readLedger(client, config.ledger);
      } catch (error) {
        // A monitoring role may see the schema but not the ledger: the schema comparison still stands.
        await client.query('ROLLBACK TO SAVEPOINT ledger');
        notes.push(`the ledger ${config.ledger.schema}.${config.ledger.table} of ${db.display} could not be read (${(error as Error).message}); migrations were not compared with it`);
      }
      await client.query('COMMIT');
      const status = ledger ? computeStatus(ordered, ledger, config.root, db.display) : undefined;
      return { snapshot, status, readOnly, notes, ...(live ? { live } : {}) };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      if (options.signal?.aborted) throw stopped(options.signal, error);
      if (isPgError(error) && error.code === LOCK_NOT_AVAILABLE) {
        const holders = await lockHolders(client).catch(() => []);
        throw new PgwardenError(
          'LOCK_HELD',
          `Reading ${db.display} waited ${lockTimeout} for a lock and gave up: ${holders.length ? `another session holds ${holders.join('; ')}` : 'another session holds an ACCESS EXCLUSIVE lock'} (a deploy or migration in progress?). Nothing was changed. Run drift again when it has finished, or wait longer with --lock-timeout.`,
          { cause: error },
        );
      }
      if (isPgError(error) && error.code === QUERY_CANCELED) {
        throw new PgwardenError('DATABASE_ERROR', `Reading ${db.display} took longer than ${statementTimeout} and was cancelled. Nothing was changed. Run drift again when the server is less busy, or allow longer with --statement-timeout.`, { cause: error });
      }
      throw error;
    }
  } catch (error) {
    if (options.signal?.aborted && !(isPgwardenError(error) && error.code === 'INTERRUPTED')) throw stopped(options.signal, error);
    throw error;
  } finally {
    cancel.dispose();
    await client.end().catch(() => {});
  }
}

const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014';

/** Who holds ACCESS EXCLUSIVE locks on relations of the current database, as `lock on public.jobs (pid 123, pgwarden up, for 12s)`; no query text, which may hold secrets. */
async function lockHolders(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ relation: string; pid: number; application: string; seconds: number | null }>(
    `SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) AS relation, l.pid, a.application_name AS application,
            pg_catalog.round(EXTRACT(epoch FROM pg_catalog.now() - a.xact_start))::int AS seconds
       FROM pg_catalog.pg_locks l
       JOIN pg_catalog.pg_class c ON c.oid = l.relation
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
      WHERE l.granted AND l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.pid <> pg_catalog.pg_backend_pid()
        AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      ORDER BY 1, 2 LIMIT 5`,
  );
  return rows.map((r) => `an ACCESS EXCLUSIVE lock on ${r.relation} (pid ${r.pid}${r.application ? `, ${r.application}` : ''}${r.seconds !== null ? `, in a transaction open for ${r.seconds}s` : ''})`);
}
