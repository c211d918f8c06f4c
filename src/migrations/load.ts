import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PgwardenError } from '../errors.js';
import { FILE_NAME, isMigrationFileName, parseMigration } from './parse.js';
import type { MigrationFile } from './types.js';

/** Compares file names the way node-pg-migrate orders them: numeric prefix first, then name. */
export function compareFileNames(a: string, b: string): number {
  const na = FILE_NAME.exec(a)?.[1];
  const nb = FILE_NAME.exec(b)?.[1];
  if (na && nb && na !== nb) {
    if (na.length !== nb.length) return BigInt(na) < BigInt(nb) ? -1 : 1;
    return na < nb ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Reads every migration file of a folder (SQL, and node-pg-migrate JS/TS), parsed, in file-name
 * order. JS/TS files without a `//! Revises:` header revise the file before them, as in
 * node-pg-migrate's linear history.
 */
export function loadMigrations(dir: string): MigrationFile[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new PgwardenError('CONFIG_INVALID', `Migrations folder ${dir} does not exist: create it, or point --migrations (or "migrations" in the config) at your folder.`);
  }
  const names = readdirSync(dir).filter(isMigrationFileName).sort(compareFileNames);
  const files = names.map((name) => {
    const path = join(dir, name);
    return parseMigration(path, readFileSync(path, 'utf8'));
  });
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    if (file.kind === 'js' && file.implicitParent) file.revises = i > 0 ? files[i - 1]!.revision : undefined;
  }
  return files;
}
