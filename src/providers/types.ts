import type { ProviderKind } from '../config/types.js';

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
  /** Postgres server major version, when known before connecting (testcontainers). */
  readonly serverVersion?: string;
  /** What a person should know about how it was opened (the embedded cluster started on another port than configured, which was in use). */
  readonly notes?: readonly string[];
  /** Releases what was started for this handle: stops a server, drops a throwaway database. */
  close(): Promise<void>;
}
