import type { PgwardenConfig } from '../config/types.js';
import { lintHistory, type LintReport } from '../lint/engine.js';
import { clockMs } from '../trace.js';

/** The lint rules that judge the shape of the history (headers and the revision graph), not the SQL. */
export const STRUCTURE_RULES = ['revision-header', 'revision-unique', 'revision-chain', 'single-head'] as const;

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

/**
 * What a pre-commit hook runs, offline: `pgwarden lint --staged` (every rule, on the staged
 * migrations, against the history as the commit will hold it) plus the structural rules (headers,
 * revision chain, single head) on every migration of that history, so that deleting or re-parenting
 * a file is caught on the files it breaks, even when those are not staged. One lint run: the
 * structural rules judge the whole history anyway, and lint keeps their findings on every file.
 *
 * @example
 * const report = await checkStaged(loadConfig());
 * if (report.counts.error > 0) process.exitCode = 1;
 */
export async function checkStaged(config: PgwardenConfig, options: StagedCheckOptions = {}): Promise<StagedCheckReport> {
  const started = clockMs();
  const lint = await lintHistory(config, { staged: true, wholeHistoryRules: STRUCTURE_RULES, cache: options.cache !== false, ...(options.cwd ? { cwd: options.cwd } : {}) });
  const staged = new Set(lint.files);
  const elsewhere = lint.findings.filter((f) => !staged.has(f.file));
  const files = [...new Set([...lint.files, ...elsewhere.map((f) => f.file)])];
  return { ...lint, files, durationMs: clockMs() - started, structureFindings: elsewhere.length };
}
