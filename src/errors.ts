import { ExitCode } from './exit-codes.js';

/** Stable error codes. Codes never change meaning once released. */
export type ErrorCode =
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'USAGE'
  | 'MIGRATION_INVALID'
  | 'MIGRATION_GRAPH'
  | 'MIGRATION_MODIFIED'
  | 'MIGRATION_PARTIAL'
  | 'MIGRATION_IRREVERSIBLE'
  | 'MIGRATION_FAILED'
  | 'LOCK_HELD'
  | 'CONNECTION_FAILED'
  | 'DATABASE_ERROR'
  | 'PROVIDER_UNAVAILABLE'
  | 'CLUSTER_IN_USE'
  | 'ROLES_INVALID'
  | 'ROLES_CONFLICT'
  | 'ABORTED'
  | 'INTERRUPTED'
  | 'INTERNAL';

const exitCodeFor: Record<ErrorCode, ExitCode> = {
  CONFIG_NOT_FOUND: ExitCode.Usage,
  CONFIG_INVALID: ExitCode.Usage,
  USAGE: ExitCode.Usage,
  MIGRATION_INVALID: ExitCode.Usage,
  MIGRATION_GRAPH: ExitCode.Usage,
  MIGRATION_MODIFIED: ExitCode.Findings,
  MIGRATION_PARTIAL: ExitCode.Findings,
  MIGRATION_IRREVERSIBLE: ExitCode.Usage,
  MIGRATION_FAILED: ExitCode.Database,
  LOCK_HELD: ExitCode.Database,
  CONNECTION_FAILED: ExitCode.Database,
  DATABASE_ERROR: ExitCode.Database,
  PROVIDER_UNAVAILABLE: ExitCode.Database,
  CLUSTER_IN_USE: ExitCode.Database,
  ROLES_INVALID: ExitCode.Usage,
  ROLES_CONFLICT: ExitCode.Database,
  ABORTED: ExitCode.Findings,
  INTERRUPTED: ExitCode.Interrupted,
  INTERNAL: ExitCode.Internal,
};

/** A place in a file, 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/** One problem among several (config validation reports all of them at once). */
export interface Problem extends SourceLocation {
  message: string;
  /** JSON path of the offending value, for config and roles files. */
  path?: string;
}

/**
 * The one error type pgwarden throws for expected failures. `code` is stable; `message` says what
 * is wrong and what to do next; `problems` lists every problem when there are several.
 */
export class PgwardenError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly problems: readonly Problem[];
  readonly location: SourceLocation | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      cause?: unknown;
      problems?: Problem[];
      location?: SourceLocation;
      details?: Record<string, unknown>;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PgwardenError';
    this.code = code;
    this.exitCode = exitCodeFor[code];
    this.problems = options.problems ?? [];
    this.location = options.location;
    this.details = options.details;
  }
}

export function isPgwardenError(error: unknown): error is PgwardenError {
  return error instanceof PgwardenError;
}
