import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import type pg from 'pg';
import { diffSnapshots, type DiffOptions } from '../catalog/diff.js';
import { renderDiff } from '../catalog/render-diff.js';
import { CHANGE_LOG_SCHEMA } from '../catalog/change-log.js';
import { openChangeTrackingSession, type ChangeTrackingSession, type SnapshotMode, type SnapshotTail } from '../catalog/incremental.js';
import { snapshotOptionsFor } from '../catalog/snapshot.js';
import type { CatalogSnapshot } from '../catalog/types.js';
import type { PgwardenConfig } from '../config/types.js';
import { PgwardenError } from '../errors.js';
import { checkNumber, VERIFY_JOBS } from '../numeric-options.js';
import type { MigrationFile } from '../migrations/types.js';
import type { DatabaseHandle } from '../providers/types.js';
import { throwawayDatabaseOn } from '../providers/url.js';
import { cancelOnAbort } from '../runner/interrupt.js';
import { setTimeZone } from '../runner/run.js';
import { connect } from '../runner/session.js';
import { planPlain, runPlain, runTraced, transactionSql, type DirectionResult, type PlannedDirection } from './execute.js';
import { planVerify, type VerifyPlan } from './plan.js';
import { CreatedRoles } from './roles.js';
import { lineColumnAt } from '../sql/parse.js';
import { lintRuleFor } from './lint-rule.js';
import { blocksWrites, existingRelations, installSampler, isFlaggedMode, isStronger, LOCK_BLOCKS, lockModeName, relationLabel, type ExistingRelation } from './locks.js';
import type { SeedFile } from './seed.js';
import type { LockTrace, MigrationVerification, StatementTrace, VerifyFinding, VerifyReport } from './types.js';

/** Progress of a verify run, for the CLI's status line. */
export interface VerifyProgress {
  index: number;
  total: number;
  revision: string;
  name: string;
  phase: 'up' | 'down' | 'up again' | 'done';
}

export interface VerifyOptions {
  /** Preloaded migration files (default: read the migrations folder). */
  migrations?: MigrationFile[];
  /** Data to load: before the first migration, or after the revision a seed names. */
  seeds?: SeedFile[];
  /** What the comparisons leave out (default: nothing). */
  diff?: DiffOptions;
  onProgress?: (event: VerifyProgress) => void;
  /**
   * How snapshots are read. `incremental` (default): only what each step changed, through event
   * triggers in the throwaway database (full reads when they cannot be installed); `full`: the
   * whole catalog every time; `checked`: both, failing if they ever differ (for tests).
   */
  snapshots?: SnapshotMode;
  /**
   * How many databases verify works in at once (default: the CPU count, at most 4). The history is
   * cut in consecutive ranges; each range's database first gets the migrations before it applied
   * plainly, then verifies its own. One job verifies everything in one database.
   */
  jobs?: number;
  /** The history already planned by {@link planVerify} (default: planned here, before any database is touched). */
  plan?: VerifyPlan;
  /**
   * Stops the run when it aborts: verify's sessions end (on the server too), the databases it
   * created (rebuilds, other jobs) and the roles it created are dropped, and verifyHistory throws
   * INTERRUPTED. `db` stays the caller's to close.
   */
  signal?: AbortSignal;
  /**
   * The roles the run creates, tracked by the caller ({@link CreatedRoles.start} before the run,
   * with the plan's `roleSql`): verify then leaves them in place when it ends, for the caller to
   * drop once it is done with the applied database (`pgwarden check` reads it for docs and roles,
   * and a role's grants and the objects it owns are part of what those read). Verify still drops
   * them before it replays the history from the start. Default: verify tracks and drops them itself.
   */
  roles?: CreatedRoles;
}

/** Fewer migrations than this per job are not worth a database of their own. */
const MIN_MIGRATIONS_PER_JOB = 25;

/** The default number of jobs: the CPU count, at most 4. */
export function defaultVerifyJobs(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * Proves a migration history reversible on a real, empty database: for each migration in order,
 * snapshot, up, snapshot, down, snapshot (must equal the first), up again (must succeed and equal
 * the second). Every statement of every up and down is traced: the locks it takes on tables that
 * existed before the migration, whether it scanned or rewrote them. Keeps going after a broken
 * migration, rebuilding the database when a failure leaves it in between, so one run reports
 * every broken migration.
 *
 * `db` must be a throwaway database: verify changes it freely (the caller removes it).
 *
 * @example
 * const db = await openThrowaway(config);
 * try {
 *   const report = await verifyHistory(config, db);
 *   if (!report.clean) console.log(renderVerifyText(report));
 * } finally {
 *   await db.close();
 * }
 */
export async function verifyHistory(config: PgwardenConfig, db: DatabaseHandle, options: VerifyOptions = {}): Promise<VerifyReport> {
  const started = performance.now();
  const mode = options.snapshots ?? 'incremental';
  const { signal } = options;
  // The library refuses what the CLI refuses (a NaN here split the history into NaN ranges).
  if (options.jobs !== undefined) checkNumber('jobs', options.jobs, VERIFY_JOBS);
  // Every migration and seed is parsed before anything runs: bad input changes nothing anywhere.
  const plan = options.plan ?? (await planVerify(config, options));
  stopIfAborted(signal);
  // Roles are the cluster's: those the history creates and the server did not have are verify's to
  // drop (every new one, on a server started for this run alone).
  const ownRoles = options.roles === undefined;
  const roles = options.roles ?? (plan.roleSql.length > 0 ? await withClient(db, (client) => CreatedRoles.start(client, plan.roleSql, { privateServer: db.privateServer })) : CreatedRoles.none());
  let report: VerifyReport | undefined;
  let failure: unknown;
  let rolesLeft: string[] = [];
  try {
    const first = await verifyOnce(config, db, options, plan, roles, mode, false);
    report = first.report;
    // The safety net of incremental snapshots: if the last one differs from a full read, trust nothing and verify again reading everything.
    if (!first.consistent) {
      stopIfAborted(signal);
      report = (await verifyOnce(config, db, options, plan, roles, 'full', true)).report;
    }
  } catch (error) {
    failure = error;
  } finally {
    // Its sessions have ended by now (an abort ends them), so nothing holds what the roles own.
    if (ownRoles && roles.tracking) {
      await withClient(db, async (client) => {
        await roles.drop(client);
        rolesLeft = await roles.unclaimed(client);
      });
    }
  }
  // Stopped by the signal: whatever failed did so because verify's sessions were ended.
  if (signal?.aborted) {
    throw new PgwardenError('INTERRUPTED', `Interrupted${typeof signal.reason === 'string' ? ` by ${signal.reason}` : ''}: verify stopped, and dropped the databases and the roles it had created.`, { cause: failure, details: { signal: signal.reason } });
  }
  if (failure !== undefined || !report) throw failure;
  report.durationMs = Math.round(performance.now() - started);
  if (rolesLeft.length > 0) report.rolesLeft = rolesLeft;
  return report;
}

/** Ends a step of a stopped run (see {@link VerifyOptions.signal}); verifyHistory turns it into INTERRUPTED. */
function stopIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new PgwardenError('INTERRUPTED', 'Interrupted.');
}

async function withClient<T>(db: DatabaseHandle, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(db, { applicationName: 'pgwarden verify' });
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function verifyOnce(config: PgwardenConfig, db: DatabaseHandle, options: VerifyOptions, plan: VerifyPlan, roles: CreatedRoles, mode: SnapshotMode, freshDatabase: boolean): Promise<{ report: VerifyReport; consistent: boolean }> {
  const { ordered } = plan;
  // A history that creates roles runs in one database at a time: the ranges' databases share the cluster's roles, so a later range replaying the history would find them taken.
  const wanted = roles.tracking ? 1 : Math.floor(options.jobs ?? defaultVerifyJobs());
  const jobs = Math.max(1, Math.min(wanted, Math.floor(ordered.length / MIN_MIGRATIONS_PER_JOB)));
  const ranges = splitHistory(ordered.length, jobs);
  // Every range ends (and drops its database) before this returns or throws, even when one fails.
  const results = await Promise.all(ranges.map(([from, to], k) => verifyRange(config, db, options, plan, roles, mode, from, to, k === 0 ? freshDatabase : true).catch((error: unknown) => ({ error }))));

  // Put the ranges together in history order. After a migration whose up fails, nothing later
  // can be verified: a later range, which applied it plainly, has failed or proves nothing.
  const report: VerifyReport = { database: db.display, migrations: [], findings: [], clean: true, durationMs: 0 };
  let stopped = false;
  let consistent = true;
  for (const [k, result] of results.entries()) {
    if (stopped) {
      for (const file of ordered.slice(ranges[k]![0], ranges[k]![1])) report.migrations.push(notVerified(config, file));
      continue;
    }
    if ('error' in result) throw result.error;
    report.migrations.push(...result.migrations);
    report.findings.push(...result.findings);
    consistent &&= result.consistent;
    stopped = result.stopped;
  }
  report.clean = !report.findings.some((f) => f.level === 'error');
  return { report, consistent };
}

/**
 * Consecutive ranges of `n` migrations that should take each job about as long: a later range
 * first creates its database and applies the migrations before it plainly (about 0.3 of the time
 * of verifying one each, while the other jobs run, plus about five verifications' worth for the
 * database), so the earlier ranges get more migrations. Measured on the bench history: 200 in two
 * jobs split 121 + 79, and which of the two ends first varies from run to run.
 */
export function splitHistory(n: number, jobs: number): Array<[number, number]> {
  // No migrations yet (a project fresh from init): one empty range, which verifies nothing.
  if (n === 0) return [[0, 0]];
  const SETUP = 5;
  const APPLY = 0.3;
  const fits = (budget: number) => {
    const ranges: Array<[number, number]> = [];
    let from = 0;
    for (let k = 0; k < jobs && from < n; k++) {
      const room = budget - (k > 0 ? SETUP + APPLY * from : 0);
      const to = k === jobs - 1 ? n : Math.min(n, from + Math.max(1, Math.floor(room)));
      ranges.push([from, to]);
      from = to;
    }
    const last = ranges[ranges.length - 1]!;
    return from >= n && last[1] - last[0] <= budget - (ranges.length > 1 ? SETUP + APPLY * last[0] : 0) + 1e-9 ? ranges : undefined;
  };
  let low = Math.ceil(n / jobs);
  let high = n + SETUP * jobs;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) high = mid;
    else low = mid + 1;
  }
  return fits(low) ?? [[0, n]];
}

function notVerified(config: PgwardenConfig, file: MigrationFile): MigrationVerification {
  return { revision: file.revision, name: file.name, file: relative(config.root, file.path), outcome: 'not verified', downDiff: [], reupDiff: [], statements: [], durationMs: 0 };
}

interface RangeResult {
  migrations: MigrationVerification[];
  findings: VerifyFinding[];
  consistent: boolean;
  /** An up failed: the migrations after it are not verified. */
  stopped: boolean;
}

/**
 * Verifies `ordered[from..to)` in a database of its own (the caller's for the first range): the
 * migrations before `from` are applied plainly first, with the seeds that go between them.
 */
async function verifyRange(
  config: PgwardenConfig,
  db: DatabaseHandle,
  options: VerifyOptions,
  plan: VerifyPlan,
  roles: CreatedRoles,
  mode: SnapshotMode,
  from: number,
  to: number,
  freshDatabase: boolean,
): Promise<RangeResult | { error: unknown }> {
  const { ordered } = plan;
  const work = new Workspace(config, db, options.seeds ?? [], mode, roles, options.signal);
  const result: RangeResult = { migrations: [], findings: [], consistent: true, stopped: false };
  const diffOptions = options.diff ?? {};
  try {
    let before: CatalogSnapshot;
    // Seeds may change the schema too: the schema before the next migration is the one after them.
    const afterSeeds = async (revision: string, current: CatalogSnapshot) => ((await work.loadSeeds(revision)) ? work.snapshot() : current);
    if (from > 0) {
      try {
        before = await afterSeeds(ordered[from - 1]!.revision, await work.rebuild(ordered, from - 1));
      } catch (error) {
        // An earlier migration does not apply: the range before says which (and this one is not verified).
        return { error };
      }
    } else {
      if (freshDatabase) await work.replaceDatabase();
      else await work.open();
      await work.loadSeeds(undefined);
      before = await work.snapshot();
    }
    for (let index = from; index < to; index++) {
      work.checkpoint();
      const file = ordered[index]!;
      const progress = (phase: VerifyProgress['phase']) => options.onProgress?.({ index, total: ordered.length, revision: file.revision, name: file.name, phase });
      const fileName = relative(config.root, file.path);
      const m: MigrationVerification = { revision: file.revision, name: file.name, file: fileName, outcome: 'verified', downDiff: [], reupDiff: [], statements: [], durationMs: 0 };
      result.migrations.push(m);
      const migrationStarted = performance.now();
      const finding = (f: Omit<VerifyFinding, 'revision' | 'file' | 'details'> & { details?: string[] }) => {
        result.findings.push({ revision: file.revision, file: fileName, details: [], ...f });
        if (f.level === 'error') m.outcome = 'failed';
      };
      const upLine = file.up?.line ?? 1;
      const downLine = file.down?.line ?? upLine;

      const { up, down } = plan.migrations.get(file.revision)!;
      // REASSIGN OWNED and DROP OWNED fire no event trigger: the change log cannot tell what they changed.
      const whole = plan.unlogged.has(file.revision);
      const relations = await work.existingRelations();

      progress('up');
      let tail = work.tail();
      const applied = await runTraced(work.client, file, 'up', up, relations, { tail: tail?.sql, sampler: work.sampler });
      work.checkpoint();
      m.statements.push(...applied.traces);
      if (applied.error) {
        finding({ ruleId: 'up-fails', level: 'error', line: applied.error.line ?? upLine, message: `up fails: ${applied.error.message}` });
        m.durationMs = Math.round(performance.now() - migrationStarted);
        // Later migrations build on this one: they cannot be verified.
        for (const rest of ordered.slice(index + 1, to)) result.migrations.push(notVerified(config, rest));
        result.stopped = true;
        break;
      }
      const afterUp = await work.snapshot(tail, applied.tail, whole);

      if (!down.plan) {
        m.outcome = 'irreversible';
        m.irreversibleReason = down.irreversible;
        lockFindings(applied, up, file, relations, finding);
        before = await afterSeeds(file.revision, afterUp);
        m.durationMs = Math.round(performance.now() - migrationStarted);
        progress('done');
        continue;
      }

      progress('down');
      tail = work.tail();
      const reverted = await runTraced(work.client, file, 'down', down.plan, relations, { tail: tail?.sql, sampler: work.sampler });
      work.checkpoint();
      m.statements.push(...reverted.traces);
      lockFindings(applied, up, file, relations, finding);
      lockFindings(reverted, down.plan, file, relations, finding);
      if (reverted.error) {
        finding({ ruleId: 'down-fails', level: 'error', line: reverted.error.line ?? downLine, message: `down fails: ${reverted.error.message}` });
        // A failed transactional down rolled back: the database is as up left it. One outside a transaction may be in between.
        before = await afterSeeds(file.revision, reverted.partial ? await work.rebuild(ordered, index) : afterUp);
        m.durationMs = Math.round(performance.now() - migrationStarted);
        progress('done');
        continue;
      }
      const afterDown = await work.snapshot(tail, reverted.tail, whole);
      m.downDiff = diffSnapshots(before, afterDown, diffOptions);
      if (m.downDiff.length > 0) {
        const details = renderDiff(m.downDiff, { wording: 'restore' });
        finding({ ruleId: 'down-restores-schema', level: 'error', line: downLine, message: `down does not restore the schema as it was before up: ${count(details.length, 'difference')}`, details });
      }

      progress('up again');
      tail = work.tail();
      const again = await runPlain(work.client, file, up, tail?.sql);
      work.checkpoint();
      if (again.error) {
        finding({ ruleId: 'up-reapplies', level: 'error', line: again.error.line ?? upLine, message: `up fails when applied again after down: ${again.error.message}` });
        before = await work.rebuild(ordered, index);
      } else {
        const afterReup = await work.snapshot(tail, again.tail, whole);
        m.reupDiff = diffSnapshots(afterUp, afterReup, diffOptions);
        if (m.reupDiff.length > 0) {
          const details = renderDiff(m.reupDiff, { wording: 'neutral' });
          finding({ ruleId: 'up-reapplies', level: 'error', line: upLine, message: `up applied again after down gives another schema than the first time: ${count(details.length, 'difference')}`, details });
        }
        before = afterReup;
      }
      before = await afterSeeds(file.revision, before);
      m.durationMs = Math.round(performance.now() - migrationStarted);
      progress('done');
    }
    result.consistent = await work.matchesFullRead();
  } finally {
    await work.close();
  }
  return result;
}

type FindingSink = (f: Omit<VerifyFinding, 'revision' | 'file' | 'details'> & { details?: string[] }) => void;

/**
 * Findings from a direction's lock trace, on relations that existed before the migration: a
 * rewrite (of a table, a materialized view, or an index rebuilt on its own), or a scan of a table
 * while the transaction holds a lock that blocks writes on it or on one of its indexes (taken by
 * the scanning statement or an earlier one of the same transaction), is an error (the application
 * stops for the whole rewrite or scan); an ACCESS EXCLUSIVE or SHARE lock without either, on a
 * table, view, materialized view, sequence or index, is a warning (brief, but it queues behind any
 * long transaction, and everything queues behind it). A statement gets one finding per table: an
 * index's lock counts against its table.
 */
function lockFindings(result: DirectionResult, plan: PlannedDirection, file: MigrationFile, relations: ExistingRelation[], finding: FindingSink): void {
  const byName = new Map(relations.map((r) => [r.name, r]));
  // The strongest lock the open transaction holds on each relation, and the statement that took it.
  const held = new Map<string, { lock: LockTrace; by: StatementTrace }>();
  for (const trace of result.traces) {
    // Outside a transactional migration each statement commits on its own, releasing its locks.
    if (!plan.transactional) held.clear();
    const statementNo = `${trace.direction} statement ${trace.index}`;
    const line = trace.line ?? (trace.direction === 'up' ? file.up?.line : file.down?.line) ?? 1;
    const parsed = plan.statements[trace.index - 1]?.parsed;
    // The tables this statement already has a finding about.
    const reported = new Set<string>();
    for (const name of trace.rewrites) {
      const relation = byName.get(name);
      const table = relation?.table ?? name;
      if (reported.has(table)) continue;
      reported.add(table);
      const lintRule = lintRuleFor(parsed, 'rewrite');
      const what = relation ? relationLabel({ relation: name, kind: relation.kind, table: relation.table }) : name;
      const waits = relation?.kind === 'index' ? `reads and writes of ${table} wait for the whole rebuild` : 'reads and writes wait for the whole rewrite';
      finding({ ruleId: 'table-rewrite', level: 'error', line, message: `${statementNo} rewrites ${what}, which existed before this migration, under an ACCESS EXCLUSIVE lock: ${waits}`, ...(lintRule ? { lintRule } : {}) });
    }
    for (const relation of trace.scans) {
      if (reported.has(relation)) continue;
      // The table's own locks first: an index's lock is named only when it is stronger.
      let strongest: { lock: LockTrace; by: StatementTrace } | undefined;
      const consider = (lock: LockTrace, by: StatementTrace) => {
        if (!strongest || isStronger(lock.mode, strongest.lock.mode)) strongest = { lock, by };
      };
      const own = held.get(relation);
      if (own) consider(own.lock, own.by);
      for (const lock of trace.locks) if (lock.relation === relation && lock.kind !== 'index') consider(lock, trace);
      for (const h of held.values()) if (h.lock.kind === 'index' && h.lock.table === relation) consider(h.lock, h.by);
      for (const lock of trace.locks) if (lock.kind === 'index' && lock.table === relation) consider(lock, trace);
      const found = strongest as { lock: LockTrace; by: StatementTrace } | undefined;
      if (!found || !blocksWrites(found.lock.mode)) continue;
      reported.add(relation);
      const earlier = found.by !== trace ? found.by : undefined;
      const lintRule = lintRuleFor(parsed, earlier ? 'scan under an earlier lock' : 'scan under lock');
      finding({
        ruleId: 'blocking-lock',
        level: 'error',
        line,
        message: `${statementNo} scans ${relation}, which existed before this migration, while holding ${article(lockModeName(found.lock.mode))} lock${found.lock.kind === 'index' ? ` on its index ${found.lock.relation}` : ''}${earlier ? ` taken by ${earlier.direction} statement ${earlier.index}${earlier.line !== undefined ? ` (line ${earlier.line})` : ''}, ${earlier.sql.length > 60 ? `${earlier.sql.slice(0, 59)}…` : earlier.sql}, and kept until the transaction commits` : ''}: ${LOCK_BLOCKS[found.lock.mode]} wait for the whole scan`,
        ...(lintRule ? { lintRule } : {}),
      });
    }
    // Locks are in table order, a table's own before its indexes': DROP INDEX locks both, one warning.
    for (const lock of trace.locks) {
      const table = lock.table ?? lock.relation;
      if (reported.has(table) || !isFlaggedMode(lock.mode)) continue;
      reported.add(table);
      const lintRule = lintRuleFor(parsed, 'brief lock');
      const blocked = lock.kind === 'index' ? `${lock.blocks} of ${table}` : lock.blocks;
      finding({
        ruleId: 'brief-exclusive-lock',
        level: 'warning',
        line,
        message: `${statementNo} takes ${article(lockModeName(lock.mode))} lock on ${relationLabel(lock)}, which existed before this migration: brief, but ${blocked} queue behind it, and it waits behind any long transaction (set a lock_timeout)`,
        ...(lintRule ? { lintRule } : {}),
      });
    }
    for (const lock of trace.locks) {
      const was = held.get(lock.relation);
      if (!was || isStronger(lock.mode, was.lock.mode)) held.set(lock.relation, { lock, by: trace });
    }
  }
}

/** `an ACCESS EXCLUSIVE`, `a SHARE`. */
function article(word: string): string {
  return `${/^[AEIOU]/.test(word) ? 'an' : 'a'} ${word}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * The database verify works in, with a connection for migrations and one for snapshots. When a
 * failure leaves it in between, `rebuild` replaces it by a fresh database on the same server with
 * the history applied again up to that point.
 */
class Workspace {
  client!: pg.Client;
  /** Whether lock samples call the sampling function (installed with the change log). */
  sampler = false;
  private snapshots!: ChangeTrackingSession;
  private current: DatabaseHandle;
  /** Databases created by rebuilds, dropped at the end; the original one is the caller's. */
  private created: DatabaseHandle[] = [];

  constructor(
    private readonly config: PgwardenConfig,
    private readonly original: DatabaseHandle,
    private readonly seeds: SeedFile[],
    private readonly mode: SnapshotMode,
    /** Roles the history creates that the server did not have: dropped before the history is replayed from the start. */
    private readonly roles: CreatedRoles = CreatedRoles.none(),
    /** Ends the sessions (see {@link VerifyOptions.signal}); {@link checkpoint} stops the run. */
    private readonly signal?: AbortSignal,
  ) {
    this.current = original;
  }

  /** Throws when the run was stopped, so that it does no further step (nor creates another database). */
  checkpoint(): void {
    stopIfAborted(this.signal);
  }

  async open(): Promise<void> {
    await this.connect();
    await this.track();
  }

  /** The connection for migrations, without the change tracking (see {@link track}). */
  private async connect(): Promise<void> {
    this.client = await connect(this.current, { applicationName: 'pgwarden verify' });
    // Stopped, the session ends at once, on the server too: its database is dropped next.
    const client = this.client;
    const stop = cancelOnAbort(client, this.current, this.signal, { terminate: true });
    client.once('end', () => stop.dispose());
    // Locks and timeouts of the user's environment do not apply to a private database.
    await this.client.query(`SET lock_timeout = 0; SET statement_timeout = 0`);
    // The migrations (and seeds) run in runner.timeZone, as up and down run them: a migration that
    // depends on the zone gives here what it gives there. The snapshots read in UTC regardless.
    if (this.config.runner.timeZone) await setTimeZone(this.client, this.config);
  }

  /** The snapshot session (with the change log, where it can be installed) and the lock sampler. */
  private async track(): Promise<void> {
    this.snapshots = await openChangeTrackingSession(this.current, snapshotOptionsFor(this.config), this.mode, this.signal);
    // Before the first snapshot, which reads everything: the function is no change a step made.
    this.sampler = this.snapshots.mode !== 'full' && (await installSampler(this.client));
  }

  /** Whether the last snapshot equals a full read of the catalog (always, with full reads). */
  matchesFullRead(): Promise<boolean> {
    return this.snapshots.mode === 'full' ? Promise.resolve(true) : this.snapshots.matchesFullRead();
  }

  /**
   * Moves to a new empty database on the same server (dropped at the end). `setup` runs on it
   * first, before the change log is installed: the changes it makes are read whole by the first
   * snapshot, and its DDL fires no event triggers.
   */
  async replaceDatabase(setup?: () => Promise<void>): Promise<void> {
    this.checkpoint();
    await this.closeConnections();
    const previous = this.created.pop();
    await previous?.close();
    if (this.roles.tracking) await withClient(this.original, (client) => this.roles.drop(client));
    this.current = await throwawayDatabaseOn(this.original.url, { environment: this.original.environment, provider: this.original.provider });
    this.created.push(this.current);
    // Created while the run was being stopped: close() drops it with the others.
    this.checkpoint();
    await this.connect();
    await setup?.();
    await this.track();
  }

  /** The next snapshot; `tail` and `value`: the tail statement a step carried and what it returned; `whole`: read the whole catalog. */
  snapshot(tail?: SnapshotTail, value?: unknown, whole = false): Promise<CatalogSnapshot> {
    return this.snapshots.snapshot(tail && value !== undefined ? { since: tail.since, value } : undefined, { whole });
  }

  /** The statement for the end of a step's message that reads the next snapshot's changes (see {@link ChangeTrackingSession.tail}). */
  tail(): SnapshotTail | undefined {
    return this.snapshots.tail();
  }

  /** Tables, views, materialized views, sequences and indexes that exist now, from the last snapshot when it knows them. */
  async existingRelations(): Promise<ExistingRelation[]> {
    return this.snapshots.relations() ?? existingRelations(this.client, [this.config.ledger.schema, CHANGE_LOG_SCHEMA]);
  }

  /** Loads the seeds that go after `revision` (undefined: before the first migration); true when there were any. */
  async loadSeeds(revision: string | undefined): Promise<boolean> {
    let loaded = false;
    for (const seed of this.seeds) {
      if (seed.after !== revision) continue;
      try {
        await this.client.query(seed.sql);
      } catch (cause) {
        this.checkpoint();
        const position = Number((cause as { position?: string }).position);
        const at = position > 0 ? lineColumnAt(seed.sql, position - 1) : undefined;
        const where = `${relative(this.config.root, seed.path)}${at ? `:${at.line}:${at.column}` : ''}`;
        throw new PgwardenError('USAGE', `The seed ${where} fails to load${revision ? ` after ${revision}` : ''}: ${(cause as Error).message}. Fix the seed, or give it a later "--! After:" revision.`, { cause, ...(at ? { location: { file: seed.path, ...at } } : {}) });
      }
      loaded = true;
    }
    return loaded;
  }

  /**
   * A fresh database with seeds and the ups of `ordered[0..upTo]` applied; returns its snapshot.
   * Without seeds and with every up transactional, the ups go in one message, each in its own
   * transaction (measured: 125 migrations in ~120 instead of ~175 ms); when one fails, the database
   * is built again one up at a time, to name the one that fails.
   */
  async rebuild(ordered: MigrationFile[], upTo: number): Promise<CatalogSnapshot> {
    const files = ordered.slice(0, upTo + 1);
    const plans = await Promise.all(files.map((file) => planPlain(file, 'up')));
    if (this.seeds.length === 0 && plans.every((plan) => plan.transactional)) {
      const text = plans.map(transactionSql).join(';\n');
      try {
        await this.replaceDatabase(() => this.client.query(text).then(() => {}));
        return await this.snapshot();
      } catch {
        // Built again below, one up at a time (unless the run was stopped).
        this.checkpoint();
      }
    }
    await this.replaceDatabase(async () => {
      await this.loadSeeds(undefined);
      for (const [i, file] of files.entries()) {
        const result = await runPlain(this.client, file, plans[i]!);
        if (result.error) throw new PgwardenError('MIGRATION_FAILED', `Rebuilding the database after a failure, ${file.fileName} failed to apply: ${result.error.message}`);
        // The seeds after the last one are the caller's to load, as after any migration.
        if (i < upTo) await this.loadSeeds(file.revision);
      }
    });
    return this.snapshot();
  }

  private async closeConnections(): Promise<void> {
    await this.snapshots?.close();
    await this.client?.end().catch(() => {});
  }

  async close(): Promise<void> {
    await this.closeConnections();
    for (const db of this.created) await db.close().catch(() => {});
  }
}
