import type { LintReport } from '../engine.js';
import type { Finding } from '../types.js';
import type { FormatContext } from './types.js';

const ANSI = { red: 31, yellow: 33, cyan: 36, gray: 90, bold: 1, green: 32 } as const;

function paint(on: boolean, colour: keyof typeof ANSI, text: string): string {
  return on ? `\u001b[${ANSI[colour]}m${text}\u001b[0m` : text;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The source line of a finding with a marker under the reported span. */
function excerpt(finding: Finding, text: string | undefined, color: boolean): string[] {
  if (text === undefined) return [];
  const lines = text.split('\n');
  const raw = lines[finding.line - 1];
  if (raw === undefined) return [];
  const line = raw.replace(/\r$/, '').replace(/\t/g, ' ');
  const gutter = String(finding.line).length;
  const start = Math.max(1, Math.min(finding.column, line.length + 1));
  const end = finding.endLine === finding.line && finding.endColumn !== undefined ? Math.max(finding.endColumn, start + 1) : line.trimEnd().length + 1;
  const width = Math.max(1, Math.min(end, line.length + 1) - start);
  const marker = paint(color, finding.severity === 'error' ? 'red' : 'yellow', '^'.repeat(width));
  return [`${paint(color, 'cyan', `${String(finding.line).padStart(gutter)} |`)} ${line}`, `${' '.repeat(gutter)} ${paint(color, 'cyan', '|')} ${' '.repeat(start - 1)}${marker}`];
}

/**
 * Human output, also what a pre-commit hook shows: `file:line:col  severity  rule-id  message`,
 * the source line with a marker, `help:` and `fix:`, and a summary line.
 */
export function formatText(report: LintReport, context: FormatContext): string {
  const { color } = context;
  const out: string[] = [];
  for (const f of report.findings) {
    const severity = paint(color, f.severity === 'error' ? 'red' : 'yellow', f.severity);
    out.push(`${paint(color, 'bold', `${f.file}:${f.line}:${f.column}`)}  ${severity}  ${paint(color, 'gray', f.rule)}  ${f.message}`);
    for (const line of excerpt(f, context.source(f.file), color)) out.push(`  ${line}`);
    if (f.help) out.push(`  ${paint(color, 'cyan', 'help:')} ${f.help}`);
    if (f.fix) {
      out.push(`  ${paint(color, 'green', 'fix:')} ${f.fix.description}`);
      if (f.fix.replacement) for (const line of f.fix.replacement.split('\n')) out.push(`       ${line}`);
    }
    out.push('');
  }
  const files = new Set(report.findings.map((f) => f.file)).size;
  const timing = `${plural(report.migrations, 'migration')} checked in ${Math.round(report.durationMs)} ms${report.cached ? ' (cached)' : ''}`;
  if (report.findings.length === 0) {
    out.push(`${paint(color, 'green', 'No problems')} in ${plural(report.files.length, 'file')} (${timing}).`);
  } else {
    const counts = [report.counts.error > 0 ? paint(color, 'red', plural(report.counts.error, 'error')) : undefined, report.counts.warning > 0 ? paint(color, 'yellow', plural(report.counts.warning, 'warning')) : undefined].filter(Boolean);
    out.push(`${plural(report.findings.length, 'problem')} (${counts.join(', ')}) in ${plural(files, 'file')} (${timing}).`);
  }
  return `${out.join('\n')}\n`;
}
