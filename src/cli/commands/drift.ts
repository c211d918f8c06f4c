import type { CommandModule } from 'yargs';
import { checkDrift } from '../../drift/drift.js';
import { DEFAULT_LOCK_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT } from '../../drift/read-environment.js';
import { DRIFT_CLASSES, type DriftClass, type DriftReport, type DriftTarget } from '../../drift/types.js';
import { ExitCode } from '../../exit-codes.js';
import { commandFor } from '../../providers/origin.js';
import { commandContext, setExitCode, type GlobalArgs } from '../context.js';
import { statementInterrupt, statusCommand, withInterrupt } from '../interrupt.js';
import { paint, printJson, type Colour, type Output } from '../output.js';

interface DriftArgs extends GlobalArgs {
  against?: string;
  lockTimeout?: string;
  statementTimeout?: string;
  json?: boolean;
}

export const driftCommand: CommandModule<object, DriftArgs> = {
  command: 'drift',
  describe: "Compare a database (--env/--url) with schema/snapshot.json, or with another environment (--against), and with the repository's migrations; read only",
  builder: (y) =>
    y
      .option('against', { type: 'string', describe: "Compare with this environment's database instead of schema/snapshot.json (e.g. --env staging --against prod)" })
      .option('lock-timeout', { type: 'string', describe: 'How long to wait for a lock another session holds (a deploy altering a table) before giving up with exit 3, e.g. 30s; 0 waits for ever', default: DEFAULT_LOCK_TIMEOUT })
      .option('statement-timeout', { type: 'string', describe: 'How long one catalog query may run before giving up with exit 3; 0 for ever', default: DEFAULT_STATEMENT_TIMEOUT })
      .option('json', { type: 'boolean', describe: 'Machine-readable output' }) as never,
  handler: async (args) => {
    const ctx = commandContext(args);
    const report = await withInterrupt(ctx.output, (signal) => checkDrift(ctx.config, { ...ctx.target, against: args.against, lockTimeout: args.lockTimeout, statementTimeout: args.statementTimeout, signal }), statementInterrupt('the running catalog query', statusCommand(ctx.target)));
    if (args.json) printJson(ctx.output, driftJson(report));
    else ctx.output.out(renderDrift(ctx.output, report));
    setExitCode(report.clean ? ExitCode.Ok : ExitCode.Findings);
  },
};

/** The JSON shape of `drift --json`: stable for machines. */
export function driftJson(report: DriftReport) {
  return {
    target: report.target,
    reference: report.reference,
    clean: report.clean,
    counts: report.counts,
    findings: report.findings,
    ignored: report.ignored,
    managedByRoles: report.managedByRoles,
    versionOnly: report.versionOnly,
    readOnly: report.readOnly,
    ledgerRead: report.ledgerRead,
    notes: report.notes,
  };
}

const CLASS_COLOURS: Record<DriftClass, Colour> = { structure: 'red', security: 'magenta', documentation: 'yellow', ledger: 'cyan' };

function describeTarget(target: DriftTarget): string {
  return target.environment ? `${target.environment} (${target.display})` : target.display;
}

/**
 * What to run about the ledger findings, for each database they are about (with --against, either
 * or both), with the options that name that database: `pgwarden up --env prod`, never a bare
 * `pgwarden up` that would work on whatever database the shell's defaults name.
 */
function ledgerHints(report: DriftReport): string[] {
  const databases: DriftTarget[] = [report.target, ...(report.reference.kind === 'environment' ? [report.reference] : [])];
  const hints: string[] = [];
  for (const db of databases) {
    // Ledger findings carry the environment (or address) of their database when two are compared.
    const label = db.environment ?? db.display;
    const findings = report.findings.filter((f) => f.class === 'ledger' && (report.reference.kind === 'snapshot' || f.environment === label));
    if (findings.length === 0) continue;
    const pending = findings.some((f) => f.kind === 'pending' || f.kind === 'out of order');
    const name = (command: string) => `\`${commandFor({ origin: { options: db.options ?? '' } }, command)}\``;
    const whose = databases.length > 1 ? ` of ${label}` : '';
    hints.push(`${name('status')} shows the ledger${whose}${pending ? `; ${name('up')} applies what is pending there` : ''}.`);
  }
  return hints;
}

/** The report as a person reads it: one block per class, then what was ignored. */
export function renderDrift(output: Output, report: DriftReport): string {
  const target = describeTarget(report.target);
  const reference = report.reference.kind === 'snapshot' ? report.reference.file : describeTarget(report.reference);
  const lines: string[] = [];
  if (report.clean) {
    const ledger = report.ledgerRead ? 'and its ledger agrees with the migrations' : 'but its ledger could not be read, so it was not compared with the migrations (see the note)';
    lines.push(paint(output, report.ledgerRead ? 'green' : 'yellow', `No drift: ${target} matches ${reference} (${report.tables} tables), ${ledger}.`));
  } else {
    const n = report.findings.length;
    lines.push(`Drift of ${target} against ${reference}: ${n} finding${n === 1 ? '' : 's'}.`);
    for (const cls of DRIFT_CLASSES) {
      const findings = report.findings.filter((f) => f.class === cls);
      if (findings.length === 0) continue;
      lines.push('', paint(output, CLASS_COLOURS[cls], `${cls} (${findings.length})`));
      for (const f of findings) lines.push(`  ${f.message}`);
    }
    if (report.counts.ledger > 0) lines.push('', ...ledgerHints(report));
  }
  if (report.versionOnly.length > 0) {
    lines.push(paint(output, 'gray', "Set aside, as only the two servers' major versions explain them:"));
    for (const sentence of report.versionOnly) lines.push(paint(output, 'gray', `  - ${sentence}`));
  }
  if (report.ignored.length > 0) lines.push(paint(output, 'gray', `${report.ignored.length} finding${report.ignored.length === 1 ? '' : 's'} left out by driftIgnore.`));
  for (const note of report.notes) lines.push(paint(output, 'yellow', `note: ${note}`));
  return `${lines.join('\n')}\n`;
}
