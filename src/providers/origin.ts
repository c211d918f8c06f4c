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

/**
 * The options a command was given to name its database (or, for verify and check, where its
 * throwaway databases go), for a hint to run a command on the same one: `--url <the same URL>`
 * (never the URL, which may hold a password), `--env ci`, `--pg-version 16`. `$DATABASE_URL` and the
 * default environment need none: the next run finds them again.
 *
 * @example
 * commandFor({ origin: { options: hintOptions({ url, pgVersion: '16' }) } }, 'check'); // 'pgwarden check --url <the same URL> --pg-version 16'
 */
export function hintOptions(target: { url?: string | undefined; env?: string | undefined; pgVersion?: string | undefined } = {}): string {
  return [target.url !== undefined ? '--url <the same URL>' : '', target.env !== undefined ? `--env ${target.env}` : '', target.pgVersion ? `--pg-version ${target.pgVersion}` : ''].filter(Boolean).join(' ');
}
