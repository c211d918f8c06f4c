import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectionFailureMessage } from '../connection-error.js';
import { pgConnectionString } from '../connection-string.js';
import { PgwardenError } from '../errors.js';
import { redactText, redactUrl } from '../redact.js';
import type { DatabaseHandle } from './types.js';

/** A handle on a server given by a connection string. Closing it releases nothing. */
export function urlDatabase(url: string, environment: string | undefined): DatabaseHandle {
  return { url, display: redactUrl(url), provider: 'url', environment, close: async () => {} };
}

/** The same connection string pointing at another database of the server. */
export function withDatabase(url: string, database: string): string {
  try {
    const parsed = new URL(url);
    parsed.pathname = `/${encodeURIComponent(database)}`;
    return parsed.toString();
  } catch {
    throw new PgwardenError('USAGE', `The connection string ${redactUrl(url)} is not a URL (postgresql://user@host:port/db): pgwarden needs the URL form to create throwaway databases.`);
  }
}

/**
 * Creates an empty throwaway database on the server of `adminUrl` (optionally from a template);
 * `close()` drops it, forcing out any connection left.
 */
export async function throwawayDatabaseOn(
  adminUrl: string,
  options: { template?: string; environment?: string; provider?: DatabaseHandle['provider']; source?: string } = {},
): Promise<DatabaseHandle> {
  const name = `pgwarden_tmp_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgConnectionString(adminUrl) });
  try {
    try {
      await admin.connect();
    } catch (cause) {
      throw new PgwardenError('CONNECTION_FAILED', connectionFailureMessage(redactUrl(adminUrl), options.source, cause), { cause });
    }
    try {
      await admin.query(`CREATE DATABASE ${name}${options.template ? ` TEMPLATE ${pg.escapeIdentifier(options.template)}` : ''}`);
    } catch (cause) {
      // Only a permission error is about CREATEDB.
      const sqlstate = (cause as { code?: unknown }).code;
      const advice = sqlstate === '42501'
        ? `The user${options.source ? ` of ${options.source}` : ''} needs CREATEDB (ALTER ROLE ... CREATEDB), or give a URL of a user that has it.`
        : 'Check the server and try again.';
      throw new PgwardenError('DATABASE_ERROR', `Could not create a throwaway database on ${redactUrl(adminUrl)}: ${redactText((cause as Error).message)}${typeof sqlstate === 'string' ? ` (SQLSTATE ${sqlstate})` : ''}. ${advice} Nothing was changed.`, { cause });
    }
  } finally {
    await admin.end().catch(() => {});
  }
  const url = withDatabase(adminUrl, name);
  return {
    url,
    display: redactUrl(url),
    provider: options.provider ?? 'url',
    environment: options.environment,
    close: async () => {
      const client = new pg.Client({ connectionString: pgConnectionString(adminUrl) });
      try {
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end().catch(() => {});
      }
    },
  };
}
