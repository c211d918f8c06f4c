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
import { compareAcrossVersions } from './compare.js';
import { applyIgnores } from './ignore.js';
import { ledgerFindings } from './ledger.js';
import { readEnvironment, type EnvironmentState, type ReadEnvironmentOptions } from './read-environment.js';
import { judgedByRoles, rolesFindings } from './roles.js';
import type { DesiredState } from '../roles/desired.js';
import type { LiveDatabase } from '../roles/live-database.js';
import type { RolesFile } from '../roles/types.js';
import { loadReferenceSnapshot, referenceSnapshotPath } from './reference.js';
import { DRIFT_CLASSES, type DriftClass, type DriftFinding, type DriftReport } from './types.js';
import { existsSync } from 'node:fs';

/** `schema/roles.yaml` when there is one (undefined, with a note, when it cannot be read). */
async function loadRoles(config: PgwardenConfig, notes: string[]): Promise<RolesFile | undefined> {
  if (!existsSync(config.roles.file)) return undefined;
  try {
    const { loadRolesFile } = await import('../roles/load.js');
    return loadRolesFile(config.roles.file);
  } catch (error) {
    notes.push(`${relative(config.root, config.roles.file)} could not be read (${(error as Error).message.split('\n')[0]}): privileges are compared with the snapshot only`);
    return undefined;
  }
}

/** What the roles file wants of the roles it declares for `environment`, against the database as read. */
async function desiredRoles(config: PgwardenConfig, rolesFile: RolesFile, environment: string | undefined, live: LiveDatabase, notes: string[]): Promise<DesiredState | undefined> {
  try {
    const { expandDesired } = await import('../roles/desired.js');
    return expandDesired(rolesFile, environment, live);
  } catch (error) {
    notes.push(`${relative(config.root, config.roles.file)} could not be expanded (${(error as Error).message.split('\n')[0]}): privileges are compared with the snapshot only`);
    return undefined;
  }
}

/** Which database drift looks at, and what it compares it with. */
export interface DriftOptions extends TargetOptions {
  /** Compare with this environment's database instead of `schema/snapshot.json`. */
  against?: string | undefined;
  /** The migrations the ledger is compared with (default: the configured folder's). */
  migrations?: MigrationFile[];
  /** How long to wait for a lock another session holds (default `10s`); on timeout, a `LOCK_HELD` error (exit 3) names the holders. */
  lockTimeout?: string | undefined;
  /** How long one catalog query may run (default `5min`). */
  statementTimeout?: string | undefined;
  /** Stops drift: the running catalog query is cancelled on the server and drift fails with INTERRUPTED. */
  signal?: AbortSignal | undefined;
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
  const notes: string[] = [];
  // Against the snapshot, the privileges of the roles roles.yaml declares are judged by that file:
  // the snapshot is built where those roles do not exist. Between two environments, they compare as they are.
  const rolesFile = options.against === undefined ? await loadRoles(config, notes) : undefined;
  const columnTables = (rolesFile?.spec.grants ?? []).flatMap((g) => Object.keys(g.columns ?? {}).map((name) => ({ schema: g.schema, name })));

  const timeouts = { lockTimeout: options.lockTimeout, statementTimeout: options.statementTimeout, signal: options.signal };
  const actual = await readDatabase(config, options, ordered, { ...timeouts, ...(rolesFile ? { roles: { tables: columnTables } } : {}) });
  let reference: DriftReport['reference'];
  let against: (EnvironmentState & { db: Pick<DatabaseHandle, 'display' | 'environment' | 'origin'> }) | undefined;
  if (options.against !== undefined) {
    // The other environment's own connection: --url and $DATABASE_URL name the first database only.
    against = await readDatabase(config, { env: options.against, environ: { ...(options.environ ?? process.env), DATABASE_URL: '' } }, ordered, timeouts);
    reference = { kind: 'environment', display: against.db.display, environment: against.db.environment, options: against.db.origin?.options ?? '' };
  } else {
    reference = { kind: 'snapshot', file: relative(config.root, referenceSnapshotPath(config)) };
  }

  const sides = { expected: against ? (against.db.environment ?? against.db.display) : reference.kind === 'snapshot' ? reference.file : 'the reference', actual: actual.db.environment ?? 'the database' };
  const compared = await compareAcrossVersions(against?.snapshot ?? expected!, actual.snapshot, against ? 'environment' : 'snapshot', sides);
  let findings = compared.findings;
  let managedByRoles: DriftFinding[] = [];
  const desired = rolesFile && actual.live ? await desiredRoles(config, rolesFile, actual.db.environment, actual.live, notes) : undefined;
  if (desired && actual.live) {
    // Only what roles.yaml judges is set aside: an owner's own privileges and a role's default
    // privileges for itself stay with the snapshot, or a change to them would go unreported.
    const declared = new Set(desired.roles.keys());
    const byRoles = (f: DriftFinding) => judgedByRoles(f, declared, actual.snapshot);
    managedByRoles = findings.filter(byRoles);
    findings = [...findings.filter((f) => !byRoles(f)), ...rolesFindings(desired, actual.live, relative(config.root, config.roles.file))];
  }
  if (actual.status) findings.push(...ledgerFindings(actual.status, against ? actual.db.environment ?? actual.db.display : undefined));
  if (against?.status) findings.push(...ledgerFindings(against.status, against.db.environment ?? against.db.display));

  const patterns = [actual.db.environment, against?.db.environment].flatMap((name) => (name ? (config.environments[name]?.driftIgnore ?? []) : []));
  const { kept, ignored } = applyIgnores(findings, patterns);
  kept.sort((a, b) => DRIFT_CLASSES.indexOf(a.class) - DRIFT_CLASSES.indexOf(b.class));
  const counts = Object.fromEntries(DRIFT_CLASSES.map((c) => [c, 0])) as Record<DriftClass, number>;
  for (const f of kept) counts[f.class]++;
  return {
    target: { display: actual.db.display, environment: actual.db.environment, options: actual.db.origin?.options ?? '' },
    reference,
    findings: kept,
    ignored,
    managedByRoles,
    versionOnly: compared.versionOnly,
    counts,
    clean: kept.length === 0,
    tables: Object.keys(actual.snapshot.tables).length,
    readOnly: actual.readOnly && (against?.readOnly ?? true),
    ledgerRead: actual.status !== undefined && (against === undefined || against.status !== undefined),
    notes: [...actual.notes, ...(against?.notes ?? []), ...notes],
  };
}

async function readDatabase(config: PgwardenConfig, target: TargetOptions, ordered: readonly MigrationFile[], read: ReadEnvironmentOptions = {}): Promise<EnvironmentState & { db: Pick<DatabaseHandle, 'display' | 'environment' | 'origin'> }> {
  const db: DatabaseHandle = await openDatabase(config, target);
  try {
    const state = await readEnvironment(config, db, ordered, read);
    return { ...state, db: { display: db.display, environment: db.environment, ...(db.origin ? { origin: db.origin } : {}) } };
  } catch (error) {
    if (isPgwardenError(error) || !isPgError(error)) throw error;
    throw new PgwardenError('DATABASE_ERROR', `Reading ${db.display} failed: ${redactText(error.message)}. The role drift connects as needs to read the catalogs of the schemas it compares.`, { cause: error });
  } finally {
    await db.close();
  }
}

export type { DriftFinding, DriftReport } from './types.js';
