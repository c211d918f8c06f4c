import type { ProviderKind } from '../config/types.js';

/** How a command chose a database: what names it again, and where its connection string came from. */
export interface DatabaseOrigin {
  /**
   * The options that name this database in another pgwarden command: `--env staging`,
   * `--url <the same URL>` (never the URL itself: it may hold a password), or nothing for
   * `$DATABASE_URL` and the development cluster, which a command uses without options.
   */
  readonly options: string;
  /** Where the connection string came from: `--url`, `$DATABASE_URL`, `$STAGING_DATABASE_URL of environment "staging"`. */
  readonly source?: string;
}

/**
 * A database pgwarden can connect to. `url` carries the password: never print it, print
 * `display` (redacted) instead.
 */
export interface DatabaseHandle {
  readonly url: string;
  /** The connection string with its password replaced by `***`. */
  readonly display: string;
  readonly provider: ProviderKind;
  /** The environment this database belongs to, when it came from one. */
  readonly environment: string | undefined;
  /** How the command named this database, for next-step hints and connection errors (see origin.ts). */
  readonly origin?: DatabaseOrigin;
  /**
   * The server was started for this handle alone and stops with it (the embedded throwaway cluster
   * of openThrowaway, a testcontainers container): no other session creates roles on it.
   */
  readonly privateServer?: boolean;
  /** Postgres server major version, when known before connecting (testcontainers). */
  readonly serverVersion?: string;
  /** What a person should know about how it was opened (the embedded cluster started on another port than configured, which was in use). */
  readonly notes?: readonly string[];
  /** Releases what was started for this handle: stops a server, drops a throwaway database. */
  close(): Promise<void>;
}
