import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import saslprep from '@mongodb-js/saslprep';

/** Iterations Postgres uses by default (`scram_iterations`). */
export const SCRAM_ITERATIONS = 4096;

/**
 * A SCRAM-SHA-256 password verifier in the form Postgres stores in pg_authid.rolpassword
 * (RFC 5802 and RFC 7677): `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, base64.
 * Sent as the role's password, Postgres stores it as is, so the clear text never reaches the
 * server, its logs or pg_stat_statements.
 *
 * The password is prepared with SASLprep (RFC 4013) as Postgres does (src/common/saslprep.c):
 * an ASCII password is used as is; otherwise non-ASCII spaces become spaces, characters mapped to
 * nothing (soft hyphen, zero-width joiners, ...) are removed, and the result is NFKC-normalised.
 * When SASLprep fails (a prohibited or unassigned character, a bidirectional-text violation),
 * Postgres uses the raw password, and so does this.
 *
 * @example
 * scramVerifier('s3cret'); // 'SCRAM-SHA-256$4096:...$...:...'
 */
export function scramVerifier(password: string, options: { salt?: Buffer; iterations?: number } = {}): string {
  const salt = options.salt ?? randomBytes(16);
  const iterations = options.iterations ?? SCRAM_ITERATIONS;
  const saltedPassword = pbkdf2Sync(Buffer.from(saslPrepared(password), 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', saltedPassword).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', saltedPassword).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** The password as Postgres's SCRAM uses it: SASLprep'd, or raw when SASLprep refuses it. */
export function saslPrepared(password: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(password)) return password;
  try {
    return saslprep(password);
  } catch {
    return password;
  }
}
