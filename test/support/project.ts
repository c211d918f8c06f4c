import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveConfig } from '../../src/config/load.js';
import type { PgwardenConfig, PgwardenConfigFile } from '../../src/config/types.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const REFERENCE_MIGRATIONS = join(REPO_ROOT, 'migrations');

/** A temporary project folder with a migrations folder, removed by `cleanup()`. */
export interface TempProject {
  root: string;
  migrationsDir: string;
  config: PgwardenConfig;
  write(name: string, text: string): string;
  cleanup(): void;
}

export function tempProject(options: { copyReference?: boolean; config?: PgwardenConfigFile } = {}): TempProject {
  const root = mkdtempSync(join(tmpdir(), 'pgwarden-test-'));
  const migrationsDir = join(root, 'migrations');
  mkdirSync(migrationsDir, { recursive: true });
  if (options.copyReference) cpSync(REFERENCE_MIGRATIONS, migrationsDir, { recursive: true });
  writeFileSync(join(root, 'package.json'), '{}\n');
  const config = resolveConfig(options.config ?? {}, undefined, root);
  return {
    root,
    migrationsDir,
    config,
    write(name, text) {
      const path = join(migrationsDir, name);
      writeFileSync(path, text);
      return path;
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A SQL migration's text in pgwarden's format. */
export function sqlMigration(revision: string, revises: string | undefined, up: string, down?: string, extra: string[] = []): string {
  return [
    `--! Revision: ${revision}`,
    ...(revises ? [`--! Revises: ${revises}`] : []),
    `--! Description: Test migration ${revision}`,
    ...extra,
    '',
    '-- Up Migration',
    up,
    ...(down !== undefined ? ['', '-- Down Migration', down] : []),
    '',
  ].join('\n');
}
