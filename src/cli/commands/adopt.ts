import { relative } from 'node:path';
import type { CommandModule } from 'yargs';
import { planAdoption, writeAdoption, type AdoptionPlan } from '../../adopt/adopt.js';
import { markAdoptedApplied, type MarkResult } from '../../adopt/mark-applied.js';
import { PgwardenError } from '../../errors.js';
import { commandFor } from '../../providers/origin.js';
import type { DatabaseHandle } from '../../providers/types.js';
import { ExitCode } from '../../exit-codes.js';
import { commandContext, setExitCode, type GlobalArgs } from '../context.js';
import { paint, printJson, type Output } from '../output.js';
import { withDatabase } from '../with-database.js';

interface AdoptArgs extends GlobalArgs {
  folder: string;
  appliedThrough?: string;
  migrationsTable?: string;
  dryRun?: boolean;
  json?: boolean;
}

function renderPlan(output: Output, plan: AdoptionPlan, root: string, dryRun: boolean): string {
  const count = `${plan.migrations.length} migration${plan.migrations.length === 1 ? '' : 's'}`;
  const lines = [
    plan.layout === 'pgwarden'
      ? `${relative(root, plan.from) || '.'} is already in pgwarden's format (adopted earlier): its ${count} are kept as they are:`
      : `${dryRun ? 'Would adopt' : 'Adopted'} ${count} from ${relative(root, plan.from) || '.'} (${plan.layout}) into ${relative(root, plan.to) || '.'}${plan.inPlace ? ' (in place)' : ''}:`,
  ];
  for (const m of plan.migrations) {
    const renamed = m.sources[0] !== m.target ? `${m.sources.join(' + ')} -> ${m.target}` : m.target;
    const down = m.down === 'proposed' ? paint(output, 'yellow', 'down proposed') : m.down === 'incomplete' ? paint(output, 'red', 'no down') : m.down;
    lines.push(`  ${m.revision}  ${renamed}  [${down}]`);
    for (const note of m.notes) lines.push(paint(output, 'gray', `      ${note}`));
    for (const n of m.notInvertible) lines.push(paint(output, 'gray', `      cannot invert: ${n.statement} (${n.reason})`));
  }
  if (plan.ignored.length > 0) lines.push(`Left alone (not migrations): ${plan.ignored.join(', ')}`);
  const proposed = plan.migrations.filter((m) => m.down === 'proposed').length;
  const incomplete = plan.migrations.filter((m) => m.down === 'incomplete').length;
  if (proposed > 0) lines.push('', `${proposed} proposed down section${proposed === 1 ? ' starts' : 's start'} with "-- Proposed by pgwarden adopt": review them (pgwarden verify proves them on a throwaway database).`);
  if (incomplete > 0) lines.push(`${incomplete} migration${incomplete === 1 ? ' has' : 's have'} no down section: write one or add "--! Irreversible: <reason>" (pgwarden lint lists them).`);
  return `${lines.join('\n')}\n`;
}

function renderMarks(result: MarkResult, db: Pick<DatabaseHandle, 'display' | 'origin'>, dryRun: boolean): string {
  const target = db.display;
  const from = result.source === 'applied-through' ? '--applied-through' : `${result.table} (${result.source})`;
  const lines = [
    `${target}: ${dryRun ? 'would record' : 'recorded'} ${result.marked.length} migration${result.marked.length === 1 ? '' : 's'} as applied (from ${from}), without running them${result.alreadyRecorded.length ? `; ${result.alreadyRecorded.length} already in the ledger` : ''}.`,
  ];
  if (result.pending.length > 0) lines.push(`Pending (${commandFor(db, 'up')} applies them): ${result.pending.join(', ')}`);
  if (result.unknown.length > 0) lines.push(`In ${result.table} but in no adopted file: ${result.unknown.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** `pgwarden adopt <folder>`: brings an existing migrations folder into pgwarden's format. */
export const adoptCommand: CommandModule<object, AdoptArgs> = {
  command: 'adopt <folder>',
  describe: 'Bring in an existing migrations folder (node-pg-migrate, numbered SQL, golang-migrate, Flyway, dbmate): headers, a revision chain, proposed downs; with --env/--url, mark what the database has as applied',
  builder: (y) =>
    y
      .positional('folder', { type: 'string', demandOption: true, describe: 'The folder of migrations to adopt (the migrations folder itself to adopt in place)' })
      .option('applied-through', { type: 'string', describe: 'The database has every migration up to this number (for folders whose tool keeps no table)' })
      .option('migrations-table', { type: 'string', describe: "The tool's table, when not pgmigrations / schema_migrations / flyway_schema_history" })
      .option('dry-run', { type: 'boolean', describe: 'Show what would be written and recorded; change nothing' })
      .option('json', { type: 'boolean', describe: 'Machine-readable output' })
      .example('pgwarden adopt migrations --env prod', 'A node-pg-migrate folder, in place; record what prod has (pgmigrations)')
      .example('pgwarden adopt db/sql --applied-through 12 --env prod', 'Numbered SQL files; prod has 001..012') as never,
  handler: async (args) => {
    const ctx = commandContext(args);
    const explicitDatabase = args.env !== undefined || args.url !== undefined || Boolean(process.env.DATABASE_URL);
    if (args.appliedThrough !== undefined && !explicitDatabase) throw new PgwardenError('USAGE', '--applied-through records migrations as applied on a database: name it with --env or --url.');
    const plan = await planAdoption(ctx.config, { from: args.folder, cwd: args.cwd ?? process.cwd() });
    if (!args.dryRun) writeAdoption(ctx.config, plan);
    let marks: MarkResult | undefined;
    let target: Pick<DatabaseHandle, 'display' | 'origin'> | undefined;
    if (explicitDatabase) {
      marks = await withDatabase(ctx, async (db) => {
        target = { display: db.display, ...(db.origin ? { origin: db.origin } : {}) };
        return markAdoptedApplied(ctx.config, db, plan, { appliedThrough: args.appliedThrough, migrationsTable: args.migrationsTable, dryRun: args.dryRun });
      });
    }
    if (args.json) {
      printJson(ctx.output, {
        dryRun: Boolean(args.dryRun),
        layout: plan.layout,
        from: relative(ctx.config.root, plan.from),
        to: relative(ctx.config.root, plan.to),
        migrations: plan.migrations.map(({ text: _text, ...m }) => m),
        removed: plan.remove.map((p) => relative(ctx.config.root, p)),
        ignored: plan.ignored,
        ledger: marks ? { database: target?.display, ...marks } : null,
      });
    } else {
      ctx.output.out(renderPlan(ctx.output, plan, ctx.config.root, Boolean(args.dryRun)));
      if (marks) ctx.output.out(renderMarks(marks, target!, Boolean(args.dryRun)));
      else ctx.output.out('No database named (--env/--url): nothing recorded as applied. Run pgwarden adopt again with --env <name> to record what a database already has.\n');
      if (!args.dryRun) ctx.output.out('Next: pgwarden lint, then pgwarden verify to prove the proposed down sections.\n');
    }
    setExitCode(ExitCode.Ok);
  },
};
