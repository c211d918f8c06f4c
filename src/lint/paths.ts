/**
 * Path helpers for the thousand-file loops of a lint run, where node:path's normalising join and
 * relative cost more than the work they wrap: plain string operations for the common case, the
 * node:path functions for anything else.
 */
import { isAbsolute, join, relative, sep } from 'node:path';
import { toPosix } from './report.js';

/** `root`-relative posix path of `path`: a slice when `path` lies under `root`. */
export function relativePosix(root: string, path: string): string {
  const prefix = root.endsWith(sep) ? root : root + sep;
  if (path.startsWith(prefix) && !path.includes(`${sep}..`) && !path.includes(`${sep}.${sep}`)) return toPosix(path.slice(prefix.length));
  return toPosix(relative(root, path));
}

/** The absolute path of `path` (relative to `root`, or absolute): concatenated when nothing needs normalising. */
export function absoluteUnder(root: string, path: string): string {
  if (isAbsolute(path)) return path;
  if (sep === '/' && !path.startsWith('.') && !path.includes('/.') && !path.includes('//') && !root.endsWith('/')) return `${root}/${path}`;
  return join(root, path);
}
