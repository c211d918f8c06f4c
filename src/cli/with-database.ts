import { openDatabase } from '../providers/resolve.js';
import type { DatabaseHandle } from '../providers/types.js';
import type { CommandContext } from './context.js';
import { trace } from '../trace.js';

/** Opens the command's database, runs `fn`, and always releases what was started for it. */
export async function withDatabase<T>(ctx: CommandContext, fn: (db: DatabaseHandle) => Promise<T>): Promise<T> {
  const db = await openDatabase(ctx.config, ctx.target);
  trace('cli: database resolved');
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
