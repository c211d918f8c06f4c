import type { DatabaseHandle } from './types.js';

/**
 * A pgwarden command line to run next on the same database: `pgwarden up --env staging`,
 * `pgwarden resolve 2026… --env staging --applied | --rolled-back`. The options that name the
 * database come after `command` and before `rest`. A handle a program made itself (no origin)
 * gets the bare command.
 *
 * @example
 * commandFor(db, 'up --resume'); // 'pgwarden up --resume --env staging'
 */
export function commandFor(db: Pick<DatabaseHandle, 'origin'> | undefined, command: string, rest?: string): string {
  return ['pgwarden', command, db?.origin?.options, rest].filter(Boolean).join(' ');
}

/** ` ($STAGING_DATABASE_URL of environment "staging")`, or nothing when the origin is unknown. */
export function sourceSuffix(db: Pick<DatabaseHandle, 'origin'> | undefined): string {
  return db?.origin?.source ? ` (${db.origin.source})` : '';
}
