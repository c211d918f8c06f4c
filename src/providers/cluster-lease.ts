import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PgwardenError } from '../errors.js';

/**
 * Who uses the development cluster. Several pgwarden processes may share it at once; each holds a
 * lease (a file named after its pid in `<dataDir>/leases/`) while it does. A cluster a command
 * started for itself carries the `auto-started` mark: the last lease holder to leave stops it.
 * A cluster started with `pgwarden db start` has no mark and keeps running. Every change of the
 * leases happens under one lock (`<dataDir>/cluster.lock`, a symbolic link whose target is the
 * holder's pid, created atomically); leases and locks of processes that are gone are ignored.
 */
export function leasePaths(dataDir: string) {
  return { leases: join(dataDir, 'leases'), lock: join(dataDir, 'cluster.lock'), auto: join(dataDir, 'auto-started') };
}

/** Whether a process runs (one of another user counts: it answers EPERM). */
export function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const LOCK_WAIT_MS = 180_000;

/** Runs `fn` holding the cluster lock (waiting for another process that holds it; a dead holder's lock is taken over). */
export async function withClusterLock<T>(dataDir: string, fn: () => Promise<T>): Promise<T> {
  const { lock } = leasePaths(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const deadline = Date.now() + LOCK_WAIT_MS;
  let holder = 0;
  for (;;) {
    try {
      symlinkSync(String(process.pid), lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    try {
      holder = Number(readlinkSync(lock));
      if (!alive(holder)) rmSync(lock, { force: true });
    } catch {
      /* released meanwhile */
    }
    if (Date.now() > deadline) {
      throw new PgwardenError('PROVIDER_UNAVAILABLE', `The development cluster's lock (${lock}) is held by pid ${holder} for more than ${LOCK_WAIT_MS / 1000}s: if that process hangs, stop it (or delete the link) and try again.`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    return await fn();
  } finally {
    try {
      if (readlinkSync(lock) === String(process.pid)) rmSync(lock, { force: true });
    } catch {
      /* gone */
    }
  }
}

/** A command holding a lease on the development cluster. */
export interface LeaseHolder {
  pid: number;
  /** What the command is (`pgwarden up`), when it said so. */
  command: string | undefined;
  /** When it took the lease (ISO time), when known. */
  since: string | undefined;
}

interface LeaseFile {
  command?: string;
  since?: string;
  /** The process's start time ({@link processStartTime}), so that a reused pid is not taken for the holder. */
  startTime?: string;
}

/**
 * A process's start time, so that a pid the system has since given to another process is not taken
 * for a lease's holder: field 22 of /proc/<pid>/stat where /proc exists (Linux), else what `ps -o
 * lstart=` prints (macOS, the BSDs; to the second, in the C locale). Undefined where neither
 * answers (Windows): then a live pid counts as the holder.
 */
export function processStartTime(pid: number, source: 'auto' | 'ps' = 'auto'): string | undefined {
  if (source === 'auto') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    } catch {
      // No such process, or no /proc: ps tells the difference.
      if (process.platform === 'linux' && existsSync('/proc/self/stat')) return undefined;
      if (process.platform === 'win32') return undefined;
    }
  }
  try {
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    return out ? `ps ${out.replace(/\s+/g, ' ')}` : undefined;
  } catch {
    return undefined;
  }
}

function readLease(path: string): LeaseFile {
  try {
    const text = readFileSync(path, 'utf8');
    return text.trim() ? (JSON.parse(text) as LeaseFile) : {};
  } catch {
    return {};
  }
}

/**
 * The live lease holders. A lease whose process is gone, or whose pid now belongs to another
 * process (started at another time), is stale and removed. Under the lock.
 */
export function leaseHolders(dataDir: string): LeaseHolder[] {
  const { leases } = leasePaths(dataDir);
  if (!existsSync(leases)) return [];
  const live: LeaseHolder[] = [];
  for (const name of readdirSync(leases)) {
    const pid = Number(name);
    const path = join(leases, name);
    const lease = readLease(path);
    const started = lease.startTime === undefined ? undefined : processStartTime(pid);
    if (alive(pid) && (started === undefined || started === lease.startTime)) live.push({ pid, command: lease.command, since: lease.since });
    else rmSync(path, { force: true });
  }
  return live.sort((a, b) => a.pid - b.pid);
}

/** The pids of the live lease holders; stale leases are removed. Under the lock. */
export function liveLeases(dataDir: string): number[] {
  return leaseHolders(dataDir).map((h) => h.pid);
}

/** Takes a lease for this process; `command` says what it is, for `pgwarden db stop` to name it. Under the lock. */
export function addLease(dataDir: string, command?: string): void {
  const { leases } = leasePaths(dataDir);
  mkdirSync(leases, { recursive: true, mode: 0o755 });
  const lease: LeaseFile = { command, since: new Date().toISOString(), startTime: processStartTime(process.pid) };
  writeFileSync(join(leases, String(process.pid)), `${JSON.stringify(lease)}\n`);
}

export function removeLease(dataDir: string, pid = process.pid): void {
  rmSync(join(leasePaths(dataDir).leases, String(pid)), { force: true });
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * Starts a watchdog that gives up this process's lease when the process dies without doing so
 * (SIGKILL, a crash): under the lock, it removes the lease and, when no live lease is left on a
 * cluster marked `auto-started`, stops the server (fast shutdown). Returns the function that
 * cancels it, for a process that releases its lease itself.
 */
export function startLeaseWatchdog(dataDir: string, pgdata: string): () => void {
  const { leases, lock, auto } = leasePaths(dataDir);
  const pid = process.pid;
  const script = `
alive() { kill -0 "$1" 2>/dev/null || [ -d "/proc/$1" ]; }
while alive ${pid}; do sleep 0.5; done
n=0
until ln -s "$$" ${quote(lock)} 2>/dev/null; do
  h=$(readlink ${quote(lock)} 2>/dev/null); if [ -n "$h" ] && ! alive "$h"; then rm -f ${quote(lock)}; fi
  sleep 0.1; n=$((n+1)); [ $n -gt 1800 ] && exit 1
done
rm -f ${quote(join(leases, String(pid)))}
live=0
for f in ${quote(leases)}/*; do
  [ -e "$f" ] || continue
  if alive "\${f##*/}"; then live=1; else rm -f "$f"; fi
done
if [ $live = 0 ] && [ -e ${quote(auto)} ]; then
  if read -r spid < ${quote(join(pgdata, 'postmaster.pid'))} 2>/dev/null && kill -INT "$spid" 2>/dev/null; then
    n=0; while kill -0 "$spid" 2>/dev/null && [ $n -lt 300 ]; do sleep 0.1; n=$((n+1)); done
  fi
  rm -f ${quote(auto)}
fi
[ "$(readlink ${quote(lock)} 2>/dev/null)" = "$$" ] && rm -f ${quote(lock)}
`;
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
