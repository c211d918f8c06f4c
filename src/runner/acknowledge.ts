import type { PgwardenConfig } from '../config/types.js';
import { PgwardenError } from '../errors.js';
import { loadMigrations } from '../migrations/load.js';
import { commandFor } from '../providers/origin.js';
import type { DatabaseHandle } from '../providers/types.js';
import { acquireRunLock, releaseRunLock } from './lock.js';
import { ensureLedger, ledgerNames, readLedger, recordEvent } from './ledger.js';
import { connect, currentApplier } from './session.js';

export interface AcknowledgeResult {
  revision: string;
  file: string;
  previousChecksum: string;
  checksum: string;
}

/**
 * Records that a person accepts the current content of an applied migration whose file changed
 * (a comment, formatting): the ledger takes the new checksum and the event keeps the old one and
 * the reason.
 */
export async function acknowledgeModified(config: PgwardenConfig, db: DatabaseHandle, revision: string, reason: string): Promise<AcknowledgeResult> {
  if (!reason.trim()) throw new PgwardenError('USAGE', 'acknowledge needs --reason "...": say why the change to an applied migration is safe.');
  const file = loadMigrations(config.migrationsDir).find((m) => m.revision === revision);
  if (!file) throw new PgwardenError('USAGE', `No migration file has revision ${revision}.`);
  const applier = currentApplier(config.root);
  const client = await connect(db, { applicationName: applier.tool });
  try {
    await acquireRunLock(client, config.ledger);
    try {
      await ensureLedger(client, config.ledger);
      const row = (await readLedger(client, config.ledger)).find((r) => r.revision === revision);
      if (!row) throw new PgwardenError('USAGE', `${file.fileName} is not applied on ${db.display}: there is nothing to acknowledge.`);
      if (row.checksum === file.checksum) throw new PgwardenError('USAGE', `${file.fileName} is unchanged since it was applied: there is nothing to acknowledge.`);
      const n = ledgerNames(config.ledger);
      await client.query('BEGIN');
      await client.query(`UPDATE ${n.table} SET checksum = $2 WHERE revision = $1`, [revision, file.checksum]);
      await recordEvent(client, config.ledger, { action: 'acknowledge', revision, name: file.name, checksum: file.checksum, applier, detail: { previousChecksum: row.checksum, reason } });
      await client.query('COMMIT');
      return { revision, file: file.fileName, previousChecksum: row.checksum, checksum: file.checksum };
    } finally {
      await client.query('ROLLBACK').catch(() => {});
      await releaseRunLock(client, config.ledger).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Settles a `Transaction: none` migration that stopped halfway, after a person finished or undid
 * it by hand: `applied` records it as applied, `rolled-back` removes it from the ledger.
 */
export async function resolvePartial(config: PgwardenConfig, db: DatabaseHandle, revision: string, as: 'applied' | 'rolled-back'): Promise<void> {
  const file = loadMigrations(config.migrationsDir).find((m) => m.revision === revision);
  const applier = currentApplier(config.root);
  const client = await connect(db, { applicationName: applier.tool });
  try {
    await acquireRunLock(client, config.ledger);
    try {
      const row = (await readLedger(client, config.ledger)).find((r) => r.revision === revision);
      if (!row || row.state !== 'partial') throw new PgwardenError('USAGE', `Revision ${revision} is not partial on ${db.display}: ${commandFor(db, 'status')} shows its state.`);
      const n = ledgerNames(config.ledger);
      await client.query('BEGIN');
      if (as === 'applied') {
        await client.query(`UPDATE ${n.table} SET state = 'applied', error = NULL, checksum = $2, statements_done = statements_total WHERE revision = $1`, [revision, file?.checksum ?? row.checksum]);
      } else {
        await client.query(`DELETE FROM ${n.table} WHERE revision = $1`, [revision]);
      }
      await recordEvent(client, config.ledger, { action: 'resolve', revision, name: row.name, checksum: row.checksum, applier, detail: { as, error: row.error } });
      await client.query('COMMIT');
    } finally {
      await client.query('ROLLBACK').catch(() => {});
      await releaseRunLock(client, config.ledger).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}
