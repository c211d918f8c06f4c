import type { LintReport } from '../lint/engine.js';
import type { RolesPlan } from '../roles/plan.js';
import type { VerifyReport } from '../verify/types.js';

/** The steps of `pgwarden check`, in the order they run. */
export const CHECK_STEPS = ['lint', 'verify', 'docs', 'roles'] as const;
export type CheckStepName = (typeof CHECK_STEPS)[number];

/** `failed`: the step found something (exit 1); `error`: it could not run (usage 2, database 3). */
export type StepStatus = 'passed' | 'failed' | 'skipped' | 'error';

/** One step's outcome, for the summary table. */
export interface CheckStep {
  name: CheckStepName;
  status: StepStatus;
  /** Error-severity findings. */
  errors: number;
  warnings: number;
  durationMs: number;
  /** One line: what the step saw. */
  summary: string;
  /** When the step could not run: the error's stable code, message and exit code. */
  error?: { code: string; message: string; exitCode: number };
}

/** The docs step's outcome: whether `schema/` matches what the migrations produce. */
export interface DocsCheckOutcome {
  /** Files of the schema folder that differ (or are missing), by name. */
  stale: string[];
  /** No migrations and no files in the schema folder yet: nothing to document, nothing stale. */
  nothingToDocument: boolean;
  /** A short unified diff of each stale file. */
  diff: string[];
  /** Schema rule findings (require-comment, ...), as `docs --check` reports them. */
  findings: Array<{ rule: string; severity: 'error' | 'warning'; object: string; message: string }>;
  /** "tables 12/12, columns 80/80" */
  coverage: string;
  /** What the committed snapshot differs in only because another major version made it (see DocsCheck.versionOnly). */
  versionOnly: string[];
}

/** The roles step's outcome: the plan on the throwaway database, and whether applying it converges. */
export interface RolesCheckOutcome {
  file: string;
  environment: string | undefined;
  plan: RolesPlan;
  /** Statements applied on the throwaway cluster, when it was applied. */
  applied?: number;
  /** The plan after applying: empty when roles.yaml converges. */
  replan?: RolesPlan;
}

/** Everything `pgwarden check` found: each step, with the underlying reports for formatters. */
export interface CheckReport {
  steps: CheckStep[];
  lint?: LintReport;
  verify?: VerifyReport;
  docs?: DocsCheckOutcome;
  roles?: RolesCheckOutcome;
  /** The throwaway database (redacted), when one was used. */
  database?: string;
  /** No step failed or errored. */
  clean: boolean;
  /** 0, or the highest exit code of the steps (1 findings, 2 usage, 3 database). */
  exitCode: number;
  durationMs: number;
}
