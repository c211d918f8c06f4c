import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { snapshotOf, snapshotOptionsFor } from '../../catalog/snapshot.js';
import { PgwardenError } from '../../errors.js';
import { commandContext, type GlobalArgs } from '../context.js';
import { withDatabase } from '../with-database.js';

interface SnapshotArgs extends GlobalArgs {
  out?: string;
  schema?: string[];
}

export const snapshotCommand: CommandModule<object, SnapshotArgs> = {
  command: 'snapshot',
  describe: "Print the canonical catalog snapshot of the database's schema (JSON)",
  builder: (y) =>
    y
      .option('json', { type: 'boolean', describe: 'JSON output (the only format; accepted for symmetry)' })
      .option('out', { type: 'string', describe: 'Write to this file instead of standard output' })
      .option('schema', { type: 'string', array: true, describe: 'Only these schemas' })
      .example('$0 snapshot --env staging --out staging.json', "write staging's schema to a file") as never,
  handler: async (args) => {
    const ctx = commandContext(args);
    const snapshot = await withDatabase(ctx, (db) => snapshotOf(db, snapshotOptionsFor(ctx.config, args.schema ? { schemas: args.schema } : {})));
    const text = `${JSON.stringify(snapshot, null, 2)}\n`;
    if (!args.out) {
      ctx.output.out(text);
      return;
    }
    const path = resolve(args.cwd ?? process.cwd(), args.out);
    try {
      writeFileSync(path, text);
    } catch (cause) {
      throw new PgwardenError('USAGE', `Cannot write ${args.out}: ${(cause as Error).message}.`, { cause });
    }
    ctx.output.err(`wrote ${args.out}\n`);
  },
};
