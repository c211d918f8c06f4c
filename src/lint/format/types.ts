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
}

export type Formatter = (report: LintReport, context: FormatContext) => string;
