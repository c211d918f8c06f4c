import { relative } from 'node:path';
import { CHANGE_LOG_SCHEMA } from '../catalog/change-log.js';
import { readFunctionDefinitions } from '../catalog/read/function-definitions.js';
import { snapshotDatabase, snapshotOptionsFor } from '../catalog/snapshot.js';
import type { PgwardenConfig } from '../config/types.js';
import { canonicalSnapshot } from '../docs/canonical.js';
import { checkDocs } from '../docs/check.js';
import { formatCoverage } from '../docs/coverage.js';
import { renderDocs } from '../docs/generate.js';
import { linearHistory } from '../migrations/graph.js';
import type { MigrationFile } from '../migrations/types.js';
import type { DatabaseHandle } from '../providers/types.js';
import { cancelOnAbort, throwIfInterrupted } from '../runner/interrupt.js';
import { connect } from '../runner/session.js';
import type { DocsCheckOutcome } from './types.js';

/**
 * `pgwarden docs --check` on a database that already holds the whole history (the one verify
 * used): snapshot it as `pgwarden docs` does, render the schema folder in memory and compare it
 * with the committed files. Saves applying the history a second time. `signal` ends the reads
 * (INTERRUPTED); the caller drops the database.
 */
export async function checkDocsOn(config: PgwardenConfig, db: DatabaseHandle, files: MigrationFile[], signal?: AbortSignal): Promise<DocsCheckOutcome> {
  throwIfInterrupted(signal);
  const client = await connect(db, { applicationName: 'pgwarden check docs' });
  // A throwaway database, dropped next: stopped, the session ends on the server too.
  const cancel = cancelOnAbort(client, db, signal, { terminate: true });
  let result;
  try {
    const applier = (await client.query<{ role: string }>('SELECT current_user AS role')).rows[0]!.role;
    // Verify leaves its change log (a schema of its own) in the database it used.
    const scope = snapshotOptionsFor(config, { excludeSchemas: [CHANGE_LOG_SCHEMA] });
    const snapshot = canonicalSnapshot(await snapshotDatabase(client, scope), applier);
    const functionDefinitions = await readFunctionDefinitions(client, scope);
    result = await renderDocs(config, { snapshot, functionDefinitions, migrations: linearHistory(files, config.root) });
  } finally {
    cancel.dispose();
    await client.end().catch(() => {});
  }
  throwIfInterrupted(signal);
  const check = await checkDocs(config, result, (path) => relative(config.root, path));
  return {
    stale: check.current ? [] : check.files.filter((f) => f.state !== 'current').map((f) => (f.state === 'missing' ? `${f.name} (missing)` : f.name)),
    nothingToDocument: check.nothingToDocument,
    diff: check.files.flatMap((f) => f.diff),
    findings: result.findings.map((f) => ({ rule: f.rule, severity: f.severity, object: f.object, message: f.message })),
    coverage: formatCoverage(result.coverage),
    versionOnly: check.versionOnly,
  };
}
