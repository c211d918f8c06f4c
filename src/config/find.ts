import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PgwardenError } from '../errors.js';

/** The names the config file may have, at the repository root. */
export const CONFIG_FILE_NAMES = ['pgwarden.config.yaml', 'pgwarden.config.yml', 'pgwarden.config.json'];

/** Finds the config file: the given path, or the first config file in `cwd` or its parents. */
export function findConfigFile(cwd: string, explicit?: string): string | undefined {
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) {
      throw new PgwardenError('CONFIG_NOT_FOUND', `Config file ${explicit} does not exist. Check the --config path.`);
    }
    return path;
  }
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
    if (existsSync(join(dir, '.git')) || existsSync(join(dir, 'package.json'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
