import { sep } from 'node:path';
import type { Finding } from './types.js';

/** The outcome of a lint run. */
export interface LintReport {
  /** Findings that remain after ignores and configuration, sorted by file, line and column. */
  findings: Finding[];
  counts: { error: number; warning: number };
  /** Files whose findings the report holds (all migrations, or the named ones). */
  files: string[];
  /** Migrations in the history that was replayed. */
  migrations: number;
  durationMs: number;
  /** True when the result came from the cache (nothing was parsed). */
  cached: boolean;
}

/** Findings counted by severity. */
export function countBySeverity(findings: readonly Finding[]): { error: number; warning: number } {
  let error = 0;
  for (const f of findings) if (f.severity === 'error') error++;
  return { error, warning: findings.length - error };
}

/** A path with forward slashes, as findings carry them. */
export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
