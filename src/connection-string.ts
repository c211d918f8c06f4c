import pg from 'pg';
import { PgwardenError } from './errors.js';
import { redactUrl } from './redact.js';

const ENCODING_HELP =
  'In the user name and password, percent-encode every character that is not a letter, digit or one of - . _ ~ (@ as %40, : as %3A, / as %2F, ? as %3F, # as %23, % as %25; encodeURIComponent does it), and write the port as a number';

/**
 * Checks that pg can read a connection string, before anything connects: a malformed one is a
 * usage error (exit 2) naming where it came from, with the password redacted, not a TypeError.
 * `source` says where the string came from ("--url", "$DATABASE_URL", ...).
 */
export function checkConnectionString(url: string, source?: string): void {
  const from = source ? ` (${source})` : '';
  // pg reads every string as a URL: `host=h dbname=d` would become a database named after the
  // whole string on a host called "base".
  if (/^\s*[a-z_]+\s*=/i.test(url)) {
    throw new PgwardenError('USAGE', `The connection string ${redactUrl(url)}${from} is in libpq's keyword/value form (host=... dbname=...), which pgwarden does not read: write it as a URL, postgresql://user:password@host:port/database?sslmode=require. ${ENCODING_HELP}. Nothing was changed.`);
  }
  try {
    // The constructor parses the string exactly as connect() will; it opens nothing.
    new pg.Client({ connectionString: pgConnectionString(url) });
  } catch (cause) {
    const reason = cause instanceof URIError ? 'it holds a % that does not start a percent-encoded character' : 'it is not a valid URL';
    throw new PgwardenError('USAGE', `The connection string ${redactUrl(url)}${from} cannot be read: ${reason}. ${ENCODING_HELP}. Nothing was changed.`, { cause });
  }
}

/** sslmode values node-pg verifies as verify-full while warning that a later version will not. */
const VERIFIED_AS_FULL = /([?&]sslmode=)(prefer|require|verify-ca)(?=[&#]|$)/i;

/**
 * The connection string as pgwarden hands it to node-pg. node-pg reads sslmode=prefer, require and
 * verify-ca as verify-full (it verifies the certificate and the host name) and prints a multi-line
 * SECURITY WARNING saying that its next major version will read them as libpq does, where require
 * verifies nothing. pgwarden keeps the verification, states it (docs/runner.md, "Connections"), and
 * passes those modes as verify-full, which node-pg reads without a warning. A URL that chose libpq's
 * meaning itself (uselibpqcompat=true), and sslmode=disable or no-verify, are passed as written.
 */
export function pgConnectionString(url: string): string {
  if (!/^postgres(ql)?:\/\//i.test(url.trim()) || /[?&]uselibpqcompat=true(?=[&#]|$)/i.test(url)) return url;
  return url.replace(VERIFIED_AS_FULL, '$1verify-full');
}
