import { PgwardenError, isPgwardenError } from '../errors.js';
import { commandFor } from '../providers/origin.js';
import { openDatabase } from '../providers/resolve.js';
import { redactText } from '../redact.js';
import { isConnectionLoss } from '../runner/pg-error.js';
import type { DatabaseHandle } from '../providers/types.js';
import type { CommandContext } from './context.js';
import { trace } from '../trace.js';

/**
 * Opens the command's database, runs `fn`, and always releases what was started for it. A lost
 * connection is a connection error (exit 3), wherever it happened.
 */
export async function withDatabase<T>(ctx: CommandContext, fn: (db: DatabaseHandle) => Promise<T>): Promise<T> {
  const db = await openDatabase(ctx.config, ctx.target);
  trace('cli: database resolved');
  for (const note of db.notes ?? []) ctx.output.err(`note: ${note}\n`);
  try {
    return await fn(db);
  } catch (error) {
    if (isPgwardenError(error) || !isConnectionLoss(error)) throw error;
    const reason = redactText((error as Error)?.message ?? String(error));
    throw new PgwardenError('CONNECTION_FAILED', `Lost the connection to ${db.display}: ${reason}. The server stopped or ended this session, or the network failed. Check that the server runs, then see where the database stands with ${commandFor(db, 'status')} and run the command again.`, { cause: error });
  } finally {
    await db.close();
  }
}
