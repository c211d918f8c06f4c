import { execFileSync } from 'node:child_process';
import { chownSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { PgwardenError } from '../errors.js';

/** The unprivileged OS user that runs Postgres when pgwarden itself runs as root. */
export const SERVER_OS_USER = 'postgres';

export interface OsUser {
  uid: number;
  gid: number;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * As root, returns the uid/gid that will own the server (creating the `postgres` user when the
 * machine has none); otherwise undefined (the server runs as the current user).
 */
let cachedUser: OsUser | undefined;

export function serverOsUser(): OsUser | undefined {
  if (!isRoot()) return undefined;
  if (cachedUser) return cachedUser;
  cachedUser = findOrCreateServerUser();
  return cachedUser;
}

function findOrCreateServerUser(): OsUser {
  const lookup = (): OsUser | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', SERVER_OS_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      const gid = Number(execFileSync('id', ['-g', SERVER_OS_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', SERVER_OS_USER], { stdio: 'ignore' });
  } catch (cause) {
    throw new PgwardenError('PROVIDER_UNAVAILABLE', `Postgres refuses to run as root and no "${SERVER_OS_USER}" OS user exists; creating one failed. Create an unprivileged user named ${SERVER_OS_USER}, or run pgwarden as a normal user.`, { cause });
  }
  const created = lookup();
  if (!created) throw new PgwardenError('PROVIDER_UNAVAILABLE', `Could not create the "${SERVER_OS_USER}" OS user that runs the embedded Postgres.`);
  return created;
}

/** The first folder above `dir` that `user` cannot enter, or undefined when it can reach `dir`. */
export function unreachableAncestor(dir: string, user: OsUser | undefined): string | undefined {
  if (!user) return undefined;
  for (let d = dirname(dir); ; d = dirname(d)) {
    let st;
    try {
      st = statSync(d);
    } catch {
      if (dirname(d) === d) return undefined;
      continue;
    }
    const reachable = st.uid === user.uid ? (st.mode & 0o100) !== 0 : st.gid === user.gid ? (st.mode & 0o010) !== 0 : (st.mode & 0o001) !== 0;
    if (!reachable) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** Hands a directory to the server's OS user and checks that user can reach it. */
export function handOver(dir: string, user: OsUser | undefined): void {
  if (!user) return;
  chownSync(dir, user.uid, user.gid);
  const blocked = unreachableAncestor(dir, user);
  if (blocked) {
    throw new PgwardenError(
      'PROVIDER_UNAVAILABLE',
      `The embedded Postgres runs as the OS user "${SERVER_OS_USER}", who cannot enter ${blocked}. Set "embedded.dataDir" in the config to a folder that user can reach (for example under /var/tmp), or run pgwarden as a normal user.`,
    );
  }
}
