import { join, relative, sep } from 'node:path';
import { readFunctionDefinitions } from '../catalog/read/function-definitions.js';
import { snapshotDatabase, snapshotOptionsFor } from '../catalog/snapshot.js';
import type { CatalogSnapshot } from '../catalog/types.js';
import type { PgwardenConfig } from '../config/types.js';
import { linearHistory } from '../migrations/graph.js';
import { loadMigrations } from '../migrations/load.js';
import type { MigrationFile } from '../migrations/types.js';
import { openThrowaway, type ThrowawayOptions } from '../providers/resolve.js';
import type { DatabaseHandle } from '../providers/types.js';
import { cancelOnAbort, interruptedBy, throwIfInterrupted } from '../runner/interrupt.js';
import { runMigrations } from '../runner/run.js';
import { connect } from '../runner/session.js';
import { canonicalSnapshot, serializeSnapshot } from './canonical.js';
import { documentationCoverage } from './coverage.js';
import { readme } from './readme.js';
import { checkSchemaRules } from './rules/index.js';
import { schemaSql } from './schema-sql.js';
import { touchedBy } from './touched-by.js';
import type { DocsResult } from './types.js';

/** Where `docs` builds the schema, and from which migrations. */
export interface DocsOptions extends ThrowawayOptions {
  /** The migrations (default: the configured folder's). */
  migrations?: MigrationFile[];
  /**
   * Stops the build: the running statement is cancelled on the server, the throwaway database
   * removed, and docs fails with INTERRUPTED. Nothing is written either way (see writeDocs).
   */
  signal?: AbortSignal | undefined;
}

/**
 * Builds the documented schema: applies the whole history once to a throwaway database (embedded
 * by default; on the server of `url`/`env` when given), snapshots it, and renders `snapshot.json`,
 * `README.md` and `schema.sql` in memory, with the documentation coverage and the schema rules'
 * findings. Writes nothing: see {@link writeDocs} and {@link checkDocs}. The throwaway database
 * is removed whatever happens.
 *
 * @example
 * const result = await generateDocs(config);
 * writeDocs(result);
 * if (result.findings.some((f) => f.severity === 'error')) process.exitCode = 1;
 */
export async function generateDocs(config: PgwardenConfig, options: DocsOptions = {}): Promise<DocsResult> {
  const files = options.migrations ?? loadMigrations(config.migrationsDir);
  const ordered = linearHistory(files, config.root);
  const { signal } = options;
  const db = await openThrowaway(config, options);
  try {
    await runMigrations(config, db, 'up', { migrations: files, signal });
    return await documentDatabase(config, db, ordered, signal);
  } catch (error) {
    if (!signal?.aborted) throw error;
    await db.close();
    throw interruptedBy(signal, `building the schema on a throwaway database (${db.display}) was cancelled on the server and the database removed. Nothing was written.`, error);
  } finally {
    await db.close();
  }
}

/**
 * The documented schema of a database that already holds the whole history (`migrations`, in
 * history order): what {@link generateDocs} does after applying it, for a caller that has such a
 * database at hand (`pgwarden check` reuses the one verify built).
 */
export async function documentDatabase(config: PgwardenConfig, db: DatabaseHandle, migrations: readonly MigrationFile[], signal?: AbortSignal): Promise<DocsResult> {
  throwIfInterrupted(signal);
  const client = await connect(db, { applicationName: 'pgwarden docs' });
  const cancel = cancelOnAbort(client, db, signal);
  let snapshot: CatalogSnapshot;
  let functionDefinitions: Record<string, string>;
  try {
    const applier = (await client.query<{ role: string }>('SELECT current_user AS role')).rows[0]!.role;
    const scope = snapshotOptionsFor(config);
    snapshot = canonicalSnapshot(await snapshotDatabase(client, scope), applier);
    functionDefinitions = await readFunctionDefinitions(client, scope);
  } finally {
    cancel.dispose();
    await client.end().catch(() => {});
  }
  throwIfInterrupted(signal);
  return renderDocs(config, { snapshot, functionDefinitions, migrations });
}

/** What {@link renderDocs} renders: a canonical snapshot and the migrations that built it. */
export interface RenderInput {
  snapshot: CatalogSnapshot;
  /** `CREATE FUNCTION` statements by function key; functions missing here are listed by signature. */
  functionDefinitions: Record<string, string>;
  /** The migrations in history order. */
  migrations: readonly MigrationFile[];
}

/** Renders the three files, the coverage and the findings from a snapshot, without a database. */
export async function renderDocs(config: PgwardenConfig, input: RenderInput): Promise<DocsResult> {
  const { snapshot, migrations } = input;
  const head = migrations[migrations.length - 1]?.revision;
  const migrationsDir = relative(config.root, config.migrationsDir).split(sep).join('/') || '.';
  const coverage = documentationCoverage(snapshot);
  const touched = await touchedBy(migrations, snapshot);
  const path = (name: string) => join(config.schemaDir, name);
  return {
    snapshot,
    files: [
      { name: 'snapshot.json', path: path('snapshot.json'), content: serializeSnapshot(snapshot) },
      { name: 'README.md', path: path('README.md'), content: readme(snapshot, { schemaDir: config.schemaDir, migrationsDir, migrations: migrations.length, head, coverage, touchedBy: touched }) },
      { name: 'schema.sql', path: path('schema.sql'), content: schemaSql(snapshot, { migrationsDir, migrations: migrations.length, head, functionDefinitions: input.functionDefinitions }) },
    ],
    coverage,
    findings: checkSchemaRules(snapshot, config.docs),
    migrations: migrations.length,
    head,
    input: { functionDefinitions: input.functionDefinitions, history: migrations },
  };
}
