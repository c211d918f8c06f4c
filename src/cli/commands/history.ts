import type { CommandModule } from 'yargs';
import { getHistory } from '../../runner/history.js';
import { commandContext, type GlobalArgs } from '../context.js';
import { printJson } from '../output.js';
import { renderHistory } from '../render/history.js';
import { withDatabase } from '../with-database.js';
import { countRule, numberOption } from '../numeric-option.js';

interface HistoryArgs extends GlobalArgs {
  json?: boolean;
  limit: number;
}

export const historyCommand: CommandModule<object, HistoryArgs> = {
  command: 'history',
  describe: 'Every up, down, acknowledgement and failure recorded in the ledger, newest first',
  builder: (y) =>
    y.option('json', { type: 'boolean', describe: 'Machine-readable output' }).option('limit', numberOption('limit', countRule('how many events to show, newest first', '20'), { default: 100, describe: 'How many events, newest first (a whole number of at least 1)' })) as never,
  handler: async (args) => {
    const ctx = commandContext(args);
    const report = await withDatabase(ctx, (db) => getHistory(ctx.config, db, args.limit));
    if (args.json) {
      printJson(ctx.output, report);
      return;
    }
    ctx.output.out(renderHistory(report));
  },
};
