import type { LintReport } from '../engine.js';
import type { FormatContext } from './types.js';

/** The report as JSON: `{ findings, counts, files, migrations, durationMs, cached }`. */
export function formatJson(report: LintReport, _context?: FormatContext): string {
  return `${JSON.stringify({ version: 1, ...report, durationMs: Math.round(report.durationMs) }, null, 2)}\n`;
}
