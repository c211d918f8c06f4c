import type { LintReport } from '../engine.js';
import type { RuleMeta } from '../types.js';

/** What a formatter gets besides the report. */
export interface FormatContext {
  /** The text of a reported file (relative path), for source excerpts. */
  source(file: string): string | undefined;
  /** ANSI colours. */
  color: boolean;
  /** Metadata of every rule (SARIF lists them). */
  rules: readonly RuleMeta[];
  /** pgwarden's version. */
  version: string;
  /**
   * The project's folder from the top of its git repository (`packages/db`; `` or absent at the
   * top or outside git): SARIF and GitHub annotations, which GitHub resolves against the top, name
   * files from there (`projectPathInRepository()` finds it). Text and JSON keep project paths.
   */
  projectPath?: string | undefined;
}

export type Formatter = (report: LintReport, context: FormatContext) => string;
