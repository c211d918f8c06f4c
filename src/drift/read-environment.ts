import { readSnapshot, snapshotOptionsFor } from '../catalog/snapshot.js';
import type { CatalogSnapshot } from '../catalog/types.js';
import type { PgwardenConfig } from '../config/types.js';
import type { MigrationFile } from '../migrations/types.js';
import type { DatabaseHandle } from '../providers/types.js';
import { readLedger, type LedgerRow } from '../runner/ledger.js';
import { connect } from '../runner/session.js';
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
}

/**
 * Reads a database's schema and migration ledger in one read-only transaction (REPEATABLE READ,
 * so both come from the same moment), on a session whose transactions default to read only too:
 * whatever the database, drift changes nothing in it and creates no ledger where there is none.
 */
export async function readEnvironment(config: PgwardenConfig, db: DatabaseHandle, ordered: readonly MigrationFile[], options: ReadEnvironmentOptions = {}): Promise<EnvironmentState> {
  const client = await connect(db, { applicationName: 'pgwarden drift' });
  const notes: string[] = [];
  try {
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
      throw error;
    }
  } finally {
    await client.end().catch(() => {});
  }
}
