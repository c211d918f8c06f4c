import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PgwardenError } from '../errors.js';

/** Data loaded into the throwaway database, so that migrations meet non-empty tables. */
export interface SeedFile {
  path: string;
  sql: string;
  /**
   * Load it once this revision is applied (its tables exist), from the header `--! After: <revision>`.
   * Undefined: before the first migration.
   */
  after: string | undefined;
}

const AFTER_HEADER = /^--!\s*After:\s*(\S+)\s*$/im;

/**
 * Reads a seed file. A seed that fills tables created by migrations names the revision after
 * which it can load with a `--! After: <revision>` header line.
 */
export function loadSeed(path: string, cwd = process.cwd()): SeedFile {
  const full = resolve(cwd, path);
  let sql: string;
  try {
    sql = readFileSync(full, 'utf8');
  } catch (cause) {
    throw new PgwardenError('USAGE', `Cannot read the seed file ${path}: ${(cause as Error).message}.`, { cause });
  }
  return { path: full, sql, after: AFTER_HEADER.exec(sql)?.[1] };
}
