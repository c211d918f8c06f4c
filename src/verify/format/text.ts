import type { StatementTrace, VerifyFinding, VerifyReport } from '../types.js';
import { isFlaggedMode, lockModeName, relationLabel } from '../locks.js';

/** Colours the text reporter may use; identity functions give plain text. */
export interface TextStyle {
  error: (s: string) => string;
  warning: (s: string) => string;
  ok: (s: string) => string;
  dim: (s: string) => string;
}

const plain: TextStyle = { error: (s) => s, warning: (s) => s, ok: (s) => s, dim: (s) => s };

/**
 * The report for a person: one line per migration, its findings under it with what down failed
 * to restore, then the lock trace of statements that locked relations (tables, views, sequences,
 * indexes) existing before their migration, and a summary.
 */
export function formatVerifyText(report: VerifyReport, style: TextStyle = plain): string {
  const lines: string[] = [];
  const byRevision = new Map<string, VerifyFinding[]>();
  for (const f of report.findings) byRevision.set(f.revision, [...(byRevision.get(f.revision) ?? []), f]);
  lines.push(`pgwarden verify: ${report.migrations.length} migration${report.migrations.length === 1 ? '' : 's'} on ${report.database}`);
  for (const m of report.migrations) {
    const findings = byRevision.get(m.revision) ?? [];
    let status: string;
    if (m.outcome === 'failed') status = style.error('✗ failed');
    else if (m.outcome === 'irreversible') status = style.warning(`~ irreversible, down skipped (${m.irreversibleReason})`);
    else if (m.outcome === 'not verified') status = style.dim('- not verified (an earlier up failed)');
    else status = style.ok('✓ verified');
    lines.push(`  ${m.name}  ${status}${m.outcome === 'not verified' ? '' : style.dim(` ${m.durationMs} ms`)}`);
    for (const f of findings) {
      const label = f.level === 'error' ? style.error(`error[${f.ruleId}]`) : style.warning(`warning[${f.ruleId}]`);
      lines.push(`      ${label} ${f.file}:${f.line}: ${f.message}`);
      for (const d of f.details) lines.push(`        - ${d}`);
      if (f.lintRule) lines.push(style.dim(`        lint rule that warns about it: ${f.lintRule}`));
    }
  }
  const traced = report.migrations.flatMap((m) => m.statements.filter((s) => s.locks.length > 0 || s.scans.length > 0 || s.rewrites.length > 0 || !s.traced).map((s) => ({ m, s })));
  if (traced.length > 0) {
    lines.push('', 'Locks on tables, views, sequences and indexes that existed before each migration:');
    for (const { m, s } of traced) lines.push(...traceLines(m.file, s, style));
  }
  const left = rolesLeftLines(report);
  if (left.length > 0) lines.push('', ...left.map((l) => style.warning(l)));
  const count = (outcome: string) => report.migrations.filter((m) => m.outcome === outcome).length;
  const errors = report.findings.filter((f) => f.level === 'error').length;
  const warnings = report.findings.length - errors;
  lines.push(
    '',
    `${!report.clean ? style.error('Not clean') : warnings > 0 ? style.warning('Clean but for warnings') : style.ok('Clean')}: ${count('verified')} verified, ${count('failed')} failed, ${count('irreversible')} irreversible${count('not verified') ? `, ${count('not verified')} not verified` : ''}; ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} (${(report.durationMs / 1000).toFixed(1)} s)`,
  );
  return `${lines.join('\n')}\n`;
}

/** What to say about the roles verify left on the server (see VerifyReport.rolesLeft); none when it left none. */
export function rolesLeftLines(report: Pick<VerifyReport, 'rolesLeft'>): string[] {
  const roles = report.rolesLeft ?? [];
  if (roles.length === 0) return [];
  const names = roles.map((r) => (/^[a-z_][a-z0-9_$]*$/.test(r) ? r : `"${r.replace(/"/g, '""')}"`));
  return [
    `Roles left on the server: ${names.join(', ')}. They are new since verify began, but the history's SQL does not name them, and on a server verify did not start it drops only the roles the history names (another session may have created these).`,
    `If the history created them (under a name it computes), drop them before the next run (${names.map((n) => `DROP ROLE ${n};`).join(' ')}), or write the names out in the history.`,
  ];
}

function traceLines(file: string, s: StatementTrace, style: TextStyle): string[] {
  const where = `${file}${s.line !== undefined ? `:${s.line}` : ''}`;
  const lines = [`  ${where} ${s.direction} #${s.index}: ${style.dim(s.sql.length > 80 ? `${s.sql.slice(0, 79)}…` : s.sql)}`];
  if (!s.traced) lines.push(style.dim('      runs outside a transaction: its locks are not visible afterwards'));
  for (const lock of s.locks) {
    const text = `      ${lockModeName(lock.mode)} on ${relationLabel(lock)} (blocks ${lock.blocks})${lock.scanned ? ', scanned it' : ''}`;
    lines.push(isFlaggedMode(lock.mode) ? style.warning(text) : text);
  }
  // Scans under locks taken earlier in the transaction (the statement took no new lock on the relation).
  for (const relation of s.scans) if (!s.locks.some((l) => l.relation === relation)) lines.push(`      scanned ${relation} (under the locks the transaction already held)`);
  for (const name of s.rewrites) {
    const lock = s.locks.find((l) => l.relation === name);
    lines.push(style.error(`      rewrote ${lock ? relationLabel(lock) : name}`));
  }
  return lines;
}
