import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PgwardenError } from '../errors.js';
import { redactUrl } from '../redact.js';
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
export async function throwawayDatabaseOn(adminUrl: string, options: { template?: string; environment?: string; provider?: DatabaseHandle['provider'] } = {}): Promise<DatabaseHandle> {
  const name = `pgwarden_tmp_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}${options.template ? ` TEMPLATE ${pg.escapeIdentifier(options.template)}` : ''}`);
  } catch (cause) {
    throw new PgwardenError('CONNECTION_FAILED', `Could not create a throwaway database on ${redactUrl(adminUrl)}: ${(cause as Error).message}. The user needs CREATEDB.`, { cause });
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
      const client = new pg.Client({ connectionString: adminUrl });
      try {
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end().catch(() => {});
      }
    },
  };
}
