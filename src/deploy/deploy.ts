import { existsSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { readVerifiedLocks, verifiedLocksFor, type VerifiedLocks } from '../check/verify-cache.js';
import type { PgwardenConfig } from '../config/types.js';
import { isPgwardenError, PgwardenError, type ErrorCode, type Problem } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { Finding } from '../lint/types.js';
import { linearHistory } from '../migrations/graph.js';
import { loadMigrations } from '../migrations/load.js';
import type { MigrationFile } from '../migrations/types.js';
import type { TargetOptions } from '../providers/resolve.js';
import { commandFor } from '../providers/origin.js';
import type { DatabaseHandle } from '../providers/types.js';
import type { ApplyResult } from '../roles/apply.js';
import type { RolesPlan } from '../roles/plan.js';
import type { RolesFile } from '../roles/types.js';
import { ensureLedger, recordEvent } from '../runner/ledger.js';
import { interruptedBy, throwIfInterrupted } from '../runner/interrupt.js';
import { getStatus, runMigrations, type RunMigrationResult } from '../runner/run.js';
import { connect, currentApplier } from '../runner/session.js';
import type { StatusReport } from '../runner/status.js';
import type { DriftFinding, DriftReport } from '../drift/types.js';

/** A migration deploy would apply, with what is known about it before it runs. */
export interface PendingMigration {
  revision: string;
  name: string;
  /** Relative to the project root. */
  file: string;
  description: string;
  /** False for `Transaction: none` migrations (they can stop halfway). */
  transactional: boolean;
  irreversible: string | undefined;
  /** Lint findings on this file (checked against the whole history). */
  findings: Finding[];
  /** The locks verify traced for this exact file content, or undefined: "not verified". */
  locks: VerifiedLocks | undefined;
}

/** What deploy shows before it changes anything. */
export interface DeployPlan {
  environment: string | undefined;
  /** The target, password redacted. */
  database: string;
  protected: boolean;
  status: StatusReport;
  pending: PendingMigration[];
  /** Lint totals over the pending migrations. */
  lint: { errors: number; warnings: number };
  /** The roles plan against the database as it is now, or why there is none. */
  roles: { file: string; plan: RolesPlan } | { skipped: string };
  /** Why `up` would refuse to run (modified, missing or partial migrations): deploy stops before asking (exit 1). */
  blockers: string[];
  /**
   * Bad input found before anything runs (a pending migration that does not parse, a password
   * roles.yaml reads from a variable or file that is not there): deploy refuses with exit 2 and
   * changes nothing. See {@link invalidPlanError}.
   */
  invalid: InvalidInput[];
}

/** One problem of bad input the plan found, with the error code deploy refuses with for it. */
export interface InvalidInput extends Problem {
  code: Extract<ErrorCode, 'MIGRATION_INVALID' | 'MIGRATION_GRAPH' | 'ROLES_INVALID' | 'USAGE'>;
}

/** What deploy did. */
export interface DeployResult {
  plan: DeployPlan;
  applied: RunMigrationResult[];
  /** The roles plan as applied (computed again after the migrations, under the roles lock). */
  roles: ApplyResult | undefined;
  after: StatusReport;
  /** The drift check after the deploy, or why it could not run. */
  drift: DeployDrift | { error: string };
  durationMs: number;
}

/**
 * The drift check after a deploy: `pgwarden drift`'s own judgement, unchanged. The privileges of
 * the roles roles.yaml declares are judged by drift against that file (`schema/snapshot.json` is
 * built where those roles do not exist), so a grant made by hand to such a role fails the deploy
 * as it fails drift.
 */
export interface DeployDrift {
  report: DriftReport;
  /** Drift's findings (`report.findings`): how the database differs after the deploy. */
  findings: DriftFinding[];
  /**
   * How many differences from the snapshot were in the privileges of roles roles.yaml declares,
   * which drift compares with roles.yaml instead (`report.managedByRoles`); not findings.
   */
  managedByRoles: number;
  clean: boolean;
}

export interface DeployOptions {
  /** Seconds to wait for the database to accept connections before giving up with exit 3 (default 30). */
  waitForDb?: number;
  /** Leave roles out (default: apply roles.yaml when it exists). */
  roles?: boolean;
  /** Leave the drift check out. */
  drift?: boolean;
  /** The target, for the drift check (the same `--env`/`--url` as the deploy). */
  target?: TargetOptions;
  /** Preloaded migrations (default: the configured folder). */
  migrations?: MigrationFile[];
  /**
   * Stops the deploy (executeDeploy): the running statement is cancelled on the server, its
   * migration or roles transaction rolled back, nothing further starts (no roles apply after an
   * interrupted up, no drift check), the deploy is logged as interrupted, and it fails with
   * INTERRUPTED saying what it applied. The next deploy continues from there.
   */
  signal?: AbortSignal | undefined;
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/**
 * Waits for the database to accept connections (a server that is starting, a failover), retrying
 * with backoff for `seconds`, then fails with `CONNECTION_FAILED` (exit 3).
 */
export async function waitForDatabase(db: DatabaseHandle, seconds: number): Promise<void> {
  const client = await connect(db, { applicationName: 'pgwarden deploy', retrySeconds: seconds });
  await client.end().catch(() => {});
}

async function loadRoles(config: PgwardenConfig, options: DeployOptions): Promise<RolesFile | { skipped: string }> {
  if (options.roles === false) return { skipped: 'left out (--no-roles)' };
  if (!existsSync(config.roles.file)) return { skipped: `no roles file (${toPosix(relative(config.root, config.roles.file))})` };
  const { loadRolesFile } = await import('../roles/load.js');
  return loadRolesFile(config.roles.file);
}

/**
 * Everything deploy shows before it changes anything: the status, the pending migrations with their
 * lint findings and the locks verify traced for them (from `.pgwarden/cache/verify-locks.json`,
 * written by `pgwarden check`; nothing runs against the target for it), and the roles plan. Reads
 * only. Waits for the database first (see {@link waitForDatabase}).
 */
export async function planDeploy(config: PgwardenConfig, db: DatabaseHandle, options: DeployOptions = {}): Promise<DeployPlan> {
  await waitForDatabase(db, options.waitForDb ?? 30);
  const files = options.migrations ?? loadMigrations(config.migrationsDir);
  const ordered = linearHistory(files, config.root);
  const status = await getStatus(config, db, { migrations: files });
  const byRevision = new Map(ordered.map((f) => [f.revision, f]));
  const pendingFiles = status.migrations.filter((m) => m.state === 'pending').map((m) => byRevision.get(m.revision)!).filter(Boolean);

  const { lintHistory } = await import('../lint/engine.js');
  const lint = pendingFiles.length > 0 ? await lintHistory(config) : undefined;
  const cache = readVerifiedLocks(config.root);
  const pending: PendingMigration[] = pendingFiles.map((file) => {
    const rel = toPosix(relative(config.root, file.path));
    return {
      revision: file.revision,
      name: file.name,
      file: rel,
      description: file.description,
      transactional: file.transaction !== 'none',
      irreversible: file.irreversible,
      findings: (lint?.findings ?? []).filter((f) => f.file === rel),
      locks: verifiedLocksFor(cache, file),
    };
  });
  const findings = pending.flatMap((p) => p.findings);

  const blockers: string[] = [];
  for (const m of status.migrations) {
    if (m.state === 'modified') blockers.push(`${m.file} was changed after it was applied: restore it, or ${commandFor(db, `acknowledge ${m.revision}`, '--reason "..."')}`);
    if (m.state === 'missing') blockers.push(`revision ${m.revision} (${m.name}) is applied but its file is gone: restore it from version control`);
    if (m.state === 'partial') blockers.push(`${m.file} stopped halfway (Transaction: none): ${commandFor(db, `resolve ${m.revision}`, '--applied | --rolled-back')}, or ${commandFor(db, 'up --resume')}`);
    if (m.outOfOrder) blockers.push(`${m.file} is pending but newer migrations are applied (out of order): apply it with ${commandFor(db, 'up --out-of-order')}`);
  }

  const invalid: InvalidInput[] = [];
  if (blockers.length === 0 && pendingFiles.length > 0) {
    // The runner's own dry run: the SQL of every pending migration through the Postgres parser and
    // every script migration loaded, reading the ledger only (no lock, no table).
    try {
      await runMigrations(config, db, 'up', { dryRun: true, migrations: files });
    } catch (error) {
      if (!isPgwardenError(error) || error.exitCode !== ExitCode.Usage) throw error;
      const code: InvalidInput['code'] = error.code === 'MIGRATION_INVALID' || error.code === 'MIGRATION_GRAPH' ? error.code : 'USAGE';
      invalid.push(...problemsOf(error).map((p) => ({ ...p, code })));
    }
  }

  const rolesFile = await loadRoles(config, options);
  let roles: DeployPlan['roles'];
  if ('skipped' in rolesFile) roles = rolesFile;
  else {
    const [{ planRolesOn }, { unreadablePasswords }] = await Promise.all([import('../roles/apply.js'), import('../roles/passwords.js')]);
    const plan = await planRolesOn(db, rolesFile, { environment: db.environment });
    roles = { file: toPosix(relative(config.root, rolesFile.file)), plan };
    // roles apply reads passwords only once it runs, after the migrations: read each one now (and
    // forget it), so that a variable or file that is missing stops the deploy before `up`.
    const file = toPosix(relative(config.root, rolesFile.file));
    for (const p of unreadablePasswords(rolesFile, plan)) {
      invalid.push({ code: 'ROLES_INVALID', file, ...(p.line !== undefined ? { line: p.line } : {}), message: p.message.replace(/ and apply again\./, ' and deploy again.') });
    }
  }
  return {
    environment: db.environment,
    database: db.display,
    protected: db.environment !== undefined && config.environments[db.environment]?.protected === true,
    status,
    pending,
    lint: { errors: findings.filter((f) => f.severity === 'error').length, warnings: findings.filter((f) => f.severity === 'warning').length },
    roles,
    blockers,
    invalid,
  };
}

function problemsOf(error: PgwardenError): Problem[] {
  const message = error.message.split('\n')[0]!.replace(/ Nothing was run: .*$/, '');
  const first: Problem = error.location ? { ...error.location, message } : { file: '', message };
  return [first, ...error.problems];
}

/**
 * The error deploy refuses with when its plan found bad input (`plan.invalid`): exit 2, nothing
 * changed. Undefined when the plan has none.
 */
export function invalidPlanError(plan: DeployPlan): PgwardenError | undefined {
  if (plan.invalid.length === 0) return undefined;
  const n = plan.invalid.length;
  const problems = plan.invalid.map(({ code: _code, ...problem }) => problem);
  return new PgwardenError(plan.invalid[0]!.code, `The deploy plan found ${n} problem${n === 1 ? '' : 's'} to fix first (listed below): nothing was deployed, nothing was changed.`, { problems });
}

/**
 * Carries out a deploy that was planned (and confirmed): `up`, then `roles apply` (planned again
 * after the migrations, so the new tables get their grants), then the final status and a drift
 * check against `schema/snapshot.json`. Each deploy, succeeded or failed, is logged in the ledger's
 * events (`action = 'deploy'`) with what was applied, the roles changes and the drift result.
 * Migration and roles failures are thrown (after logging); drift is a value in the result.
 */
export async function executeDeploy(config: PgwardenConfig, db: DatabaseHandle, plan: DeployPlan, options: DeployOptions = {}): Promise<DeployResult> {
  const started = performance.now();
  const applier = currentApplier(config.root);
  const log = async (detail: Record<string, unknown>) => {
    const client = await connect(db, { applicationName: `${applier.tool} deploy` });
    try {
      await ensureLedger(client, config.ledger);
      await recordEvent(client, config.ledger, { action: 'deploy', applier, durationMs: Math.round(performance.now() - started), detail: { environment: plan.environment ?? null, ...detail } });
    } finally {
      await client.end().catch(() => {});
    }
  };
  if (plan.blockers.length > 0) {
    throw new PgwardenError('MIGRATION_MODIFIED', "The database's ledger and the migration files disagree; nothing was deployed:", { problems: plan.blockers.map((message) => ({ file: '', message })) });
  }
  const invalid = invalidPlanError(plan);
  if (invalid) throw invalid;
  let applied: RunMigrationResult[] = [];
  let roles: ApplyResult | undefined;
  const migrationOptions = options.migrations ? { migrations: options.migrations } : {};
  const { signal } = options;
  try {
    const run = await runMigrations(config, db, 'up', { ...migrationOptions, signal, retryCommand: commandFor(db, 'deploy') });
    applied = run.migrations;
    if (!('skipped' in plan.roles)) {
      const [{ loadRolesFile }, { applyRoles }] = await Promise.all([import('../roles/load.js'), import('../roles/apply.js')]);
      const rolesFile = loadRolesFile(config.roles.file);
      throwIfInterrupted(signal);
      roles = await applyRoles(db, rolesFile, { environment: db.environment, signal });
    }
    throwIfInterrupted(signal);
  } catch (error) {
    // What this deploy applied before it failed: runMigrations throws away its list when a migration
    // fails, but the ledger holds every migration that committed.
    const was = new Map(plan.status.migrations.map((m) => [m.revision, m.state]));
    const now = await getStatus(config, db, migrationOptions).catch(() => undefined);
    const committed = now ? now.migrations.filter((m) => m.state === 'applied' && was.get(m.revision) !== 'applied').map((m) => m.revision) : applied.map((m) => m.revision);
    const partial = now ? now.migrations.filter((m) => m.state === 'partial' && was.get(m.revision) !== 'partial').map((m) => m.revision) : [];
    const changed = committed.length > 0 || partial.length > 0;
    // Bad input (exit 2) that stopped the deploy before anything ran changes nothing: not even the log.
    if (signal?.aborted) {
      await log({ outcome: 'interrupted', applied: committed, ...(partial.length > 0 ? { partial } : {}), signal: signal.reason ?? null, rolesChanges: roles?.applied ?? 0 }).catch(() => {});
      throw deployInterrupted(db, signal, error, committed, partial, now, roles !== undefined);
    }
    if (changed || !isPgwardenError(error) || error.exitCode !== ExitCode.Usage) {
      await log({
        outcome: 'failed',
        applied: committed,
        ...(partial.length > 0 ? { partial } : {}),
        error: isPgwardenError(error) || error instanceof Error ? error.message.split('\n')[0] : String(error),
      }).catch(() => {});
    }
    if (changed && isPgwardenError(error)) throw afterChanges(error, committed, partial, now, db);
    throw error;
  }
  const after = await getStatus(config, db, migrationOptions);
  let drift: DeployResult['drift'];
  if (options.drift === false) drift = { error: 'left out (--no-drift)' };
  else {
    try {
      const { checkDrift } = await import('../drift/drift.js');
      const report = await checkDrift(config, { ...(options.target ?? {}), ...(options.migrations ? { migrations: options.migrations } : {}), signal });
      // Drift already judges the grants of roles.yaml's roles by that file: filtering them again here hid a grant made by hand.
      drift = { report, findings: report.findings, managedByRoles: report.managedByRoles.length, clean: report.clean };
    } catch (error) {
      drift = { error: error instanceof Error ? error.message : String(error) };
    }
  }
  await log({
    outcome: 'succeeded',
    applied: applied.map((m) => m.revision),
    rolesChanges: roles?.applied ?? 0,
    drift: 'error' in drift ? { checked: false, reason: drift.error } : { checked: true, clean: drift.clean, findings: drift.findings.length, managedByRoles: drift.managedByRoles, counts: drift.report.counts },
    head: after.head ?? null,
  });
  return { plan, applied, roles, after, drift, durationMs: Math.round(performance.now() - started) };
}

/**
 * The error of an interrupted deploy: what it applied and kept, what it did not, and how to go on.
 * The runner's and roles apply's own reports (which migration stopped where, what was committed
 * in which database) follow.
 */
function deployInterrupted(db: DatabaseHandle, signal: AbortSignal, error: unknown, committed: string[], partial: string[], now: StatusReport | undefined, rolesApplied: boolean): PgwardenError {
  const names = new Map((now?.migrations ?? []).map((m) => [m.revision, m.name]));
  const list = (revisions: string[]) => revisions.map((r) => names.get(r) ?? r).join(', ');
  const lines = [
    committed.length > 0 ? `this deploy applied and kept ${committed.length} migration${committed.length === 1 ? '' : 's'} (${list(committed)}).` : 'this deploy applied no migration.',
    ...(partial.length > 0 ? [`${list(partial)} (Transaction: none) stopped halfway: ${commandFor(db, 'up --resume')}, or ${commandFor(db, 'resolve')}.`] : []),
    rolesApplied ? 'Roles were applied; the drift check did not run.' : 'Roles were not applied and the drift check did not run.',
    `Run ${commandFor(db, 'deploy')} again to continue from there${partial.length > 0 ? ' once the partial migration is settled' : ''}.`,
  ];
  // The runner's or roles apply's report, without its own "Interrupted by" and "Run ... again".
  const inner =
    isPgwardenError(error) && error.code === 'INTERRUPTED' && error.message !== 'Interrupted.'
      ? error.message
          .replace(/^Interrupted(?: by \w+)?: /, '')
          .replace(/ Run pgwarden roles apply[^\n]*? again[^\n]*/, '')
          .split('\n')
          .filter((l) => !/^Run pgwarden |^Nothing is left to do/.test(l))
          .join('\n')
      : '';
  const detail = inner ? `\n${inner[0]!.toUpperCase()}${inner.slice(1)}` : '';
  return interruptedBy(signal, `${lines.join(' ')}${detail}`, error);
}

/**
 * A failure after this deploy changed the database: the error says what was applied and kept, and
 * never "nothing was applied" (roles apply says so of its own statements).
 */
function afterChanges(error: PgwardenError, committed: string[], partial: string[], now: StatusReport | undefined, db: DatabaseHandle): PgwardenError {
  const names = new Map((now?.migrations ?? []).map((m) => [m.revision, m.name]));
  const list = (revisions: string[]) => revisions.map((r) => names.get(r) ?? r).join(', ');
  const done = [
    committed.length > 0 ? `${committed.length} migration${committed.length === 1 ? ' was' : 's were'} applied and kept (${list(committed)})` : '',
    partial.length > 0 ? `${list(partial)} stopped halfway (${commandFor(db, 'status')} shows it)` : '',
  ].filter(Boolean).join('; ');
  const message = error.message.replace(/\bNothing was applied\./g, 'No role statement was applied.').replace(/; nothing was applied\./g, '; no role statement was applied.');
  return new PgwardenError(error.code, `This deploy changed the database before it failed: ${done}. Then: ${message}`, {
    cause: error,
    problems: [...error.problems],
    ...(error.location ? { location: error.location } : {}),
    ...(error.details ? { details: error.details } : {}),
  });
}
