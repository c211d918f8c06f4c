import type { CommandModule } from 'yargs';
import { PgwardenError } from '../../errors.js';
import { resolvePartial } from '../../runner/acknowledge.js';
import { commandContext, type GlobalArgs } from '../context.js';
import { withDatabase } from '../with-database.js';

interface ResolveArgs extends GlobalArgs {
  revision: string;
  applied?: boolean;
  rolledBack?: boolean;
}

export const resolveCommand: CommandModule<object, ResolveArgs> = {
  command: 'resolve <revision>',
  describe: 'Settle a Transaction: none migration that stopped halfway, after finishing or undoing it by hand',
  builder: (y) =>
    y
      .positional('revision', { type: 'string', demandOption: true })
      .option('applied', { type: 'boolean', describe: 'It is now fully applied' })
      .option('rolled-back', { type: 'boolean', describe: 'It is now fully undone' }) as never,
  handler: async (args) => {
    if (args.applied && args.rolledBack) {
      throw new PgwardenError('USAGE', '--applied and --rolled-back exclude each other: give the one that says how the migration ended (--applied: you finished it by hand; --rolled-back: you undid it). Nothing was changed.');
    }
    if (!args.applied && !args.rolledBack) throw new PgwardenError('USAGE', 'Say how it ended: --applied (you finished it by hand) or --rolled-back (you undid it). Nothing was changed.');
    const ctx = commandContext(args);
    await withDatabase(ctx, (db) => resolvePartial(ctx.config, db, String(args.revision), args.applied ? 'applied' : 'rolled-back'));
    ctx.output.out(`Resolved ${args.revision} as ${args.applied ? 'applied' : 'rolled back'}.\n`);
  },
};
