import type { Argv } from 'yargs';
import { ExitCode } from '../../exit-codes.js';
import { runMigrations, type RunResult } from '../../runner/run.js';
import type { Direction } from '../../runner/steps.js';
import { commandContext, setExitCode, type GlobalArgs } from '../context.js';
import { migrationInterrupt, statusCommand, withInterrupt } from '../interrupt.js';
import { paint, printJson, progressPrinter, type Output } from '../output.js';
import { statusJson, summaryLine } from '../render/status.js';
import { withDatabase } from '../with-database.js';
import { RUN_COUNT, RUN_WAIT } from '../../numeric-options.js';
import { numberOption } from '../numeric-option.js';

/** Options shared by `up` and `down`. */
export interface MigrateArgs extends GlobalArgs {
  to?: string;
  count?: number;
  dryRun?: boolean;
  wait?: number;
  singleTransaction?: boolean;
  outOfOrder?: boolean;
  resume?: boolean;
  json?: boolean;
}

export function migrateOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('to', { type: 'string', describe: 'Target revision' })
    .option('count', numberOption('count', RUN_COUNT, { describe: 'How many migrations at most' }))
    .option('dry-run', { type: 'boolean', describe: 'Print the SQL; touch nothing, take no lock, create no table' })
    .option('wait', numberOption('wait', RUN_WAIT, { describe: 'Wait this many seconds for another run to finish (0: forever) instead of failing' }))
    .option('single-transaction', { type: 'boolean', describe: 'Run the whole batch in one transaction' })
    .option('json', { type: 'boolean', describe: 'Machine-readable output' });
}

function renderRun(output: Output, result: RunResult): string {
  const lines: string[] = [];
  if (result.dryRun) {
    lines.push(`-- pgwarden ${result.direction} --dry-run on ${result.database}: ${result.migrations.length} migration(s); nothing was run.`);
    for (const m of result.migrations) {
      lines.push('', `-- ${m.name} (${result.direction}${m.transactional ? ', in a transaction' : ', outside a transaction'})`);
      for (const sql of m.sql ?? []) lines.push(sql.trimEnd().endsWith(';') ? sql.trimEnd() : `${sql.trimEnd()};`);
    }
    return `${lines.join('\n')}\n`;
  }
  // What this run changed, then where the database stands (pgwarden status lists every migration).
  const verb = result.direction === 'up' ? 'Applied' : 'Rolled back';
  lines.push(`Database: ${result.database}`);
  if (result.migrations.length === 0) lines.push(result.direction === 'up' ? 'Nothing to apply: the database is up to date.' : 'Nothing to roll back.');
  else {
    lines.push(paint(output, 'green', `${verb} ${result.migrations.length} migration(s) in ${result.migrations.reduce((a, m) => a + m.durationMs, 0)} ms:`));
    const width = Math.min(60, Math.max(...result.migrations.map((m) => m.name.length)));
    for (const m of result.migrations) lines.push(`  ${m.name.padEnd(width)} ${m.durationMs} ms${m.transactional ? '' : ' (outside a transaction)'}`);
  }
  lines.push(summaryLine(result.status));
  return `${lines.join('\n')}\n`;
}

export async function migrateHandler(direction: Direction, args: MigrateArgs): Promise<void> {
  const ctx = commandContext(args);
  const progress = progressPrinter(ctx.output, !args.json && !args.dryRun);
  const result = await withInterrupt(ctx.output, (signal) => withDatabase(ctx, (db) =>
    runMigrations(ctx.config, db, direction, {
      signal,
      to: args.to,
      count: args.count,
      dryRun: args.dryRun,
      wait: args.wait,
      transaction: args.singleTransaction ? 'single' : undefined,
      outOfOrder: args.outOfOrder,
      resume: args.resume,
      onProgress: (e) => {
        const label = `[${e.index + 1}/${e.total}] ${direction} ${e.name}`;
        if (e.phase === 'start') progress.update(`${label} ...`);
        else if (ctx.output.isTTY) progress.update(`${label} (${e.durationMs} ms)`);
        // Off a terminal (CI logs): a plain line per migration as its result arrives; the summary
        // then lists each with the duration the server measured.
        else progress.line(`${direction === 'up' ? 'applied' : 'rolled back'} ${e.name}`);
      },
    }),
  ), migrationInterrupt(statusCommand(ctx.target))).finally(() => progress.done());
  if (args.json) {
    printJson(ctx.output, {
      direction: result.direction,
      dryRun: result.dryRun,
      database: result.database,
      migrations: result.migrations,
      status: statusJson(result.status),
    });
  } else {
    ctx.output.out(renderRun(ctx.output, result));
  }
  setExitCode(ExitCode.Ok);
}
