import type { CommandModule } from 'yargs';
import { getHistory } from '../../runner/history.js';
import { commandContext, type GlobalArgs } from '../context.js';
import { printJson } from '../output.js';
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
    const lines = [`Database: ${report.database}`];
    for (const e of report.events) {
      const when = e.at.toISOString().replace('T', ' ').slice(0, 19);
      const detail = e.detail ? ` ${JSON.stringify(e.detail)}` : '';
      lines.push(`  ${when}  ${e.action.padEnd(11)} ${(e.name ?? '').padEnd(40)} ${e.dbUser}${e.durationMs !== null ? ` ${e.durationMs} ms` : ''}${e.gitCommit ? ` git ${e.gitCommit.slice(0, 10)}` : ''}${detail}`);
    }
    if (report.events.length === 0) lines.push('  (no events: nothing was ever applied here)');
    ctx.output.out(`${lines.join('\n')}\n`);
  },
};
