/**
 * The project configuration for lint, from a cache when the config file has not changed, so that
 * `pgwarden lint` (a pre-commit hook runs it on every commit) does not load the YAML parser and
 * the schema validator each time. The first run, and any run after an edit, loads and validates
 * the file with the regular loader.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { LoadConfigOptions } from '../config/load.js';
import type { PgwardenConfig } from '../config/types.js';
import { VERSION } from '../version.js';
import { findConfigFile } from '../config/find.js';

/** Loads the configuration like `loadConfig`, served from `.pgwarden/cache/config.json` when the file is unchanged. */
export async function loadConfigForLint(options: LoadConfigOptions & { cwd: string }): Promise<PgwardenConfig> {
  const configFile = findConfigFile(options.cwd, options.configPath);
  const root = configFile ? dirname(configFile) : resolve(options.cwd);
  const cachePath = join(root, '.pgwarden', 'cache', 'config.json');
  let text: string | undefined;
  try {
    text = configFile ? readFileSync(configFile, 'utf8') : '';
  } catch {
    text = undefined;
  }
  const key = text === undefined ? undefined : createHash('sha256').update(`${VERSION}\0${configFile ?? `none:${root}`}\0${text}`).digest('hex');
  let config: PgwardenConfig | undefined;
  if (key !== undefined) {
    try {
      const cached = JSON.parse(readFileSync(cachePath, 'utf8')) as { key?: string; config?: PgwardenConfig };
      if (cached.key === key) config = cached.config;
    } catch {
      // No cache yet.
    }
  }
  if (!config) {
    const { loadConfig } = await import('../config/load.js');
    config = loadConfig({ cwd: options.cwd, ...(options.configPath ? { configPath: options.configPath } : {}) });
    if (key !== undefined && config.configFile === configFile) {
      try {
        mkdirSync(dirname(cachePath), { recursive: true });
        const temp = `${cachePath}.${process.pid}.tmp`;
        writeFileSync(temp, JSON.stringify({ key, config }));
        renameSync(temp, cachePath);
      } catch {
        // Only costs time next run.
      }
    }
  }
  const result: PgwardenConfig = { ...config, configFile: config.configFile ?? undefined };
  if (options.migrationsDir) result.migrationsDir = resolve(options.cwd, options.migrationsDir);
  return result;
}
