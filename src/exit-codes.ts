/**
 * Every exit code pgwarden uses, in one place. The CLI maps results and errors to these;
 * library code never exits.
 */
export const ExitCode = {
  /** Clean: nothing pending, no finding. */
  Ok: 0,
  /** Findings: lint errors, pending or modified migrations, drift, verify failures. */
  Findings: 1,
  /** Usage or configuration error: bad flag, bad config, malformed migration file. */
  Usage: 2,
  /** The database refused, failed, or could not be reached. */
  Database: 3,
  /** Stopped by Ctrl-C (SIGINT): 128 + 2, as shells report it. */
  Interrupted: 130,
  /** Stopped by SIGTERM: 128 + 15. */
  Terminated: 143,
  /** A bug in pgwarden. */
  Internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
