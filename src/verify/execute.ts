import type pg from 'pg';
import { isDeltaError } from '../catalog/delta.js';
import { isPgwardenError } from '../errors.js';
import type { MigrationFile } from '../migrations/types.js';
import { migrationSteps, type Direction, type FilePosition } from '../runner/steps.js';
import { ensureParser, lineColumnAt, parseSql, type ParsedStatement } from '../sql/parse.js';
import { compareSamples, parseSample, sampleSql, type ExistingRelation, type RelationSample } from './locks.js';
import type { StatementTrace } from './types.js';

/** One statement of a migration, ready to run. */
export interface PlannedStatement {
  sql: string;
  /** Offset in the migration file (SQL migrations). */
  fileOffset: number | undefined;
  /** JS/TS migrations: where the file made the pgm call that produced the statement. */
  call?: FilePosition | undefined;
  /** The parsed statement, for naming the lint rule that covers it. */
  parsed: ParsedStatement | undefined;
}

/** A migration's statements in one direction. */
export interface PlannedDirection {
  transactional: boolean;
  statements: PlannedStatement[];
}

/**
 * The statements of a migration in one direction, one per statement (JS migrations' SQL steps are
 * split too). Throws MIGRATION_IRREVERSIBLE for a down that does not exist.
 */
export async function planDirection(file: MigrationFile, direction: Direction): Promise<PlannedDirection> {
  const steps = await migrationSteps(file, direction, { split: true });
  await ensureParser();
  const statements: PlannedStatement[] = [];
  for (const step of steps.steps) {
    if (step.parsed) {
      statements.push({ sql: step.sql, fileOffset: step.fileOffset, call: step.call, parsed: step.parsed });
      continue;
    }
    let parsed: ParsedStatement[] = [];
    try {
      parsed = parseSql(step.sql);
    } catch {
      // Let Postgres report the syntax error when the statement runs.
      statements.push({ sql: step.sql, fileOffset: step.fileOffset, call: step.call, parsed: undefined });
      continue;
    }
    if (step.fileOffset !== undefined || parsed.length <= 1) {
      statements.push({ sql: step.sql, fileOffset: step.fileOffset, call: step.call, parsed: parsed[0] });
      continue;
    }
    for (const p of parsed) statements.push({ sql: p.text, fileOffset: undefined, call: step.call, parsed: p });
  }
  return { transactional: steps.transactional, statements };
}

/**
 * A migration's statements for {@link runPlain}: a transactional section as one piece, unparsed
 * (it runs in one message as the runner sends it); statement by statement otherwise.
 */
export async function planPlain(file: MigrationFile, direction: Direction): Promise<PlannedDirection> {
  const steps = await migrationSteps(file, direction);
  if (!steps.transactional) return planDirection(file, direction);
  return { transactional: true, statements: steps.steps.map((step) => ({ sql: step.sql, fileOffset: step.fileOffset, call: step.call, parsed: undefined })) };
}

/** How a direction of a migration ended. */
export interface DirectionResult {
  traces: StatementTrace[];
  /** The error that stopped it. */
  error?: { message: string; code: string | undefined; line: number | undefined; statement: number };
  /** A statement outside a transaction failed after others took effect: the database is in between. */
  partial: boolean;
  /** The value of the tail statement (see {@link runTraced}), when it ran. */
  tail?: unknown;
}

const NOT_IN_TRANSACTION_BLOCK = '25001';

/**
 * Runs a migration's statements on `client`, sampling after each one the locks the session holds
 * on `relations` (those that existed before the migration), their storage files and scan counts,
 * so that each statement's trace says what it locked, scanned and rewrote. A transactional
 * migration runs in one transaction, like the runner does; a `Transaction: none` one statement by
 * statement, each in a transaction of its own when Postgres allows it (so that its locks can be
 * seen) and bare otherwise (CREATE INDEX CONCURRENTLY, ...).
 *
 * `sampler`: the lock-sampling function is installed on this database (see installSampler). `tail`, a statement that reads and returns one value (a snapshot's changes), travels after the
 * COMMIT of a transactional migration; its value is the result's `tail`. When it fails, the
 * migration still succeeded and the result has no `tail`.
 */
export async function runTraced(
  client: pg.ClientBase,
  file: MigrationFile,
  direction: Direction,
  plan: PlannedDirection,
  relations: ExistingRelation[],
  options: { tail?: string | undefined; sampler?: boolean } = {},
): Promise<DirectionResult> {
  const { tail } = options;
  const traces: StatementTrace[] = [];
  const sample = relations.length > 0 ? sampleSql(relations, options.sampler) : undefined;
  const trace = (index: number, statement: PlannedStatement, started: number, before: RelationSample | undefined, after: RelationSample | undefined, traced: boolean) => {
    const { locks, scans, rewrites } = before && after ? compareSamples(relations, before, after) : { locks: [], scans: [], rewrites: [] };
    traces.push({ direction, index: index + 1, line: lineOf(file, statement), sql: excerpt(statement.sql), durationMs: Math.round(performance.now() - started), locks, scans, rewrites, traced });
  };
  const failure = (error: unknown, index: number, statement: PlannedStatement, prefixLength: number): DirectionResult['error'] => {
    const e = error as { message?: string; code?: string; position?: string };
    const position = e.position ? Number(e.position) - 1 - prefixLength : undefined;
    const offset = statement.fileOffset !== undefined ? statement.fileOffset + (position !== undefined && position >= 0 && position < statement.sql.length ? position : 0) : undefined;
    return { message: e.message ?? String(error), code: e.code, line: offset !== undefined ? lineColumnAt(file.text, offset).line : statement.call?.line, statement: index + 1 };
  };

  if (plan.transactional) {
    // BEGIN travels with the first statement and COMMIT with the last: one round trip per statement.
    let before: RelationSample | undefined;
    const count = plan.statements.length;
    let tailValue: unknown;
    for (const [i, statement] of plan.statements.entries()) {
      const started = performance.now();
      const prefix = i === 0 ? (sample ? `BEGIN;\n${sample};\n` : 'BEGIN;\n') : '';
      const lastOne = i === count - 1;
      const text = `${prefix}${statement.sql}\n;\n${sample ? `${sample};\n` : ''}${lastOne ? `COMMIT${tail ? `;\n${tail}` : ''}` : ''}`;
      try {
        const results = await multi(client, text);
        if (lastOne && tail) tailValue = last(results)?.pgwarden_delta;
        if (sample) {
          if (i === 0) before = parseSample(results[1]?.rows[0]);
          const after = parseSample(results[i === 0 ? 3 : 1]?.rows[0]);
          trace(i, statement, started, before, after, true);
          before = after;
        } else trace(i, statement, started, undefined, undefined, true);
      } catch (error) {
        if (lastOne && tail && (await tailFailed(client, error))) {
          // The migration committed; only the tail failed (its samples went with it).
          trace(i, statement, started, undefined, undefined, true);
          return { traces, partial: false };
        }
        await client.query('ROLLBACK').catch(() => {});
        return { traces, error: failure(error, i, statement, prefix.length), partial: false };
      }
    }
    return { traces, partial: false, ...(tailValue !== undefined ? { tail: tailValue } : {}) };
  }

  for (const [i, statement] of plan.statements.entries()) {
    const started = performance.now();
    const prefix = sample ? `BEGIN;\n${sample};\n` : 'BEGIN;\n';
    try {
      const results = await multi(client, `${prefix}${statement.sql}\n;\n${sample ? `${sample};\n` : ''}COMMIT`);
      if (sample) trace(i, statement, started, parseSample(results[1]?.rows[0]), parseSample(results[results.length - 2]?.rows[0]), true);
      else trace(i, statement, started, undefined, undefined, true);
      continue;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      if ((error as { code?: string }).code !== NOT_IN_TRANSACTION_BLOCK) return { traces, error: failure(error, i, statement, prefix.length), partial: i > 0 };
    }
    try {
      await client.query(statement.sql);
      trace(i, statement, started, undefined, undefined, false);
    } catch (error) {
      return { traces, error: failure(error, i, statement, 0), partial: i > 0 };
    }
  }
  return { traces, partial: false };
}

/** A transactional plan's statements in one transaction, as one piece of a simple-query message. */
export function transactionSql(plan: PlannedDirection): string {
  return `BEGIN;\n${plan.statements.map((s) => s.sql).join('\n;\n')}\n;\nCOMMIT`;
}

/** Runs statements without tracing, as fast as possible (up again, rebuilds); `tail` as for {@link runTraced}. */
export async function runPlain(client: pg.ClientBase, file: MigrationFile, plan: PlannedDirection, tail?: string): Promise<DirectionResult> {
  if (plan.transactional) {
    try {
      const results = await multi(client, `${transactionSql(plan)}${tail ? `;\n${tail}` : ''}`);
      const value: unknown = tail ? last(results)?.pgwarden_delta : undefined;
      return { traces: [], partial: false, ...(value !== undefined ? { tail: value } : {}) };
    } catch (error) {
      if (tail && (await tailFailed(client, error))) return { traces: [], partial: false };
      await client.query('ROLLBACK').catch(() => {});
      const e = error as { message?: string; code?: string };
      return { traces: [], error: { message: e.message ?? String(error), code: e.code, line: plan.statements.length === 1 || plan.statements[0]?.fileOffset !== undefined ? lineOf(file, plan.statements[0]) : undefined, statement: 1 }, partial: false };
    }
  }
  for (const [i, statement] of plan.statements.entries()) {
    try {
      await client.query(statement.sql);
    } catch (error) {
      const e = error as { message?: string; code?: string };
      return { traces: [], error: { message: e.message ?? String(error), code: e.code, line: lineOf(file, statement), statement: i + 1 }, partial: i > 0 };
    }
  }
  return { traces: [], partial: false };
}

/** The reason a migration's down cannot be planned (irreversible, none written), or undefined. */
export async function planDown(file: MigrationFile): Promise<{ plan?: PlannedDirection; irreversible?: string }> {
  try {
    return { plan: await planDirection(file, 'down') };
  } catch (error) {
    if (isPgwardenError(error) && error.code === 'MIGRATION_IRREVERSIBLE') return { irreversible: file.irreversible ?? 'it has no down section' };
    throw error;
  }
}

/**
 * Whether an error of a message ending in `COMMIT; <tail>` came from the tail: it names the delta
 * function, and the session is not in an aborted transaction (an error before the COMMIT leaves
 * one, so the probe fails; a COMMIT that failed names no delta function).
 */
async function tailFailed(client: pg.ClientBase, error: unknown): Promise<boolean> {
  if (!isDeltaError(error)) return false;
  return client.query('SELECT 1').then(
    () => true,
    () => false,
  );
}

async function multi(client: pg.ClientBase, text: string): Promise<pg.QueryResult[]> {
  const result = (await client.query(text)) as pg.QueryResult | pg.QueryResult[];
  return Array.isArray(result) ? result : [result];
}

function last(results: pg.QueryResult[]) {
  return results[results.length - 1]?.rows[0];
}

/** The line of a statement: where it starts in a SQL file, or where a JS/TS file made the call that produced it. */
function lineOf(file: MigrationFile, statement: PlannedStatement | undefined): number | undefined {
  if (statement?.fileOffset !== undefined) return lineColumnAt(file.text, statement.fileOffset).line;
  return statement?.call?.line;
}

function excerpt(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
