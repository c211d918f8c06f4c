import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { buildGraph } from '../../../src/migrations/graph.js';
import { loadMigrations } from '../../../src/migrations/load.js';
import { freePort } from '../../../src/providers/free-port.js';
import { handOver, serverOsUser } from '../../../src/providers/os-user.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { migrationSteps } from '../../../src/runner/steps.js';
import { REFERENCE_MIGRATIONS, REPO_ROOT } from '../../support/project.js';

const execFileAsync = promisify(execFile);

export const REFERENCE_ROLES = join(REPO_ROOT, 'schema', 'roles.yaml');
export const PG15_BIN = '/usr/lib/postgresql/15/bin';

/** A cluster a test file started for itself (roles are cluster-wide, so tests do not share one). */
export interface TestCluster {
  url(database?: string): string;
  stop(): Promise<void>;
}

/** Runs statements on a database as the superuser. */
export async function sql<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Creates a database on the cluster and returns a handle on it (closing releases nothing). */
export async function createDatabase(cluster: TestCluster, name: string): Promise<DatabaseHandle> {
  await sql(cluster.url('postgres'), `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = cluster.url(name);
  return { url, display: `test database ${name}`, provider: 'url', environment: undefined, close: async () => {} };
}

/**
 * Builds the reference schema from migrations/ the way a deployment does: in a session that did
 * `SET ROLE migrator`, so the migrator owns every object.
 */
export async function buildReferenceSchema(url: string): Promise<void> {
  const graph = buildGraph(loadMigrations(REFERENCE_MIGRATIONS));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET ROLE migrator');
    for (const file of graph.ordered) {
      const { steps, transactional } = await migrationSteps(file, 'up', { split: file.transaction === 'none' });
      if (transactional) await client.query('BEGIN');
      for (const step of steps) await client.query(step.sql);
      if (transactional) await client.query('COMMIT');
    }
  } finally {
    await client.end();
  }
}

/** The reference schema's tables. */
export async function tablesOf(url: string): Promise<string[]> {
  const rows = await sql<{ relname: string }>(url, `SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') ORDER BY 1`);
  return rows.map((r) => r.relname);
}

/** Runs `text` as `role` (SET ROLE from the superuser, in a transaction rolled back). Returns the error message, or undefined when it worked. */
export async function tryAs(url: string, role: string, text: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL ROLE ${pg.escapeIdentifier(role)}`);
    await client.query(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end();
  }
}

/** The same URL with another user and password. */
export function loginUrl(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** Why Debian's PostgreSQL 15 cannot be used here, or undefined when it can. */
export function pg15UnavailableReason(): string | undefined {
  if (!existsSync(join(PG15_BIN, 'initdb')) || !existsSync(join(PG15_BIN, 'pg_ctl'))) {
    return `Debian's PostgreSQL 15 is not installed (no ${PG15_BIN}/initdb): apt-get install postgresql-15 to run these tests`;
  }
  return undefined;
}

/**
 * Starts Debian's PostgreSQL 15 in a temporary folder on a free port (as the `postgres` OS user
 * when running as root), TCP on loopback only, password authentication.
 */
export async function startPg15Cluster(): Promise<TestCluster> {
  const user = serverOsUser();
  const base = mkdtempSync(join(tmpdir(), 'pgwarden-pg15-'));
  handOver(base, user);
  const dataDir = join(base, 'data');
  const password = randomBytes(18).toString('base64url');
  const pwfile = join(base, 'pw');
  writeFileSync(pwfile, `${password}\n`);
  chmodSync(pwfile, 0o600);
  handOver(pwfile, user);
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  await execFileAsync(join(PG15_BIN, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '--no-sync', '-E', 'UTF8'], { ...as, env });
  rmSync(pwfile);
  const port = await freePort();
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=50`;
  await execFileAsync(join(PG15_BIN, 'pg_ctl'), ['start', '-D', dataDir, '-w', '-t', '60', '-l', join(base, 'log'), '-o', options], { ...as, env });
  let stopped = false;
  return {
    url: (database = 'postgres') => `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await execFileAsync(join(PG15_BIN, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w'], { ...as, env }).catch(() => {});
      rmSync(base, { recursive: true, force: true });
    },
  };
}
