import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CatalogSnapshot } from '../catalog/types.js';
import type { PgwardenConfig } from '../config/types.js';
import { PgwardenError } from '../errors.js';

/** The path of the committed snapshot, `schema/snapshot.json`. */
export function referenceSnapshotPath(config: PgwardenConfig): string {
  return join(config.schemaDir, 'snapshot.json');
}

/** Reads `schema/snapshot.json`, the schema the migrations produce (written by `pgwarden docs`). */
export function loadReferenceSnapshot(config: PgwardenConfig): CatalogSnapshot {
  const path = referenceSnapshotPath(config);
  const shown = relative(config.root, path) || path;
  if (!existsSync(path)) {
    throw new PgwardenError('USAGE', `${shown} does not exist: run \`pgwarden docs\` to generate it from the migrations (and commit it), or compare two environments with --against.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new PgwardenError('USAGE', `${shown} is not valid JSON (${(cause as Error).message}): run \`pgwarden docs\` to generate it again.`, { cause, location: { file: path } });
  }
  const snapshot = value as Partial<CatalogSnapshot> | null;
  if (snapshot === null || typeof snapshot !== 'object' || snapshot.format !== 1 || typeof snapshot.tables !== 'object') {
    throw new PgwardenError('USAGE', `${shown} is not a pgwarden snapshot (format 1): run \`pgwarden docs\` to generate it again.`, { location: { file: path } });
  }
  return snapshot as CatalogSnapshot;
}
