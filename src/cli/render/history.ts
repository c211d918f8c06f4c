import type { LedgerEvent } from '../../runner/ledger.js';
import type { HistoryReport } from '../../runner/history.js';

type Detail = Record<string, unknown>;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
/** The first line of a recorded error (a migration error carries its code frame below it). */
const firstLine = (value: unknown) => text(value)?.split('\n')[0];

/** A deploy, in words: where, how it ended, what it applied, roles and drift. */
function deploySummary(d: Detail): string {
  const parts: string[] = [];
  const applied = list(d.applied);
  const where = text(d.environment) ? `environment ${d.environment}` : 'deploy';
  parts.push(`${where}: ${text(d.outcome) ?? 'unknown outcome'}`);
  parts.push(applied.length > 0 ? `applied ${plural(applied.length, 'migration')} (${applied.join(', ')})` : 'no migration applied');
  const partial = list(d.partial);
  if (partial.length > 0) parts.push(`stopped partway: ${partial.join(', ')}`);
  if (typeof d.rolesChanges === 'number') parts.push(`${plural(d.rolesChanges, 'role statement')}`);
  const drift = d.drift as Detail | undefined;
  if (drift && drift.checked === false) parts.push(`drift not checked (${text(drift.reason) ?? 'no reason recorded'})`);
  else if (drift && drift.checked === true) parts.push(drift.clean ? 'drift: none' : `drift: ${plural(Number(drift.findings ?? 0), 'difference')}`);
  if (text(d.head)) parts.push(`head ${d.head}`);
  if (text(d.error)) parts.push(`error: ${firstLine(d.error)}`);
  return parts.join('; ');
}

/** The detail of an event as a sentence, or undefined when there is nothing to add to its line. */
export function eventDetail(e: Pick<LedgerEvent, 'action' | 'detail'>): string | undefined {
  const d = e.detail;
  if (!d) return undefined;
  switch (e.action) {
    case 'deploy':
      return deploySummary(d);
    case 'failed': {
      const where = typeof d.statement === 'number' ? ` at statement ${d.statement}` : '';
      const indexes = list(d.invalidIndexes);
      return `${text(d.direction) ?? 'run'} failed${where}: ${firstLine(d.error) ?? 'no error recorded'}${indexes.length > 0 ? `; INVALID indexes left: ${indexes.join(', ')}` : ''}`;
    }
    case 'acknowledge':
      return `${d.automatic ? 'recorded by pgwarden: ' : ''}reason: ${text(d.reason) ?? '(none given)'}${text(d.previousChecksum) ? `; checksum before ${String(d.previousChecksum).slice(0, 12)}` : ''}`;
    case 'resolve':
      return `resolved as ${d.as === 'applied' ? 'applied' : 'rolled back'}${firstLine(d.error) ? ` (it had stopped: ${firstLine(d.error)})` : ''}`;
    case 'baseline': {
      const counts = (d.counts ?? {}) as Record<string, number>;
      const what = Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
      return `baseline of ${what.join(', ') || 'an empty schema'}${typeof d.differences === 'number' && d.differences > 0 ? `; ${plural(d.differences, 'explained difference')}` : ''}`;
    }
    default:
      // An action this version does not know (a newer pgwarden wrote it): its detail as it is.
      return JSON.stringify(d);
  }
}

/** `pgwarden history` as a person reads it: one line per event, its detail in words below it. --json keeps the raw detail. */
export function renderHistory(report: HistoryReport): string {
  const lines = [`Database: ${report.database}`];
  for (const e of report.events) {
    const when = e.at.toISOString().replace('T', ' ').slice(0, 19);
    lines.push(`  ${when}  ${e.action.padEnd(11)} ${(e.name ?? '').padEnd(40)} ${e.dbUser}${e.durationMs !== null ? ` ${e.durationMs} ms` : ''}${e.gitCommit ? ` git ${e.gitCommit.slice(0, 10)}` : ''}`.trimEnd());
    const detail = eventDetail(e);
    if (detail) lines.push(`      ${detail}`);
  }
  if (report.events.length === 0) lines.push('  (no events: nothing was ever applied here)');
  return `${lines.join('\n')}\n`;
}
