import { redactText } from './redact.js';

/**
 * What to do about a failed connection, chosen by the SQLSTATE the server sent or the socket's
 * errno: a wrong password is not a server that is down, and neither needs CREATEDB. `source` says
 * where the connection string came from (`--url`, `$STAGING_DATABASE_URL of environment "staging"`),
 * so that the advice names the place to fix.
 */
export function connectionAdvice(cause: unknown, source: string | undefined): string {
  const code = String((cause as { code?: unknown } | undefined)?.code ?? '');
  const message = String((cause as Error | undefined)?.message ?? cause);
  const where = source ?? 'the connection string (--url, --env)';
  switch (code) {
    case '28P01':
      return `Authentication failed: the user or password in ${where} is wrong. Fix it there; nothing was changed.`;
    case '28000':
      return `The server refused this user (the role does not exist, or no pg_hba.conf line lets it in from here): check the user in ${where} and the server's pg_hba.conf. Nothing was changed.`;
    case '3D000':
      return `The database named in ${where} does not exist on that server: create it, or fix the database name. Nothing was changed.`;
    case '42501':
      return `The user in ${where} may not connect to this database (it lacks the CONNECT privilege): grant it, or use another user. Nothing was changed.`;
    case '53300':
      return 'The server has no free connection slot (too many connections): try again when fewer sessions are open. Nothing was changed.';
    case '57P03':
      return 'The server is starting up or shutting down: try again in a moment (deploy and check wait with --wait-for-db). Nothing was changed.';
    case 'ECONNREFUSED':
      return `Nothing accepts connections at that host and port: check that the server runs, and the host and port in ${where}. Nothing was changed.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The host name in ${where} could not be resolved: check it, and the network or DNS. Nothing was changed.`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `The server did not answer: check the host and port in ${where}, and any firewall between. Nothing was changed.`;
  }
  if (/does not support SSL/i.test(message)) {
    return `The server does not accept SSL connections, and the connection string asks for SSL (sslmode): use sslmode=disable only on a network you trust, or enable SSL on the server. Nothing was changed.`;
  }
  if (/certificate|SSL|TLS|self[- ]signed|altname/i.test(message) || /^(ERR_TLS_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_(GET|VERIFY)|CERT_)/.test(code)) {
    return `The server's certificate could not be verified. pgwarden verifies the certificate and host name for sslmode=require, verify-ca and verify-full alike: give the certificate authority with sslrootcert=<file> in ${where}, and connect by the host name the certificate names. Nothing was changed.`;
  }
  return `Check that the server runs and that the connection settings in ${where} are right. Nothing was changed.`;
}

/** `Cannot connect to <display> (<source>): <reason>. <advice>`, the password never shown. */
export function connectionFailureMessage(display: string, source: string | undefined, cause: unknown): string {
  const reason = redactText(String((cause as Error | undefined)?.message ?? cause)).replace(/\.$/, '');
  return `Cannot connect to ${display}${source ? ` (${source})` : ''}: ${reason}. ${connectionAdvice(cause, source)}`;
}
