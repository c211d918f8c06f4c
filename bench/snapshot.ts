/**
 * Benchmark: the catalog snapshot of a 1,000-table schema against `pg_dump --schema-only` of the
 * same database, in the same run. Target: snapshot at most 1.0x pg_dump.
 *
 * The pg_dump here is Debian's PostgreSQL 15, which refuses to dump a newer server, so this starts
 * Debian's PostgreSQL 15 server (as the `postgres` OS user when run as root) in a temporary folder
 * and both tools read that same server.
 *
 *   npx tsx bench/snapshot.ts [tables=1000] [rounds=5]
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { snapshotDatabase, snapshotOf } from '../src/catalog/snapshot.js';
import { freePort } from '../src/providers/free-port.js';
import { isRoot, serverOsUser, SERVER_OS_USER } from '../src/providers/os-user.js';
import { urlDatabase } from '../src/providers/url.js';
import { median, ratio, timed } from './support.js';

const TABLES = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 5);
const BIN = '/usr/lib/postgresql/15/bin';

/** Runs a server binary, as the postgres OS user when we are root (Postgres refuses root). */
function asServerUser(command: string, args: string[]): void {
  const [file, argv] = isRoot() ? ['runuser', ['-u', SERVER_OS_USER, '--', command, ...args]] : [command, args];
  execFileSync(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A 1,000-table schema like a real application's: keys, foreign keys, indexes, checks, defaults, comments, plus views, enums and functions. */
function schemaSql(tables: number): string[] {
  const batches: string[] = [];
  let sql = `CREATE TYPE status AS ENUM ('new', 'active', 'closed');\n`;
  for (let i = 0; i < tables; i++) {
    const parent = i > 0 && i % 4 !== 0 ? `,\n  parent_id bigint REFERENCES t${i - 1} (id) ON DELETE CASCADE` : '';
    sql += `CREATE TABLE t${i} (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  email varchar(255) UNIQUE,
  status status NOT NULL DEFAULT 'new',
  amount numeric(12, 2) CHECK (amount >= 0),
  created_at timestamptz NOT NULL DEFAULT now()${parent}
);
CREATE INDEX t${i}_created_at_idx ON t${i} (created_at);
COMMENT ON TABLE t${i} IS 'Table ${i}';
COMMENT ON COLUMN t${i}.name IS 'Its name';
`;
    if (i % 10 === 0) sql += `CREATE VIEW t${i}_active AS SELECT id, name FROM t${i} WHERE status = 'active';\nCREATE FUNCTION t${i}_count() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM public.t${i}';\n`;
    if (i % 100 === 99) {
      batches.push(sql);
      sql = '';
    }
  }
  if (sql) batches.push(sql);
  return batches;
}

async function main(): Promise<void> {
  if (!existsSync(join(BIN, 'pg_dump'))) {
    console.log(`Debian's PostgreSQL 15 is not installed (${BIN}): nothing to compare with.`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'pgwarden-bench-pg15-'));
  const data = join(dir, 'data');
  const user = serverOsUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const port = await freePort();
  asServerUser(join(BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  asServerUser(join(BIN, 'pg_ctl'), ['-D', data, '-w', '-l', join(data, 'log'), '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off -c max_locks_per_transaction=256`, 'start']);
  const url = `postgresql://postgres@127.0.0.1:${port}/bench`;
  try {
    const admin = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` });
    await admin.connect();
    await admin.query('CREATE DATABASE bench');
    await admin.end();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    for (const batch of schemaSql(TABLES)) await client.query(batch);
    await client.query('ANALYZE');

    const dump = () =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(join(BIN, 'pg_dump'), ['--schema-only', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'bench'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`pg_dump exited ${code}: ${stderr}`))));
      });
    const db = urlDatabase(url, undefined);
    // Warm both up once (catalog caches, the WebAssembly-free code paths, file system).
    await dump();
    const snapshot = await snapshotOf(db);

    const dumps: number[] = [];
    const snapshots: number[] = [];
    const onConnection: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      dumps.push(await timed(dump));
      snapshots.push(await timed(() => snapshotOf(db)));
      onConnection.push(await timed(() => snapshotDatabase(client)));
    }
    await client.end();
    console.log(`schema: ${Object.keys(snapshot.tables).length} tables, ${Object.keys(snapshot.views).length} views, ${Object.keys(snapshot.functions).length} functions, ${Object.values(snapshot.tables).reduce((n, t) => n + t.columns.length, 0)} columns, ${Object.values(snapshot.tables).reduce((n, t) => n + t.indexes.length, 0)} indexes (PostgreSQL 15)`);
    console.log(`pg_dump --schema-only (process, connect, dump):   ${median(dumps).toFixed(0)} ms (median of ${ROUNDS}: ${dumps.map((t) => t.toFixed(0)).join(', ')})`);
    console.log(`pgwarden snapshot (connect, snapshot, close):     ${median(snapshots).toFixed(0)} ms (median of ${ROUNDS}: ${snapshots.map((t) => t.toFixed(0)).join(', ')})`);
    console.log(`pgwarden snapshot on an open connection:          ${median(onConnection).toFixed(0)} ms`);
    console.log(`ratio snapshot / pg_dump: ${ratio(median(snapshots), median(dumps))} (target <= 1.0x)`);
  } finally {
    try {
      asServerUser(join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

await main();
