import type { CommandModule } from 'yargs';
import { acknowledgeModified } from '../../runner/acknowledge.js';
import { commandContext, type GlobalArgs } from '../context.js';
import { printJson } from '../output.js';
import { withDatabase } from '../with-database.js';

interface AckArgs extends GlobalArgs {
  revision: string;
  reason: string;
  json?: boolean;
}

export const acknowledgeCommand: CommandModule<object, AckArgs> = {
  command: 'acknowledge <revision>',
  aliases: ['ack'],
  describe: 'Accept the current content of an applied migration whose file changed (recorded in the ledger)',
  builder: (y) =>
    y
      .positional('revision', { type: 'string', demandOption: true })
      .option('reason', { type: 'string', demandOption: true, describe: 'Why the change is safe (kept in the history)' })
      .option('json', { type: 'boolean' }) as never,
  handler: async (args) => {
    const ctx = commandContext(args);
    const result = await withDatabase(ctx, (db) => acknowledgeModified(ctx.config, db, String(args.revision), args.reason));
    if (args.json) printJson(ctx.output, result);
    else ctx.output.out(`Acknowledged ${result.file}: checksum ${result.previousChecksum.slice(0, 12)} -> ${result.checksum.slice(0, 12)}\n`);
  },
};
