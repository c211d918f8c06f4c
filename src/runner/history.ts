import type { PgwardenConfig } from '../config/types.js';
import { checkNumber } from '../numeric-options.js';
import type { DatabaseHandle } from '../providers/types.js';
import { readEvents, type LedgerEvent } from './ledger.js';
import { connect } from './session.js';

export interface HistoryReport {
  database: string;
  events: LedgerEvent[];
}

/** Every up, down, acknowledgement, failure and deploy recorded on a database, newest first; `limit` of them (at least 1). */
export async function getHistory(config: PgwardenConfig, db: DatabaseHandle, limit = 1000): Promise<HistoryReport> {
  checkNumber('limit', limit, { integer: true, min: 1, meaning: 'how many events to read', example: '20' });
  const client = await connect(db);
  try {
    return { database: db.display, events: await readEvents(client, config.ledger, limit) };
  } finally {
    await client.end().catch(() => {});
  }
}
