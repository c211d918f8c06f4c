import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { PgwardenConfig } from '../config/types.js';
import { isPgwardenError, PgwardenError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { loadMigrations } from '../migrations/load.js';
import type { MigrationFile } from '../migrations/types.js';
import { commandFor, hintOptions } from '../providers/origin.js';
import { openThrowaway, type ThrowawayOptions } from '../providers/resolve.js';
import type { DatabaseHandle } from '../providers/types.js';
import { throwawayDatabaseOn, urlDatabase } from '../providers/url.js';
import { interruptedBy, throwIfInterrupted } from '../runner/interrupt.js';
import { connect } from '../runner/session.js';
import { runMigrations } from '../runner/run.js';
import type { CreatedRoles } from '../verify/roles.js';
import { CHECK_STEPS, type CheckReport, type CheckStep, type CheckStepName, type DocsCheckOutcome, type RolesCheckOutcome } from './types.js';
import { locksOf, writeVerifiedLocks } from './verify-cache.js';

export interface CheckOptions {
  /** Where the throwaway database lives: `--url`/`DATABASE_URL`, `--env`, `--pg-version`, else an embedded cluster. */
  target?: ThrowawayOptions;
  /** The environment whose login roles the roles step plans (default: none, the group roles only). */
  rolesEnvironment?: string | undefined;
  /**
   * Apply the roles plan on the throwaway server and plan again to prove it converges. `auto`
   * (default): only on a throwaway embedded cluster, since roles are global to a server.
   */
  applyRoles?: 'auto' | 'always' | 'never';
  /** Steps to leave out. */
  skip?: readonly CheckStepName[];
  /** Keep the lint cache (default true). */
  cache?: boolean;
  /** Seconds to wait for the server of `--url`/`DATABASE_URL` to accept connections (a CI service starting). */
  waitForDb?: number | undefined;
  /** Called when a step starts and ends, for the CLI's progress line. */
  onStep?: (event: { step: CheckStepName; phase: 'start' | 'done'; result?: CheckStep }) => void;
  /**
   * Stops the check when it aborts: the step that runs stops its work on the server (verify drops
   * the databases and roles it created; the others' statements are cancelled), no further step
   * starts, the throwaway database (or server) is removed, and runCheck throws INTERRUPTED naming
   * the steps that ran, the one stopped and those not run. Lint, offline, runs to its end.
   */
  signal?: AbortSignal | undefined;
}

function exitCodeOf(error: unknown): number {
  return isPgwardenError(error) ? error.exitCode : ExitCode.Internal;
}

function errorStep(name: CheckStepName, started: number, error: unknown): CheckStep {
  const message = error instanceof Error ? error.message : String(error);
  const code = isPgwardenError(error) ? error.code : 'INTERNAL';
  const problems = isPgwardenError(error) ? error.problems.map((p) => `${p.file ?? ''}${p.line ? `:${p.line}` : ''}: ${p.message}`) : [];
  return {
    name,
    status: 'error',
    errors: 0,
    warnings: 0,
    durationMs: Math.round(performance.now() - started),
    summary: message.split('\n')[0]!,
    error: { code, message: [message, ...problems].join('\n'), exitCode: exitCodeOf(error) },
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function throwawayLabel(db: DatabaseHandle): string {
  return db.provider === 'url' ? `the throwaway database ${db.display}` : `the throwaway ${db.provider} server (${db.display})`;
}

/**
 * The error of a check stopped by `signal`: the step that was stopped and what it undid, the
 * throwaway databases or servers removed (or left), the steps that ran with their results, and
 * those that did not run.
 */
function interruptedCheck(
  signal: AbortSignal,
  steps: readonly CheckStep[],
  stop: { running: { step: CheckStepName; undone: string } | undefined; skipped: CheckStepName[]; removed: string[]; left: string[]; cause: unknown },
  retry: string,
): PgwardenError {
  const lines: string[] = [];
  lines.push(`check stopped${stop.running ? ` in its ${stop.running.step} step: ${stop.running.undone}` : ''}.`);
  if (stop.removed.length > 0) lines.push(`Removed: ${stop.removed.join('; ')}.`);
  if (stop.left.length > 0) lines.push(`Could not remove: ${stop.left.join('; ')}.`);
  const ran = steps.filter((s) => s.status !== 'skipped');
  lines.push(`Ran (${ran.length}): ${ran.map((s) => `${s.name} ${s.status} (${s.summary})`).join('; ') || 'none'}`);
  if (stop.running) lines.push(`Stopped: ${stop.running.step}`);
  const reported = new Set<CheckStepName>([...steps.map((s) => s.name), ...(stop.running ? [stop.running.step] : [])]);
  const notRun = CHECK_STEPS.filter((name) => !reported.has(name) && !stop.skipped.includes(name));
  lines.push(`Not run (${notRun.length}): ${notRun.join(', ') || 'none'}`);
  lines.push(`Nothing was reported: run ${retry} again.`);
  return interruptedBy(signal, lines.join('\n'), stop.cause);
}

/** Fake passwords for the throwaway cluster: the plan's password variables that are not set. */
function throwawayEnviron(outcome: RolesCheckOutcome): NodeJS.ProcessEnv {
  const environ: NodeJS.ProcessEnv = { ...process.env };
  for (const change of outcome.plan.changes) {
    const source = change.password?.source;
    if (source && 'env' in source && !environ[source.env]) environ[source.env] = randomBytes(18).toString('base64url');
  }
  return environ;
}

/**
 * The whole CI gate in one call: lint, verify on a throwaway database, the docs check, and the
 * roles plan on that same database once the history is applied (applied and planned again on a
 * throwaway cluster, to prove roles.yaml converges). Every step runs even when an earlier one
 * fails, so one run reports everything. Findings are values; the report's exit code is the highest
 * of the steps' (1 findings, 2 usage or configuration, 3 database).
 *
 * @example
 * const report = await runCheck(loadConfig());
 * process.exitCode = report.exitCode;
 */
export async function runCheck(config: PgwardenConfig, options: CheckOptions = {}): Promise<CheckReport> {
  const started = performance.now();
  const { signal } = options;
  const skip = new Set(options.skip ?? []);
  const report: CheckReport = { steps: [], clean: true, exitCode: 0, durationMs: 0 };
  const record = (step: CheckStep) => {
    report.steps.push(step);
    options.onStep?.({ step: step.name, phase: 'done', result: step });
  };
  const skipped = (name: CheckStepName, why: string) => record({ name, status: 'skipped', errors: 0, warnings: 0, durationMs: 0, summary: why });

  // Lint: offline, on the whole history.
  if (skip.has('lint')) skipped('lint', 'skipped (--skip lint)');
  else {
    options.onStep?.({ step: 'lint', phase: 'start' });
    const t = performance.now();
    try {
      const { lintHistory } = await import('../lint/engine.js');
      const lint = await lintHistory(config, { cache: options.cache !== false });
      report.lint = lint;
      record({
        name: 'lint',
        status: lint.counts.error > 0 ? 'failed' : 'passed',
        errors: lint.counts.error,
        warnings: lint.counts.warning,
        durationMs: Math.round(performance.now() - t),
        summary: lint.findings.length === 0 ? `${plural(lint.migrations, 'migration')}, no problems` : `${plural(lint.counts.error, 'error')}, ${plural(lint.counts.warning, 'warning')} in ${plural(new Set(lint.findings.map((f) => f.file)).size, 'file')}`,
      });
    } catch (error) {
      record(errorStep('lint', t, error));
    }
  }

  const dbSteps: CheckStepName[] = (['verify', 'docs', 'roles'] as const).filter((s) => !skip.has(s));
  for (const name of ['verify', 'docs', 'roles'] as const) if (skip.has(name)) skipped(name, `skipped (--skip ${name})`);
  let files: MigrationFile[] | undefined;
  let db: DatabaseHandle | undefined;
  let extra: DatabaseHandle | undefined;
  /**
   * The roles the history creates on the server (roles belong to the cluster, not to the throwaway
   * database): tracked here rather than by verify, so that they stay while docs and roles read the
   * applied database (their grants, and what they own, are part of it), and dropped at the end.
   */
  let createdRoles: CreatedRoles | undefined;
  /** The database the history's roles were last created in, where their grants and objects are. */
  let rolesIn: DatabaseHandle | undefined;
  /** The step at work when the signal came (undefined: between steps), and what stopping it undoes. */
  let running: { step: CheckStepName; undone: string } | undefined;
  let interruption: unknown;
  try {
    throwIfInterrupted(signal);
    if (dbSteps.length > 0) {
      const t = performance.now();
      try {
        files = loadMigrations(config.migrationsDir);
        const serverUrl = options.target?.url ?? (options.target?.env || options.target?.pgVersion ? undefined : process.env.DATABASE_URL || undefined);
        if (serverUrl && options.waitForDb) {
          const source = options.target?.url !== undefined ? '--url' : '$DATABASE_URL';
          const client = await connect({ ...urlDatabase(serverUrl, undefined), origin: { options: '', source } }, { retrySeconds: options.waitForDb });
          await client.end().catch(() => {});
        }
        throwIfInterrupted(signal);
        db = await openThrowaway(config, options.target ?? {});
        report.database = db.display;
        throwIfInterrupted(signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        for (const name of dbSteps) record(errorStep(name, t, error));
      }
    }
    if (db && files) {
      // Verify leaves the whole history applied when it finds nothing wrong; docs and roles then use
      // the same database. After a failure it may be in between: they get a fresh one.
      let applied: DatabaseHandle | undefined;
      if (!skip.has('verify')) {
        options.onStep?.({ step: 'verify', phase: 'start' });
        running = { step: 'verify', undone: 'verify stopped, and dropped the databases and the roles it had created' };
        const t = performance.now();
        try {
          const { verifyHistory } = await import('../verify/verify.js');
          const { planVerify } = await import('../verify/plan.js');
          const plan = await planVerify(config, { migrations: files });
          createdRoles = await trackRoles(db, plan.roleSql);
          rolesIn = db;
          const verify = await verifyHistory(config, db, { migrations: files, signal, plan, roles: createdRoles });
          report.verify = verify;
          writeVerifiedLocks(config.root, locksOf(verify, files));
          const errors = verify.findings.filter((f) => f.level === 'error').length;
          const warnings = verify.findings.length - errors;
          const verified = verify.migrations.filter((m) => m.outcome === 'verified').length;
          const irreversible = verify.migrations.filter((m) => m.outcome === 'irreversible').length;
          record({
            name: 'verify',
            status: verify.clean ? 'passed' : 'failed',
            errors,
            warnings,
            durationMs: Math.round(performance.now() - t),
            summary: `${verified}/${verify.migrations.length} reversible${irreversible ? `, ${irreversible} irreversible` : ''}${errors + warnings ? `; ${plural(errors, 'error')}, ${plural(warnings, 'warning')}` : ''}`,
          });
          if (verify.clean) applied = db;
        } catch (error) {
          if (signal?.aborted) throw error;
          record(errorStep('verify', t, error));
        }
        running = undefined;
      }
      const needApplied = (['docs', 'roles'] as const).filter((s) => !skip.has(s));
      if (!applied && needApplied.length > 0) {
        throwIfInterrupted(signal);
        running = { step: needApplied[0]!, undone: 'applying the history to a fresh database for it was cancelled on the server' };
        const t = performance.now();
        try {
          extra = await throwawayDatabaseOn(db.url, { environment: db.environment, provider: db.provider });
          throwIfInterrupted(signal);
          // The history creates its roles again there: those verify left go first.
          const migrations = loadMigrations(config.migrationsDir);
          if (createdRoles && rolesIn) await dropRoles(createdRoles, rolesIn);
          else {
            const { planVerify } = await import('../verify/plan.js');
            createdRoles = await trackRoles(extra, (await planVerify(config, { migrations })).roleSql);
          }
          rolesIn = extra;
          await runMigrations(config, extra, 'up', { migrations, signal });
          applied = extra;
        } catch (error) {
          if (signal?.aborted) throw error;
          const failure = new PgwardenError(isPgwardenError(error) ? error.code : 'MIGRATION_FAILED', `the history does not apply to an empty database: ${(error as Error).message}`, { cause: error });
          for (const name of needApplied) record(errorStep(name, t, failure));
        }
        running = undefined;
      }
      if (applied) {
        if (!skip.has('docs')) {
          throwIfInterrupted(signal);
          options.onStep?.({ step: 'docs', phase: 'start' });
          running = { step: 'docs', undone: 'its catalog read was cancelled on the server' };
          const t = performance.now();
          try {
            const { checkDocsOn } = await import('./docs-step.js');
            const docs: DocsCheckOutcome = await checkDocsOn(config, applied, files, signal);
            report.docs = docs;
            const errors = docs.stale.length + docs.findings.filter((f) => f.severity === 'error').length;
            const warnings = docs.findings.filter((f) => f.severity === 'warning').length;
            record({
              name: 'docs',
              status: errors > 0 ? 'failed' : 'passed',
              errors,
              warnings,
              durationMs: Math.round(performance.now() - t),
              summary:
                docs.stale.length > 0
                  ? `${relative(config.root, config.schemaDir) || '.'}/ is stale: ${docs.stale.join(', ')} (run pgwarden docs)`
                  : errors > 0
                    ? `current, but ${plural(errors, 'schema rule error')} (${[...new Set(docs.findings.filter((f) => f.severity === 'error').map((f) => f.rule))].join(', ')}); ${docs.coverage}`
                    : docs.nothingToDocument
                      ? 'no migrations yet: nothing to document (pgwarden docs writes schema/ after the first one)'
                      : `current${docs.versionOnly.length > 0 ? ' (differing only in what the Postgres major version decides)' : ''}; ${docs.coverage}`,
            });
          } catch (error) {
            if (signal?.aborted) throw error;
            record(errorStep('docs', t, error));
          }
          running = undefined;
        }
        if (skip.has('roles')) {
          // Recorded as skipped above.
        } else if (!existsSync(config.roles.file)) skipped('roles', `no roles file (${relative(config.root, config.roles.file)})`);
        else {
          throwIfInterrupted(signal);
          options.onStep?.({ step: 'roles', phase: 'start' });
          running = { step: 'roles', undone: 'its running statement was cancelled on the server, and an open transaction rolled back' };
          const t = performance.now();
          try {
            const roles = await checkRolesOn(config, applied, options);
            report.roles = roles;
            const converges = roles.replan === undefined || roles.replan.changes.length === 0;
            const warnings = roles.plan.warnings.length;
            record({
              name: 'roles',
              status: converges ? 'passed' : 'failed',
              errors: converges ? 0 : roles.replan!.changes.length,
              warnings,
              durationMs: Math.round(performance.now() - t),
              summary:
                roles.replan === undefined
                  ? `plan of ${plural(roles.plan.changes.length, 'statement')} computed (not applied: the throwaway database is on a shared server; --apply-roles applies it)`
                  : converges
                    ? `${plural(roles.applied ?? 0, 'statement')} applied, plan empty after`
                    : `applied, but the plan still has ${plural(roles.replan!.changes.length, 'statement')}: roles.yaml does not converge`,
            });
          } catch (error) {
            if (signal?.aborted) throw error;
            record(errorStep('roles', t, error));
          }
          running = undefined;
        }
      }
    }
  } catch (error) {
    // Every step records its own failures: only a stop gets here.
    if (!signal?.aborted) throw error;
    interruption = error;
  } finally {
    if (createdRoles && rolesIn) {
      try {
        const left = await dropRoles(createdRoles, rolesIn);
        if (left.length > 0 && report.verify) report.verify.rolesLeft = left;
      } catch {
        // The server is gone or refuses: nothing more to do here (verify's report names what it created).
      }
    }
    if (interruption === undefined) {
      await extra?.close().catch(() => {});
      await db?.close().catch(() => {});
    }
  }
  if (interruption !== undefined) {
    // What could not be removed is named, so that it can be removed by hand.
    const removed: string[] = [];
    const left: string[] = [];
    for (const handle of [extra, db]) {
      if (!handle) continue;
      try {
        await handle.close();
        removed.push(throwawayLabel(handle));
      } catch (cause) {
        left.push(`${throwawayLabel(handle)} (${(cause as Error).message}): ${handle.provider === 'url' ? 'drop it by hand (DROP DATABASE ... WITH (FORCE))' : 'stop it by hand'}`);
      }
    }
    // Run again on the same kind of server, named as the run named it (never by its URL).
    const retry = commandFor({ origin: { options: hintOptions(options.target) } }, 'check');
    throw interruptedCheck(signal!, report.steps, { running, skipped: [...skip], removed, left, cause: interruption }, retry);
  }

  const order = new Map<CheckStepName, number>([['lint', 0], ['verify', 1], ['docs', 2], ['roles', 3]]);
  report.steps.sort((a, b) => order.get(a.name)! - order.get(b.name)!);
  report.exitCode = report.steps.reduce((code, s) => Math.max(code, s.status === 'failed' ? ExitCode.Findings : s.status === 'error' ? (s.error?.exitCode ?? ExitCode.Internal) : 0), 0);
  report.clean = report.exitCode === 0;
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

/** Plans roles.yaml on a database that holds the whole history; applies it and plans again where that is safe. */
async function checkRolesOn(config: PgwardenConfig, db: DatabaseHandle, options: CheckOptions): Promise<RolesCheckOutcome> {
  const [{ loadRolesFile }, { planRolesOn, applyRoles }] = await Promise.all([import('../roles/load.js'), import('../roles/apply.js')]);
  const rolesFile = loadRolesFile(config.roles.file);
  const environment = options.rolesEnvironment;
  const { signal } = options;
  const plan = await planRolesOn(db, rolesFile, { environment, signal });
  const outcome: RolesCheckOutcome = { file: relative(config.root, config.roles.file), environment, plan };
  const apply = options.applyRoles ?? 'auto';
  if (apply === 'always' || (apply === 'auto' && db.provider === 'embedded')) {
    const result = await applyRoles(db, rolesFile, { environment, environ: throwawayEnviron(outcome), signal });
    outcome.applied = result.applied;
    outcome.replan = await planRolesOn(db, rolesFile, { environment, signal });
  }
  return outcome;
}

/** Starts tracking the roles a history creates on `db`'s server (undefined when its SQL creates none). */
async function trackRoles(db: DatabaseHandle, roleSql: readonly string[]): Promise<CreatedRoles | undefined> {
  if (roleSql.length === 0) return undefined;
  const { CreatedRoles } = await import('../verify/roles.js');
  const client = await connect(db, { applicationName: 'pgwarden check' });
  try {
    return await CreatedRoles.start(client, roleSql, { privateServer: db.privateServer });
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Drops the roles the history created, with their grants and what they own in `db` (the database
 * they were last created in; verify's other databases are dropped whole). Returns the new roles
 * left in place: on a shared server, those the history does not name.
 */
async function dropRoles(roles: CreatedRoles, db: DatabaseHandle): Promise<string[]> {
  const client = await connect(db, { applicationName: 'pgwarden check' });
  try {
    await roles.drop(client);
    return await roles.unclaimed(client);
  } finally {
    await client.end().catch(() => {});
  }
}
