import { relative } from 'node:path';
import type { CommandModule } from 'yargs';
import { markBaselineApplied, planBaseline, writeBaseline, type BaselinePlan } from '../../baseline/baseline.js';
import { PgwardenError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { commandContext, setExitCode, type GlobalArgs } from '../context.js';
import { paint, printJson, type Output } from '../output.js';
import { withDatabase } from '../with-database.js';

interface BaselineArgs extends GlobalArgs {
  description?: string;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
}

/** The text output of baseline: what was read, whether the replay gives the same schema (and else how it differs), what was written. */
export function renderBaseline(output: Output, plan: BaselinePlan, where: { database: string; file: string; written: boolean; dryRun: boolean }): string {
  const c = plan.counts;
  const lines = [`Read ${where.database}: ${c.tables} tables, ${c.views} views, ${c.sequences} sequences, ${c.functions} functions, ${c.types} types.`];
  const equal = plan.differences.length === 0;
  if (plan.roles.length > 0) lines.push(`Roles the schema names (created NOLOGIN on the throwaway server to replay it): ${plan.roles.join(', ')}.`);
  if (equal) lines.push(paint(output, 'green', 'Replayed on an empty throwaway database, the baseline gives the same schema.'));
  else {
    lines.push(paint(output, 'red', `Replayed on an empty throwaway database, the baseline differs in ${plan.explained.length} place(s):`));
    for (const d of plan.explained) lines.push(`  - ${d}`);
  }
  if (plan.leftOut.length > 0) {
    const { target, replay } = plan.versions;
    lines.push(`The database runs Postgres ${target} and the replay ran on Postgres ${replay}: ${plan.leftOut.length} difference(s) that only the two major versions explain were left out of the comparison:`);
    for (const d of plan.leftOut) lines.push(paint(output, 'gray', `  - ${d}`));
  }
  if (where.written) {
    lines.push(`Wrote ${where.file} (revision ${plan.revision}) and recorded it as applied on ${where.database} without running it.`);
    lines.push('Next: pgwarden docs, then commit the migration and schema/. Consider lint.startAfter: { "*": "' + plan.revision + '" } so that the rules judge new migrations only.');
  } else if (where.dryRun) {
    lines.push(`Dry run: ${where.file} was not written, nothing was recorded.`, '', plan.text);
  } else {
    lines.push('Nothing was written or recorded: fix what differs (or pass --force to keep the baseline as it is).');
  }
  return `${lines.join('\n')}\n`;
}

/** `pgwarden baseline --env <name>`: the first migration of a database built without migrations. */
export const baselineCommand: CommandModule<object, BaselineArgs> = {
  command: 'baseline',
  describe: 'Record a database built before any migration: generate a first migration reproducing its schema, prove it on a throwaway database, mark it applied there',
  builder: (y) =>
    y
      .option('description', { type: 'string', describe: 'The migration\'s description (default: "Baseline of the existing <env> schema")' })
      .option('dry-run', { type: 'boolean', describe: 'Generate and prove the migration, print the result; write and record nothing' })
      .option('force', { type: 'boolean', describe: 'Write and record the baseline even when the replay differs from the database' })
      .option('json', { type: 'boolean', describe: 'Machine-readable output' })
      .example('pgwarden baseline --env prod', 'Start managing the prod schema with pgwarden') as never,
  handler: async (args) => {
    const ctx = commandContext(args);
    if (!ctx.target.env && !ctx.target.url && !process.env.DATABASE_URL) throw new PgwardenError('USAGE', 'Name the database to baseline: pgwarden baseline --env <name> (or --url).');
    await withDatabase(ctx, async (db) => {
      const plan = await planBaseline(ctx.config, db, { ...(args.description ? { description: args.description } : {}) });
      const equal = plan.differences.length === 0;
      const write = !args.dryRun && (equal || args.force);
      if (write) {
        writeBaseline(plan);
        await markBaselineApplied(ctx.config, db, plan);
      }
      const file = relative(process.cwd(), plan.path);
      if (args.json) {
        printJson(ctx.output, { revision: plan.revision, file, written: Boolean(write), recorded: Boolean(write), database: db.display, counts: plan.counts, roles: plan.roles, equal, differences: plan.explained, versions: plan.versions, leftOut: plan.leftOut });
      } else {
        ctx.output.out(renderBaseline(ctx.output, plan, { database: db.display, file, written: Boolean(write), dryRun: Boolean(args.dryRun) }));
      }
      setExitCode(equal || args.force || args.dryRun ? (equal ? ExitCode.Ok : ExitCode.Findings) : ExitCode.Findings);
    });
  },
};
