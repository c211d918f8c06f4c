import type { CommandModule } from 'yargs';
import { ExitCode } from '../../exit-codes.js';
import { getStatus } from '../../runner/run.js';
import { commandContext, setExitCode, type GlobalArgs } from '../context.js';
import { printJson } from '../output.js';
import { renderStatus, statusJson } from '../render/status.js';
import { withDatabase } from '../with-database.js';

interface StatusArgs extends GlobalArgs {
  json?: boolean;
  exitCode?: boolean;
}

export const statusCommand: CommandModule<object, StatusArgs> = {
  command: 'status',
  describe: 'Show each migration: applied, pending, modified, missing, partial, out of order',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', describe: 'Machine-readable output' })
      .option('exit-code', { type: 'boolean', describe: 'Exit 1 when anything is pending or wrong' }) as never,
  handler: async (args) => {
    const ctx = commandContext(args);
    const report = await withDatabase(ctx, (db) => getStatus(ctx.config, db));
    if (args.json) printJson(ctx.output, statusJson(report));
    else ctx.output.out(renderStatus(ctx.output, report));
    setExitCode(args.exitCode && !report.clean ? ExitCode.Findings : ExitCode.Ok);
  },
};
