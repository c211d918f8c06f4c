import type { PgwardenConfig } from '../config/types.js';
import { countBySeverity, lintHistory, type LintReport } from '../lint/engine.js';
import type { Finding } from '../lint/types.js';
import { indexedMigrations, structureFindings } from './history-structure.js';

export interface StagedCheckOptions {
  /** Reuse lint results for unchanged files (default true). */
  cache?: boolean;
  cwd?: string;
}

/** The pre-commit check: lint findings of the staged migrations, and the structure of the whole staged history. */
export interface StagedCheckReport extends LintReport {
  /** Structural findings on files that are not staged (a deleted parent, a branch made by another file). */
  structureFindings: number;
}

function key(f: Finding): string {
  return `${f.rule}\0${f.file}\0${f.line}\0${f.message}`;
}

/**
 * What a pre-commit hook runs, offline: `pgwarden lint --staged` (every rule, on the staged
 * migrations, against the whole history) plus the structural rules (headers, revision chain,
 * single head) on every migration of the history as the commit will hold it, so that deleting or
 * re-parenting a file is caught on the files it breaks, even when those are not staged.
 *
 * @example
 * const report = await checkStaged(loadConfig());
 * if (report.counts.error > 0) process.exitCode = 1;
 */
export async function checkStaged(config: PgwardenConfig, options: StagedCheckOptions = {}): Promise<StagedCheckReport> {
  const started = performance.now();
  const lint = await lintHistory(config, { staged: true, cache: options.cache !== false, ...(options.cwd ? { cwd: options.cwd } : {}) });
  const structure = await structureFindings(config, indexedMigrations(config.migrationsDir));
  // Lint already reports structural findings on the staged files; add those elsewhere.
  const seen = new Set(lint.findings.map(key));
  const extra = structure.filter((f) => !seen.has(key(f)) && !lint.findings.some((l) => l.rule === f.rule && l.file === f.file && l.line === f.line));
  const findings = [...lint.findings, ...extra].sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line || a.column - b.column));
  const files = [...new Set([...lint.files, ...extra.map((f) => f.file)])];
  return { ...lint, findings, files, counts: countBySeverity(findings), durationMs: performance.now() - started, structureFindings: extra.length };
}
