import type { StatusReport, MigrationStatus } from '../../runner/status.js';
import { paint, type Colour, type Output } from '../output.js';

const stateColour: Record<MigrationStatus['state'], Colour> = { applied: 'green', pending: 'yellow', modified: 'red', missing: 'red', partial: 'red' };

export function renderStatus(output: Output, report: StatusReport): string {
  const lines: string[] = [`Database: ${report.database}`];
  const nameWidth = Math.min(60, Math.max(4, ...report.migrations.map((m) => m.name.length)));
  for (const m of report.migrations) {
    const state = paint(output, stateColour[m.state], m.state.padEnd(8));
    const when = m.appliedAt ? m.appliedAt.replace('T', ' ').slice(0, 19) : '';
    const extra = [m.outOfOrder ? paint(output, 'red', 'out of order') : '', m.durationMs !== undefined ? `${m.durationMs} ms` : '', m.state === 'missing' ? 'file missing' : '', m.partial ? `stopped after ${m.partial.statementsDone}/${m.partial.statementsTotal ?? '?'} statements${m.partial.error ? ` (${m.partial.error})` : ''}` : '']
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${state} ${m.name.padEnd(nameWidth)} ${when}${extra ? `  ${extra}` : ''}`.trimEnd());
  }
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

/** One line: how many migrations are in each state, the head, and where the database is. */
export function summaryLine(report: StatusReport): string {
  const s = report.summary;
  const parts = [`${s.applied} applied`, `${s.pending} pending`];
  if (s.modified) parts.push(`${s.modified} modified`);
  if (s.missing) parts.push(`${s.missing} missing`);
  if (s.partial) parts.push(`${s.partial} partial`);
  if (s.outOfOrder) parts.push(`${s.outOfOrder} out of order`);
  return `${parts.join(', ')}. Head ${report.head ?? '(none)'}, database at ${report.current ?? '(nothing applied)'}.`;
}

/** The JSON shape of `status --json`: stable for machines. */
export function statusJson(report: StatusReport) {
  return {
    database: report.database,
    head: report.head ?? null,
    current: report.current ?? null,
    clean: report.clean,
    summary: report.summary,
    migrations: report.migrations.map((m) => ({
      revision: m.revision,
      name: m.name,
      state: m.state,
      description: m.description,
      file: m.file ?? null,
      outOfOrder: m.outOfOrder,
      appliedAt: m.appliedAt ?? null,
      appliedBy: m.appliedBy ?? null,
      durationMs: m.durationMs ?? null,
      checksum: m.checksum ?? null,
      partial: m.partial ?? null,
    })),
  };
}
