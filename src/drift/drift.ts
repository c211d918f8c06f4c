import { relative } from 'node:path';
import type { PgwardenConfig } from '../config/types.js';
import { PgwardenError, isPgwardenError } from '../errors.js';
import { linearHistory } from '../migrations/graph.js';
import { loadMigrations } from '../migrations/load.js';
import type { MigrationFile } from '../migrations/types.js';
import { openDatabase, type TargetOptions } from '../providers/resolve.js';
import type { DatabaseHandle } from '../providers/types.js';
import { redactText } from '../redact.js';
import { isPgError } from '../runner/pg-error.js';
import { compareWithReference } from './compare.js';
import { applyIgnores } from './ignore.js';
import { ledgerFindings } from './ledger.js';
import { readEnvironment, type EnvironmentState } from './read-environment.js';
import { loadReferenceSnapshot, referenceSnapshotPath } from './reference.js';
import { DRIFT_CLASSES, type DriftClass, type DriftFinding, type DriftReport } from './types.js';
import { existsSync } from 'node:fs';

/** The roles `schema/roles.yaml` declares for an environment (none when there is no roles file). */
async function declaredRoles(config: PgwardenConfig, environment: string | undefined, notes: string[]): Promise<Set<string>> {
  if (!existsSync(config.roles.file)) return new Set();
  try {
    const [{ loadRolesFile }, { rolesForEnvironment }] = await Promise.all([import('../roles/load.js'), import('../roles/desired.js')]);
    return new Set(rolesForEnvironment(loadRolesFile(config.roles.file), environment).keys());
  } catch (error) {
    notes.push(`${relative(config.root, config.roles.file)} could not be read (${(error as Error).message.split('\n')[0]}): privileges are compared with the snapshot only`);
    return new Set();
  }
}

/** Which database drift looks at, and what it compares it with. */
export interface DriftOptions extends TargetOptions {
  /** Compare with this environment's database instead of `schema/snapshot.json`. */
  against?: string | undefined;
  /** The migrations the ledger is compared with (default: the configured folder's). */
  migrations?: MigrationFile[];
}

/**
 * Compares a database (`env`/`url`, as every command chooses it) with the committed
 * `schema/snapshot.json`, or with another environment's database (`against`), and with the
 * repository's migrations (its ledger). Reads each database in a read-only transaction and changes
 * nothing. Findings come in four classes (structure, security, documentation, ledger); the
 * `driftIgnore` patterns of the environments involved leave some out.
 *
 * @example
 * const report = await checkDrift(config, { env: 'prod' });
 * if (!report.clean) for (const f of report.findings) console.log(f.class, f.message);
 */
export async function checkDrift(config: PgwardenConfig, options: DriftOptions = {}): Promise<DriftReport> {
  const ordered = linearHistory(options.migrations ?? loadMigrations(config.migrationsDir), config.root);
  const expected = options.against === undefined ? loadReferenceSnapshot(config) : undefined;

  const actual = await readDatabase(config, options, ordered);
  let reference: DriftReport['reference'];
  let against: (EnvironmentState & { db: { display: string; environment: string | undefined } }) | undefined;
  if (options.against !== undefined) {
    // The other environment's own connection: --url and $DATABASE_URL name the first database only.
    against = await readDatabase(config, { env: options.against, environ: { ...(options.environ ?? process.env), DATABASE_URL: '' } }, ordered);
    reference = { kind: 'environment', display: against.db.display, environment: against.db.environment };
  } else {
    reference = { kind: 'snapshot', file: relative(config.root, referenceSnapshotPath(config)) };
  }

  const findings = compareWithReference(against?.snapshot ?? expected!, actual.snapshot, against ? 'environment' : 'snapshot');
  if (actual.status) findings.push(...ledgerFindings(actual.status, against ? actual.db.environment ?? actual.db.display : undefined));
  if (against?.status) findings.push(...ledgerFindings(against.status, against.db.environment ?? against.db.display));

  const patterns = [actual.db.environment, against?.db.environment].flatMap((name) => (name ? (config.environments[name]?.driftIgnore ?? []) : []));
  const notes: string[] = [];
  const declared = await declaredRoles(config, actual.db.environment, notes);
  const byRoles = (f: DriftFinding) => (f.objectType === 'privilege' || f.objectType === 'default privilege') && f.grantee !== undefined && declared.has(f.grantee);
  const managedByRoles = options.against === undefined ? findings.filter(byRoles) : [];
  if (managedByRoles.length > 0) {
    notes.push(`${managedByRoles.length} privilege difference${managedByRoles.length === 1 ? '' : 's'} on roles declared in ${relative(config.root, config.roles.file)} left to pgwarden roles check`);
  }
  const { kept, ignored } = applyIgnores(
    findings.filter((f) => !managedByRoles.includes(f)),
    patterns,
  );
  kept.sort((a, b) => DRIFT_CLASSES.indexOf(a.class) - DRIFT_CLASSES.indexOf(b.class));
  const counts = Object.fromEntries(DRIFT_CLASSES.map((c) => [c, 0])) as Record<DriftClass, number>;
  for (const f of kept) counts[f.class]++;
  return {
    target: { display: actual.db.display, environment: actual.db.environment },
    reference,
    findings: kept,
    ignored,
    managedByRoles,
    counts,
    clean: kept.length === 0,
    tables: Object.keys(actual.snapshot.tables).length,
    readOnly: actual.readOnly && (against?.readOnly ?? true),
    notes: [...actual.notes, ...(against?.notes ?? []), ...notes],
  };
}

async function readDatabase(config: PgwardenConfig, target: TargetOptions, ordered: readonly MigrationFile[]): Promise<EnvironmentState & { db: { display: string; environment: string | undefined } }> {
  const db: DatabaseHandle = await openDatabase(config, target);
  try {
    const state = await readEnvironment(config, db, ordered);
    return { ...state, db: { display: db.display, environment: db.environment } };
  } catch (error) {
    if (isPgwardenError(error) || !isPgError(error)) throw error;
    throw new PgwardenError('DATABASE_ERROR', `Reading ${db.display} failed: ${redactText(error.message)}. The role drift connects as needs to read the catalogs of the schemas it compares.`, { cause: error });
  } finally {
    await db.close();
  }
}

export type { DriftFinding, DriftReport } from './types.js';
