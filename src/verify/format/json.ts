import type { VerifyReport } from '../types.js';

/** The report as JSON: the same value verifyHistory returns. */
export function formatVerifyJson(report: VerifyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
