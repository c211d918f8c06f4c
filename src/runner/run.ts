import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import type pg from 'pg';
import type { PgwardenConfig } from '../config/types.js';
import { PgwardenError, type Problem } from '../errors.js';
import { linearHistory } from '../migrations/graph.js';
import { checksumBeforeDown } from '../migrations/checksum.js';
import { loadMigrations } from '../migrations/load.js';
import type { MigrationFile } from '../migrations/types.js';
import { checkNumber, RUN_COUNT, RUN_WAIT } from '../numeric-options.js';
import { commandFor } from '../providers/origin.js';
import type { DatabaseHandle } from '../providers/types.js';
import { redactText } from '../redact.js';
import { trace } from '../trace.js';
import { ensureParser, parseSql, parsesCleanly, SqlSyntaxError, lineColumnAt } from '../sql/parse.js';
import { acquireRunLock, releaseRunLock } from './lock.js';
import { ensureLedger, ledgerDdl, ledgerExists, ledgerNames, markAppliedSql, markRolledBackSql, readLedger, recordEvent, type LedgerRow } from './ledger.js';
import { cancelOnAbort, interruptedError, throwIfInterrupted } from './interrupt.js';
import { runMessage, UNIT_MARKER, type MessageTracker } from './message.js';
import { migrationError, isPgError } from './pg-error.js';
import { connect, currentApplier, literal, type Applier } from './session.js';
import { computeStatus, type StatusReport } from './status.js';
import { loadScriptActions, migrationSteps, nodePgMigrate, scriptSteps, type Direction, type FilePosition, type MigrationSteps, type ScriptActions } from './steps.js';

export interface ProgressEvent {
  phase: 'start' | 'done';
  direction: Direction;
  index: number;
  total: number;
  revision: string;
  name: string;
  durationMs?: number;
}

export interface RunOptions {
  /** Up: apply up to and including this revision. Down: roll back until this revision is the newest applied (`0`: everything). */
  to?: string | undefined;
  /** How many migrations at most (down defaults to 1). */
  count?: number | undefined;
  /** Print the SQL; touch nothing, take no lock, create no table. */
  dryRun?: boolean | undefined;
  /** Wait for the run lock this many seconds (0: forever) instead of failing at once. */
  wait?: number | undefined;
  /** Overrides `runner.transaction`. */
  transaction?: 'per-migration' | 'single' | undefined;
  /** Apply pending migrations that sit before applied ones. */
  outOfOrder?: boolean | undefined;
  /** Continue a partial `Transaction: none` migration from the statement that failed. */
  resume?: boolean | undefined;
  /** Preloaded migration files (default: read the migrations folder). */
  migrations?: MigrationFile[] | undefined;
  onProgress?: ((event: ProgressEvent) => void) | undefined;
  /**
   * Stops the run: the running statement is cancelled on the server, nothing further starts, and
   * the run fails with INTERRUPTED, saying what was applied and what was not.
   */
  signal?: AbortSignal | undefined;
  /**
   * The command that a failed migration's error says to run again once the SQL is fixed (default:
   * `pgwarden up` or `pgwarden down` with the options that name this database). Deploy names itself.
   */
  retryCommand?: string | undefined;
}

export interface RunMigrationResult {
  revision: string;
  name: string;
  file: string;
  transactional: boolean;
  durationMs: number;
  /** The SQL steps (dry runs only). */
  sql?: string[];
}

export interface RunResult {
  direction: Direction;
  dryRun: boolean;
  database: string;
  migrations: RunMigrationResult[];
  /** The status after the run (before it, for dry runs). */
  status: StatusReport;
}

const silentLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * A migration whose down failed (and was rolled back), as the events record it: the newest event of
 * its revision. `accepted` when its file has changed since in the down section only (see
 * {@link failedDowns}).
 */
interface FailedDown {
  at: Date;
  accepted: boolean;
}

/**
 * For `down`: the modified migrations about to be rolled back whose newest event is a failed down.
 * A failed down records the checksum of everything before the down section's SQL (header, up
 * section, marker) of the file it ran, which is the file as applied: the ledger's checksum matched it,
 * or an earlier run accepted it by this same rule. When the file's checksum of that part is still the
 * same, only the down section changed: the fix the failed down asked for. That is `accepted`: the
 * run records it as an acknowledgement and runs the new down section. Any other change, or a down
 * that failed before pgwarden recorded that checksum, still needs `pgwarden acknowledge`.
 */
async function failedDowns(client: pg.Client, config: PgwardenConfig, status: StatusReport, list: readonly MigrationFile[]): Promise<Map<string, FailedDown>> {
  const modified = list.filter((f) => status.migrations.some((m) => m.revision === f.revision && m.state === 'modified'));
  const found = new Map<string, FailedDown>();
  if (modified.length === 0) return found;
  const n = ledgerNames(config.ledger);
  if (!(await client.query('SELECT to_regclass($1) AS t', [n.events])).rows[0].t) return found;
  const { rows } = await client.query(
    `SELECT DISTINCT ON (revision) revision, action, at, detail FROM ${n.events} WHERE revision = ANY($1::text[]) ORDER BY revision, id DESC`,
    [modified.map((f) => f.revision)],
  );
  for (const row of rows) {
    const detail = (row.detail ?? {}) as { direction?: string; checksumBeforeDown?: string };
    if (row.action !== 'failed' || detail.direction !== 'down') continue;
    const file = modified.find((f) => f.revision === row.revision)!;
    const before = checksumBeforeDown(file);
    found.set(row.revision, { at: row.at, accepted: before !== undefined && detail.checksumBeforeDown === before });
  }
  return found;
}

/** Refuses to run over a ledger that disagrees with the files, naming every problem and the way out. */
function guard(status: StatusReport, options: RunOptions, db: DatabaseHandle, downs: ReadonlyMap<string, FailedDown> = new Map()): void {
  const problems: Problem[] = [];
  for (const m of status.migrations) {
    const failedDown = downs.get(m.revision);
    if (m.state === 'modified' && failedDown?.accepted) continue;
    if (m.state === 'modified') {
      const acknowledge = commandFor(db, `acknowledge ${m.revision}`, '--reason "..."');
      problems.push({
        file: m.file ?? m.revision,
        message: failedDown
          ? `${m.file} was changed after its down failed (${failedDown.at.toISOString().slice(0, 19).replace('T', ' ')} UTC), and pgwarden cannot tell that only its down section changed (the rest of the file differs from what was applied, or an older pgwarden recorded that failure). Restore everything but the down section, or record the change: ${acknowledge}, then run ${commandFor(db, 'down')} again`
          : `${m.file} was changed after it was applied (checksum ${m.checksum!.applied.slice(0, 12)} applied, ${m.checksum!.file.slice(0, 12)} now). Restore the file, or if the change is harmless record it: ${acknowledge}`,
      });
    } else if (m.state === 'missing') {
      problems.push({ file: m.revision, message: `revision ${m.revision} (${m.name}) is applied but its file is gone: restore it from version control` });
    } else if (m.state === 'partial' && !options.resume) {
      problems.push({
        file: m.file ?? m.revision,
        message: `${m.file} (Transaction: none) stopped after ${m.partial!.statementsDone} of ${m.partial!.statementsTotal ?? '?'} statements${m.partial!.error ? `: ${m.partial!.error}` : ''}. Undo or finish it by hand and run ${commandFor(db, `resolve ${m.revision}`, '--rolled-back | --applied')}, or continue with ${commandFor(db, 'up --resume')}`,
      });
    } else if (m.outOfOrder && !options.outOfOrder) {
      problems.push({ file: m.file ?? m.revision, message: `${m.file} is pending but newer migrations are already applied (out of order): apply it with ${commandFor(db, 'up --out-of-order')}, or re-parent it after the head` });
    }
  }
  if (problems.length > 0) {
    const code = status.summary.partial > 0 && !options.resume ? 'MIGRATION_PARTIAL' : 'MIGRATION_MODIFIED';
    throw new PgwardenError(code, `The database's ledger and the migration files disagree; nothing was run:`, { problems });
  }
}

async function invalidIndexes(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid ORDER BY 1`,
  );
  return rows.map((r) => r.name as string);
}

function plan(ordered: readonly MigrationFile[], ledger: readonly LedgerRow[], direction: Direction, options: RunOptions, db: DatabaseHandle): MigrationFile[] {
  const applied = new Set(ledger.filter((r) => r.state === 'applied').map((r) => r.revision));
  const partial = new Set(ledger.filter((r) => r.state === 'partial').map((r) => r.revision));
  if (options.to !== undefined && options.to !== '0' && !ordered.some((m) => m.revision === options.to)) {
    throw new PgwardenError('USAGE', `--to ${options.to}: no migration has this revision. Run ${commandFor(db, 'status')} to see the revisions.`);
  }
  if (direction === 'up') {
    let list = ordered.filter((m) => !applied.has(m.revision));
    if (options.to !== undefined) {
      const limit = ordered.findIndex((m) => m.revision === options.to);
      list = list.filter((m) => ordered.indexOf(m) <= limit);
    }
    if (options.count !== undefined) list = list.slice(0, options.count);
    return list;
  }
  let list = [...ordered].reverse().filter((m) => applied.has(m.revision) || partial.has(m.revision));
  if (options.to !== undefined) {
    const limit = options.to === '0' ? -1 : ordered.findIndex((m) => m.revision === options.to);
    list = list.filter((m) => ordered.indexOf(m) > limit);
    if (options.count !== undefined) list = list.slice(0, options.count);
  } else {
    list = list.slice(0, options.count ?? 1);
  }
  return list;
}

/**
 * Checks the SQL of every SQL migration about to run with the Postgres parser, so that a syntax
 * error stops the run (exit 2) before anything is applied. One parse of all sections together;
 * only on failure is each section parsed alone to name the file, line and column.
 */
async function checkSyntax(files: readonly MigrationFile[], direction: Direction, root: string): Promise<void> {
  const sections = files.filter((f) => f.kind === 'sql').map((f) => ({ file: f, section: direction === 'up' ? f.up : f.down }));
  const texts = sections.filter((s) => s.section && s.section.sql.trim());
  if (texts.length === 0) return;
  await ensureParser();
  if (parsesCleanly(texts.map((s) => s.section!.sql).join('\n;\n'))) return;
  const problems: Problem[] = [];
  for (const { file, section } of texts) {
    try {
      parseSql(section!.sql);
    } catch (error) {
      if (!(error instanceof SqlSyntaxError)) throw error;
      const at = lineColumnAt(file.text, section!.offset + error.position);
      problems.push({ file: relative(root, file.path), line: at.line, column: at.column, message: `${error.message}: fix the SQL of the ${direction} section` });
    }
  }
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new PgwardenError('MIGRATION_INVALID', `${first.file}:${first.line}:${first.column}: ${first.message.replace(/: fix the SQL.*/, '')}. Nothing was run: fix the SQL and run again.`, { problems: problems.slice(1) });
  }
}

/** The most SQL sent as one message (beyond it, batches of migrations, checked by the parser first). */
const ONE_MESSAGE_CHARS = 64 * 1024 * 1024;

interface Executor {
  client: pg.Client;
  config: PgwardenConfig;
  applier: Applier;
  mode: 'per-migration' | 'single';
  signal?: AbortSignal | undefined;
  /** The database, for the commands that errors tell to run next. */
  db: DatabaseHandle;
  /** What a failed migration's error says to run again (see RunOptions.retryCommand). */
  retry: (direction: Direction) => string;
}

function timeoutSets(file: MigrationFile, local: boolean): string[] {
  const scope = local ? 'SET LOCAL' : 'SET';
  const sets: string[] = [];
  if (file.lockTimeout) sets.push(`${scope} lock_timeout = ${literal(file.lockTimeout)}`);
  if (file.statementTimeout) sets.push(`${scope} statement_timeout = ${literal(file.statementTimeout)}`);
  return sets;
}

/**
 * One transactional migration as text: its own transaction, its SQL and its ledger record, so that
 * several can travel in one simple-query message (one round trip) and still commit one by one.
 */
interface Unit {
  file: MigrationFile;
  text: string;
  /** Where the migration's own SQL sits in `text` (to map error positions back to the file). */
  sqlStart: number;
  sqlEnd: number;
  /** Offset in the file of the first character of the SQL (SQL migrations). */
  fileOffset: number | undefined;
  /** JS/TS migrations: where each step's SQL starts in `text`, and the call in the file that produced it. */
  calls?: ReadonlyArray<{ start: number; call: FilePosition | undefined }>;
}

/** The call in a JS/TS migration's file that produced the SQL at `local` (an offset in the unit's text). */
function callAt(unit: Unit, local: number | undefined): FilePosition | undefined {
  if (!unit.calls || local === undefined || local < unit.sqlStart || local >= unit.sqlEnd) return undefined;
  let found: FilePosition | undefined;
  for (const step of unit.calls) {
    if (step.start > local) break;
    found = step.call;
  }
  return found;
}

function buildUnit(ex: Executor, file: MigrationFile, direction: Direction, steps: MigrationSteps): Unit {
  const mark = (direction === 'up' ? markAppliedSql : markRolledBackSql)(ex.config.ledger, {
    revision: file.revision,
    name: file.name,
    checksum: file.checksum,
    kind: file.kind,
    applier: ex.applier,
  });
  // The marker row starts the migration's clock (its duration) and tells progress it started.
  const head = [
    ...(ex.mode === 'per-migration' ? ['BEGIN;'] : []),
    `SELECT set_config('pgwarden.started', clock_timestamp()::text, true) AS ${UNIT_MARKER};`,
    ...timeoutSets(file, true).map((s) => `${s};`),
    '',
  ].join('\n');
  const separator = '\n;\n';
  const sql = steps.steps.map((s) => s.sql).join(separator);
  const tail = ['', ';', mark, ...(ex.mode === 'per-migration' ? ['COMMIT;'] : []), ''].join('\n');
  let calls: Unit['calls'];
  if (steps.steps.some((s) => s.call)) {
    let start = head.length;
    calls = steps.steps.map((s) => {
      const step = { start, call: s.call };
      start += s.sql.length + separator.length;
      return step;
    });
  }
  return { file, text: head + sql + tail, sqlStart: head.length, sqlEnd: head.length + sql.length, fileOffset: steps.steps.length === 1 ? steps.steps[0]!.fileOffset : undefined, ...(calls ? { calls } : {}) };
}

/**
 * Which statement of a message raised its error: Postgres sends one CommandComplete per top-level
 * statement before the ErrorResponse, so the count of those (`completed`) is the failing
 * statement's index in the message. The runner knows what it sent, so the message is split here
 * with the Postgres parser (bookkeeping statements included) and nothing is executed again.
 * Undefined when the failing statement is the preamble's or the parser cannot split the text.
 */
async function failingStatement(units: readonly Unit[], preamble: string, completed: number): Promise<{ unit: Unit; offset: number } | undefined> {
  await ensureParser();
  let left = completed;
  try {
    if (preamble) {
      const n = parseSql(preamble).length;
      if (left < n) return undefined;
      left -= n;
    }
    for (const unit of units) {
      const statements = parseSql(unit.text);
      if (left < statements.length) return { unit, offset: statements[left]!.start };
      left -= statements.length;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Turns the error of a batch into the error of the migration that failed: the ones before it in
 * the batch committed (per-migration mode) and are reported as applied. `singleStart` is, in
 * single-transaction mode, the index in the run of the first migration of the open transaction.
 */
async function batchError(ex: Executor, direction: Direction, units: Unit[], error: unknown, first: number, singleStart: number | undefined, preamble: string, completed: number): Promise<PgwardenError> {
  const preambleLength = preamble.length;
  let failed = units[0]!;
  let position: number | undefined = isPgError(error) && error.position ? Number(error.position) - 1 - preambleLength : undefined;
  if (position !== undefined && position < 0) position = undefined;
  const located = await failingStatement(units, preamble, completed);
  if (located) failed = located.unit;
  else if (ex.mode === 'per-migration') {
    const n = ledgerNames(ex.config.ledger);
    const { rows } = await ex.client.query(`SELECT revision FROM ${n.table} WHERE revision = ANY($1)`, [units.map((u) => u.file.revision)]).catch(() => ({ rows: [] as Array<{ revision: string }> }));
    const recorded = new Set(rows.map((r) => r.revision));
    const committed = (u: Unit) => (direction === 'up' ? recorded.has(u.file.revision) : !recorded.has(u.file.revision));
    failed = units.find((u) => !committed(u)) ?? units[units.length - 1]!;
  }
  let offsetInText = 0;
  for (const u of units) {
    if (u === failed) break;
    offsetInText += u.text.length;
  }
  if (position !== undefined) {
    // The position may fall in another unit when Postgres reports it for the whole message.
    let acc = 0;
    for (const u of units) {
      if (position >= acc && position < acc + u.text.length) {
        failed = u;
        offsetInText = acc;
        break;
      }
      acc += u.text.length;
    }
  }
  const file = failed.file;
  // Where the failing statement sits in the failed unit's text: the error's own position, else the start of the statement that failed.
  const local = position !== undefined ? position - offsetInText : located?.unit === failed ? located.offset : undefined;
  let stepOffset: number | undefined;
  if (local !== undefined && failed.fileOffset !== undefined && local >= failed.sqlStart && local < failed.sqlEnd) stepOffset = failed.fileOffset + (local - failed.sqlStart);
  const section = direction === 'up' ? file.up : file.down;
  const wrapped = migrationError(error, file, {
    root: ex.config.root,
    direction,
    retry: ex.retry(direction),
    stepOffset: undefined,
    statementOffset: stepOffset ?? (section ? section.offset + (section.sql.length - section.sql.trimStart().length) : undefined),
    call: callAt(failed, local),
  });
  // A failed down records what its fix may not change (see failedDowns): the file before the down section.
  const before = direction === 'down' ? checksumBeforeDown(file) : undefined;
  await recordEvent(ex.client, ex.config.ledger, { action: 'failed', revision: file.revision, name: file.name, checksum: file.checksum, applier: ex.applier, detail: { direction, error: redactText((error as Error)?.message ?? String(error)), ...(before ? { checksumBeforeDown: before } : {}) } }).catch(() => {});
  const index = first + units.indexOf(failed);
  if (singleStart !== undefined) {
    const undone = index - singleStart + 1;
    const note =
      singleStart === 0
        ? 'every migration of this run was rolled back'
        : `the ${undone} migration(s) since the last Transaction: none migration were rolled back; the ${singleStart} before them stay applied (a Transaction: none migration commits the transaction before it)`;
    return new PgwardenError(wrapped.code, `${wrapped.message}\n(single-transaction run: ${note})`, { cause: error, location: wrapped.location, details: wrapped.details });
  }
  return wrapped;
}

/**
 * The error of a message that did not parse (no statement of it ran): the file, line and column
 * of the position Postgres reports, exit 2 like the parser check. Undefined when the position does
 * not fall in a migration's own SQL.
 */
function messageSyntaxError(units: readonly Unit[], error: unknown, preambleLength: number, root: string): PgwardenError | undefined {
  if (!isPgError(error) || !error.position) return undefined;
  const position = Number(error.position) - 1 - preambleLength;
  let start = 0;
  for (const u of units) {
    if (position >= start && position < start + u.text.length) {
      const local = position - start;
      const at = u.fileOffset !== undefined && local >= u.sqlStart && local < u.sqlEnd ? lineColumnAt(u.file.text, u.fileOffset + (local - u.sqlStart)) : callAt(u, local);
      if (!at) return undefined;
      const file = relative(root, u.file.path);
      return new PgwardenError('MIGRATION_INVALID', `${file}:${at.line}:${at.column}: ${error.message}. Nothing was run: fix the SQL and run again.`, {
        location: { file: u.file.path, line: at.line, column: at.column },
      });
    }
    start += u.text.length;
  }
  return undefined;
}

/** A fingerprint of the first `count` statements of a migration: what a resume may skip. */
function statementsHash(steps: MigrationSteps, count: number): string {
  return createHash('sha256')
    .update(steps.steps.slice(0, count).map((s) => s.sql.trim()).join('\0'))
    .digest('hex');
}

/**
 * Refuses to resume a `Transaction: none` migration whose statements already run have changed
 * since: resuming would skip statements that never ran as they are now written.
 */
async function checkResumable(ex: Executor, file: MigrationFile, steps: MigrationSteps, resumeFrom: number): Promise<void> {
  const n = ledgerNames(ex.config.ledger);
  const { rows } = await ex.client.query(
    `SELECT detail->>'direction' AS direction, detail->>'statementsDoneHash' AS hash FROM ${n.events} WHERE revision = $1 AND action = 'failed' ORDER BY id DESC LIMIT 1`,
    [file.revision],
  );
  if (rows[0]?.direction === 'down') {
    throw new PgwardenError(
      'USAGE',
      `${relative(ex.config.root, file.path)} stopped while rolling back (its down section): up --resume cannot continue it. Finish or undo the rollback by hand, then run ${commandFor(ex.db, `resolve ${file.revision}`, '--rolled-back | --applied')}. Nothing was run.`,
      { location: { file: file.path } },
    );
  }
  const recorded = rows[0]?.hash as string | null | undefined;
  if (resumeFrom > 0 && recorded && recorded !== statementsHash(steps, resumeFrom)) {
    throw new PgwardenError(
      'USAGE',
      `${relative(ex.config.root, file.path)}: statements 1-${resumeFrom} ran before the migration stopped, and have been changed since: --resume would skip them as they are now written. Restore those statements as they were (only the failed statement and the ones after it may change), or finish the migration by hand and run ${commandFor(ex.db, `resolve ${file.revision}`, '--applied | --rolled-back')}. Nothing was run.`,
      { location: { file: file.path } },
    );
  }
}

/**
 * Runs the ledger bookkeeping that follows a statement of a `Transaction: none` migration. The
 * cancel of an interrupted run (pg_cancel_backend, sent from another connection) may land on it
 * after the statement completed; it is then run once more, so that the ledger counts every
 * statement that ran and a resume never runs one twice. Only the first cancel is absorbed: a run
 * sends one.
 */
async function bookkeeping<T>(record: () => Promise<T>): Promise<T> {
  try {
    return await record();
  } catch (error) {
    if (!isPgError(error) || error.code !== '57014') throw error;
    return record();
  }
}

/** Runs a `Transaction: none` migration statement by statement, recording progress so that a stop halfway is visible. */
async function runNonTransactional(ex: Executor, file: MigrationFile, direction: Direction, steps: MigrationSteps, resumeFrom: number, resuming: boolean): Promise<void> {
  const n = ledgerNames(ex.config.ledger);
  const started = Date.now();
  const total = steps.steps.length;
  if (direction === 'up' && resuming) await checkResumable(ex, file, steps, resumeFrom);
  if (direction === 'up') {
    // A resume records the file as it is now: the statements already run are the same (checked above).
    await ex.client.query(
      `INSERT INTO ${n.table} (revision, name, checksum, kind, state, statements_done, statements_total, applied_with, git_commit)
       VALUES ($1, $2, $3, $4, 'partial', $5, $6, $7, $8)
       ON CONFLICT (revision) DO UPDATE SET name = EXCLUDED.name, checksum = EXCLUDED.checksum, state = 'partial', statements_done = EXCLUDED.statements_done, statements_total = EXCLUDED.statements_total, error = NULL`,
      [file.revision, file.name, file.checksum, file.kind, resumeFrom, total, ex.applier.tool, ex.applier.gitCommit ?? null],
    );
  } else {
    await ex.client.query(`UPDATE ${n.table} SET state = 'partial', statements_done = 0, statements_total = $2, error = 'rolling back' WHERE revision = $1`, [file.revision, total]);
  }
  const sets = timeoutSets(file, false);
  for (const sql of sets) await ex.client.query(sql);
  try {
    for (let i = resumeFrom; i < total; i++) {
      throwIfInterrupted(ex.signal);
      const step = steps.steps[i]!;
      try {
        await ex.client.query(step.sql);
      } catch (error) {
        const message = isPgError(error) ? `${error.message} (SQLSTATE ${error.code})` : String((error as Error).message);
        const invalid = isPgError(error) ? await invalidIndexes(ex.client).catch(() => []) : [];
        await bookkeeping(() => ex.client.query(`UPDATE ${n.table} SET error = $2 WHERE revision = $1`, [file.revision, redactText(`${direction} statement ${i + 1} failed: ${message}${invalid.length ? `; invalid indexes left: ${invalid.join(', ')}` : ''}`)])).catch(() => {});
        await bookkeeping(() => recordEvent(ex.client, ex.config.ledger, { action: 'failed', revision: file.revision, name: file.name, checksum: file.checksum, applier: ex.applier, detail: { direction, statement: i + 1, error: redactText(message), invalidIndexes: invalid, statementsDoneHash: statementsHash(steps, i) } })).catch(() => {});
        const wrapped = migrationError(error, file, { root: ex.config.root, direction, retry: ex.retry(direction), stepOffset: step.fileOffset, call: step.call });
        const next =
          direction === 'up'
            ? `Fix the cause, then ${commandFor(ex.db, 'up --resume')} (continues at statement ${i + 1}) or ${commandFor(ex.db, `resolve ${file.revision}`, '--applied | --rolled-back')}.`
            : `A stopped down section cannot be resumed: finish or undo it by hand, then ${commandFor(ex.db, `resolve ${file.revision}`, '--rolled-back | --applied')}.`;
        // A failed migration is a database error (exit 3), as for transactional ones; the partial state it leaves then blocks up (MIGRATION_PARTIAL).
        throw new PgwardenError(
          wrapped.code,
          `${wrapped.message.replace(/\nNothing of this migration was kept[^\n]*|\nThe rollback of this migration was undone[^\n]*/, '')}\n${relative(ex.config.root, file.path)} runs outside a transaction: ${i > 0 ? `${direction} statements 1-${i} took effect` : 'no statement took effect'}, statement ${i + 1} failed.${invalid.length ? ` It left INVALID indexes: ${invalid.join(', ')} (drop them with DROP INDEX CONCURRENTLY).` : ''} ${next}`,
          { cause: error, location: wrapped.location, details: { ...wrapped.details, statementsDone: i, invalidIndexes: invalid } },
        );
      }
      await bookkeeping(() => ex.client.query(`UPDATE ${n.table} SET statements_done = $2 WHERE revision = $1`, [file.revision, i + 1]));
    }
    // A BEGIN the migration never committed: the ledger's record, and the next migration, would run
    // inside it, and closing the session would roll it all back after a run that said it succeeded.
    if (await transactionLeftOpen(ex.client)) {
      await ex.client.query('ROLLBACK').catch(() => {});
      const done = await ex.client.query<{ statements_done: number }>(`SELECT statements_done FROM ${n.table} WHERE revision = $1`, [file.revision]).then((r) => r.rows[0]?.statements_done ?? 0, () => 0);
      await bookkeeping(() => ex.client.query(`UPDATE ${n.table} SET error = $2 WHERE revision = $1`, [file.revision, `${direction} left a transaction open (BEGIN without COMMIT): rolled back from statement ${done + 1}`])).catch(() => {});
      const next = direction === 'up' ? `Add the COMMIT, then ${commandFor(ex.db, 'up --resume')} (continues at statement ${done + 1}) or ${commandFor(ex.db, `resolve ${file.revision}`, '--applied | --rolled-back')}.` : `Add the COMMIT, then finish or undo the down section by hand and ${commandFor(ex.db, `resolve ${file.revision}`, '--rolled-back | --applied')}.`;
      throw new PgwardenError(
        'MIGRATION_FAILED',
        `${relative(ex.config.root, file.path)} (Transaction: none) left a transaction open: it runs BEGIN (or START TRANSACTION) without the COMMIT that ends it, so its ${direction} statements from statement ${done + 1} on were rolled back (${done > 0 ? `statements 1-${done} took effect` : 'none took effect'}). pgwarden lint reports it (ban-uncommitted-transaction). ${next}`,
        { location: { file: file.path }, details: { statementsDone: done } },
      );
    }
  } finally {
    if (sets.length > 0) await ex.client.query(`SET lock_timeout = ${literal(ex.config.runner.lockTimeout)}; SET statement_timeout = ${literal(ex.config.runner.statementTimeout)}`).catch(() => {});
  }
  const durationMs = Date.now() - started;
  if (direction === 'up') {
    await bookkeeping(() => ex.client.query(`UPDATE ${n.table} SET state = 'applied', statements_done = $2, error = NULL, duration_ms = $3, applied_at = clock_timestamp() WHERE revision = $1`, [file.revision, total, durationMs]));
    await bookkeeping(() => recordEvent(ex.client, ex.config.ledger, { action: 'up', revision: file.revision, name: file.name, checksum: file.checksum, applier: ex.applier, durationMs }));
  } else {
    await bookkeeping(() => ex.client.query(`DELETE FROM ${n.table} WHERE revision = $1`, [file.revision]));
    await bookkeeping(() => recordEvent(ex.client, ex.config.ledger, { action: 'down', revision: file.revision, name: file.name, checksum: file.checksum, applier: ex.applier, durationMs }));
  }
}

/**
 * Whether the session is inside a transaction block: outside one, each statement is its own
 * transaction, so now() (the transaction's start) equals statement_timestamp(); in a block opened by
 * an earlier statement it is earlier. A failed block refuses the query (25P02).
 */
async function transactionLeftOpen(client: pg.ClientBase): Promise<boolean> {
  try {
    const { rows } = await client.query<{ open: boolean }>('SELECT now() <> statement_timestamp() AS open');
    return rows[0]?.open === true;
  } catch (error) {
    return isPgError(error) && error.code === '25P02';
  }
}

/**
 * Runs the migrations' session in `runner.timeZone`, so that now()::date and timestamp literals
 * without a zone mean the same on every server (up, down, and verify's replays). A zone Postgres
 * does not know (its time zone database may lack one Node's has) is a configuration error, before
 * anything runs.
 */
export async function setTimeZone(client: pg.Client, config: PgwardenConfig): Promise<void> {
  try {
    await client.query(`SET TimeZone = ${literal(config.runner.timeZone!)}`);
  } catch (error) {
    if (!isPgError(error) || error.code !== '22023') throw error;
    throw new PgwardenError('CONFIG_INVALID', `${config.configFile ?? 'the config'}: runner.timeZone ${JSON.stringify(config.runner.timeZone)} is not a time zone this server knows (${error.message}): use one of pg_timezone_names, or remove the key to keep the server's. Nothing was run.`, { cause: error });
  }
}

/** Refuses counts and waits that are not numbers (a flag's NaN included) before anything connects. */
function checkRunOptions(options: RunOptions): void {
  if (options.count !== undefined) checkNumber('--count', options.count, RUN_COUNT);
  if (options.wait !== undefined) checkNumber('--wait', options.wait, RUN_WAIT);
}

/**
 * Applies (`up`) or rolls back (`down`) migrations in the order of the revision graph. Each
 * migration runs in its own transaction with its ledger record (or all in one, when configured);
 * `Transaction: none` migrations run statement by statement outside. One runner at a time per
 * database: the others wait (`wait`) or fail with "lock held by ...".
 */
export async function runMigrations(config: PgwardenConfig, db: DatabaseHandle, direction: Direction, options: RunOptions = {}): Promise<RunResult> {
  trace('runner: start');
  checkRunOptions(options);
  const files = options.migrations ?? loadMigrations(config.migrationsDir);
  const ordered = linearHistory(files, config.root);
  trace(`runner: ${files.length} migration files read`);
  const applier = currentApplier(config.root);
  const client = await connect(db, { applicationName: applier.tool });
  trace('runner: connected');
  const cancel = cancelOnAbort(client, db, options.signal);
  let locked = false;
  let ledgerBefore: LedgerRow[] | undefined;
  let planned: MigrationFile[] | undefined;
  try {
    throwIfInterrupted(options.signal);
    if (config.runner.timeZone) await setTimeZone(client, config);
    if (!options.dryRun) {
      await acquireRunLock(client, config.ledger, options.wait);
      locked = true;
    }
    const ledger = await readLedger(client, config.ledger);
    ledgerBefore = ledger;
    trace('runner: locked, ledger read');
    const before = computeStatus(ordered, ledger, config.root, db.display);
    const list = plan(ordered, ledger, direction, options, db);
    const downs = direction === 'down' ? await failedDowns(client, config, before, list) : new Map<string, FailedDown>();
    guard(before, options, db, downs);
    planned = list;
    const partialRows = new Map(ledger.filter((r) => r.state === 'partial').map((r) => [r.revision, r]));
    const results: RunMigrationResult[] = [];

    if (options.dryRun) {
      await checkSyntax(list, direction, config.root);
      for (const file of list) {
        const steps = file.kind === 'js' ? await scriptSteps(file, direction) : await migrationSteps(file, direction);
        results.push({ revision: file.revision, name: file.name, file: relative(config.root, file.path), transactional: steps.transactional, durationMs: 0, sql: steps.steps.map((s) => s.sql) });
      }
      return { direction, dryRun: true, database: db.display, migrations: results, status: before };
    }

    // Resolve every migration's SQL before touching the database, so a bad file changes nothing.
    const prepared: Array<{ file: MigrationFile; steps: MigrationSteps; actions?: ScriptActions }> = [];
    for (const file of list) {
      if (file.kind === 'js') {
        const actions = await loadScriptActions(file);
        const steps = await scriptSteps(file, direction, actions);
        prepared.push({ file, steps, actions });
      } else {
        const steps = await migrationSteps(file, direction, { split: file.transaction === 'none' });
        prepared.push({ file, steps });
      }
    }
    trace('runner: prepared');

    // When every migration runs in a transaction, the whole run travels as one simple-query message
    // (each migration still commits on its own). Postgres parses a message completely before it
    // executes any of it, so a syntax error anywhere, in the target server's own grammar, changes
    // nothing: the parser check below, done by the server for free. Otherwise (Transaction: none
    // migrations, a very large run) the Postgres parser checks every section before anything runs.
    const sqlChars = prepared.reduce((sum, p) => sum + p.steps.steps.reduce((a, step) => a + step.sql.length, 0), 0);
    const oneMessage = prepared.length > 0 && sqlChars <= ONE_MESSAGE_CHARS && prepared.every((p) => p.steps.transactional);
    if (!oneMessage) await checkSyntax(list, direction, config.root);
    trace(oneMessage ? 'runner: one message (the server checks the syntax)' : 'runner: syntax checked');

    const mode = options.transaction ?? config.runner.transaction;
    const ex: Executor = { client, config, applier, mode, signal: options.signal, db, retry: (d) => options.retryCommand ?? commandFor(db, d) };
    // The ledger tables, when missing, are created by the run's first message (so that a message
    // that does not parse leaves the database untouched), or now.
    let preamble = '';
    if (!(await ledgerExists(client, config.ledger))) {
      if (oneMessage) preamble = mode === 'per-migration' ? `BEGIN;\n${ledgerDdl(config.ledger)}\nCOMMIT;\n` : `${ledgerDdl(config.ledger)}\n`;
      else await ensureLedger(client, config.ledger);
    }
    await client.query(`SET lock_timeout = ${literal(config.runner.lockTimeout)}; SET statement_timeout = ${literal(config.runner.statementTimeout)}`);
    // A down section fixed after its down failed (see failedDowns): recorded as an acknowledgement,
    // so that the ledger holds the file that runs, and history shows why it changed.
    for (const file of list) {
      const failed = downs.get(file.revision);
      const row = ledger.find((r) => r.revision === file.revision);
      if (!failed?.accepted || !row) continue;
      await client.query('BEGIN');
      await client.query(`UPDATE ${ledgerNames(config.ledger).table} SET checksum = $2 WHERE revision = $1`, [file.revision, file.checksum]);
      await recordEvent(client, config.ledger, {
        action: 'acknowledge',
        revision: file.revision,
        name: file.name,
        checksum: file.checksum,
        applier,
        detail: { previousChecksum: row.checksum, reason: `only the down section changed after the down of ${failed.at.toISOString()} failed; the rest of the file is as applied`, automatic: true },
      });
      await client.query('COMMIT');
    }

    const batchLimit = oneMessage ? { units: Infinity, chars: Infinity } : { units: 50, chars: 512 * 1024 };
    let batch: Unit[] = [];
    let batchChars = 0;
    let inSingle = false;
    /** Single-transaction mode: the run index of the open transaction's first migration, and the progress it has not committed yet. */
    let singleStart = 0;
    let uncommitted: ProgressEvent[] = [];
    const progress = (event: ProgressEvent) => {
      if (inSingle && event.phase === 'done') uncommitted.push(event);
      else options.onProgress?.(event);
    };
    const commitSingle = async () => {
      await client.query('COMMIT');
      inSingle = false;
      for (const event of uncommitted) options.onProgress?.(event);
      uncommitted = [];
    };
    let done = 0;
    const total = prepared.length;
    const flush = async () => {
      if (batch.length === 0) return;
      const units = batch;
      const head = preamble;
      batch = [];
      batchChars = 0;
      preamble = '';
      const first = done;
      // Progress follows the message as its results arrive: each migration's marker row starts it.
      // (The server sends results in chunks of its output buffer, so this is as live as they come;
      // each migration's duration is measured by the server and read from the ledger at the end.)
      let current = -1;
      let currentStart = Date.now();
      const finish = (k: number, now: number) => {
        const u = units[k]!;
        progress({ phase: 'done', direction, index: first + k, total, revision: u.file.revision, name: u.file.name, durationMs: now - currentStart });
      };
      const onUnit = () => {
        const now = Date.now();
        if (current >= 0) finish(current, now);
        current = Math.min(current + 1, units.length - 1);
        currentStart = now;
        const u = units[current]!;
        options.onProgress?.({ phase: 'start', direction, index: first + current, total, revision: u.file.revision, name: u.file.name });
      };
      const started = Date.now();
      const tracker: MessageTracker = { statements: 0 };
      try {
        await runMessage(client, head + units.map((u) => u.text).join(''), tracker, onUnit);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        if (options.signal?.aborted) throw error;
        if (tracker.statements === 0 && isPgError(error)) {
          // The message did not parse: nothing of it ran.
          throw messageSyntaxError(units, error, head.length, config.root) ?? (await checkSyntax(list, direction, config.root), await batchError(ex, direction, units, error, first, inSingle ? singleStart : undefined, head, tracker.statements));
        }
        throw await batchError(ex, direction, units, error, first, inSingle ? singleStart : undefined, head, tracker.statements);
      }
      if (current >= 0) finish(current, Date.now());
      const share = Math.round((Date.now() - started) / units.length);
      for (const u of units) results.push({ revision: u.file.revision, name: u.file.name, file: relative(config.root, u.file.path), transactional: true, durationMs: share });
      done += units.length;
    };
    try {
      for (const item of prepared) {
        throwIfInterrupted(options.signal);
        const { file } = item;
        if (!item.steps.transactional) {
          await flush();
          if (inSingle) await commitSingle();
          options.onProgress?.({ phase: 'start', direction, index: done, total, revision: file.revision, name: file.name });
          const started = Date.now();
          const resumeFrom = direction === 'up' && options.resume ? (partialRows.get(file.revision)?.statementsDone ?? 0) : 0;
          await runNonTransactional(ex, file, direction, item.steps, resumeFrom, direction === 'up' && options.resume === true && partialRows.has(file.revision));
          const durationMs = Date.now() - started;
          results.push({ revision: file.revision, name: file.name, file: relative(config.root, file.path), transactional: false, durationMs });
          options.onProgress?.({ phase: 'done', direction, index: done, total, revision: file.revision, name: file.name, durationMs });
          done++;
          continue;
        }
        if (mode === 'single' && !inSingle) {
          await client.query('BEGIN');
          inSingle = true;
          singleStart = done + batch.length;
        }
        const unit = buildUnit(ex, file, direction, item.steps);
        if (batch.length > 0 && (batch.length >= batchLimit.units || batchChars + unit.text.length > batchLimit.chars)) await flush();
        batch.push(unit);
        batchChars += unit.text.length;
      }
      await flush();
      if (inSingle) await commitSingle();
      if (list.length === 0) await ensureLedger(client, config.ledger);
    } finally {
      if (inSingle) await client.query('ROLLBACK').catch(() => {});
    }
    trace('runner: applied');
    const ledgerAfter = await readLedger(client, config.ledger);
    const durations = new Map(ledgerAfter.map((r) => [r.revision, r.durationMs]));
    for (const r of results) r.durationMs = durations.get(r.revision) ?? r.durationMs;
    const after = computeStatus(ordered, ledgerAfter, config.root, db.display);
    return { direction, dryRun: false, database: db.display, migrations: results, status: after };
  } catch (error) {
    if (options.signal?.aborted) throw await interruptedError(client, config, direction, ledgerBefore, options.dryRun ? undefined : planned, options.signal, error, db);
    throw error;
  } finally {
    cancel.dispose();
    if (locked) await releaseRunLock(client, config.ledger).catch(() => {});
    await client.end().catch(() => {});
  }
}

/** Reads the status of every migration against a database, without taking the lock or creating anything. */
export async function getStatus(config: PgwardenConfig, db: DatabaseHandle, options: { migrations?: MigrationFile[] } = {}): Promise<StatusReport> {
  const files = options.migrations ?? loadMigrations(config.migrationsDir);
  const ordered = linearHistory(files, config.root);
  const client = await connect(db);
  try {
    return computeStatus(ordered, await readLedger(client, config.ledger), config.root, db.display);
  } finally {
    await client.end().catch(() => {});
  }
}
