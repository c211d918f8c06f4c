import { execFileSync } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import pg from 'pg';
import { connectionFailureMessage } from '../connection-error.js';
import { checkConnectionString, pgConnectionString } from '../connection-string.js';
import { PgwardenError } from '../errors.js';
import type { DatabaseHandle } from '../providers/types.js';
import { VERSION } from '../version.js';

/** Who and what applies migrations: recorded in the ledger and shown to other runners waiting on the lock. */
export interface Applier {
  /** pgwarden version, OS user, host and pid. */
  tool: string;
  gitCommit: string | undefined;
}

export function currentApplier(root: string): Applier {
  let gitCommit: string | undefined;
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).trim() || undefined;
  } catch {
    gitCommit = undefined;
  }
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry */
  }
  return { tool: `pgwarden/${VERSION} ${user}@${hostname()} pid ${process.pid}`, gitCommit };
}

/** Connects a client with pgwarden's application_name; connection failures become exit 3 with the URL redacted. */
export async function connect(db: DatabaseHandle, options: { applicationName?: string; retrySeconds?: number } = {}): Promise<pg.Client> {
  const deadline = Date.now() + (options.retrySeconds ?? 0) * 1000;
  checkConnectionString(db.url, db.origin?.source ?? (db.environment ? `environment "${db.environment}"` : undefined));
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({ connectionString: pgConnectionString(db.url), application_name: (options.applicationName ?? `pgwarden/${VERSION}`).slice(0, 63) });
    client.on('error', () => {});
    try {
      await client.connect();
      return client;
    } catch (cause) {
      await client.end().catch(() => {});
      const transient = /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|the database system is (starting up|shutting down)|ECONNRESET/i.test(String((cause as Error)?.message ?? cause) + ((cause as { code?: string }).code ?? ''));
      if (transient && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, Math.min(2000, 200 * 2 ** attempt)));
        continue;
      }
      throw new PgwardenError('CONNECTION_FAILED', connectionFailureMessage(db.display, db.origin?.source, cause), { cause });
    }
  }
}

/** Quotes an identifier for SQL. */
export const ident = (name: string): string => pg.escapeIdentifier(name);
/** Quotes a literal for SQL. */
export const literal = (value: string): string => (value.includes('\\') ? pg.escapeLiteral(value) : `'${value.replace(/'/g, "''")}'`);
