import pg from 'pg';
import { PgwardenError } from '../errors.js';
import { commandFor } from '../providers/origin.js';
import { withDatabase as urlOfDatabase } from '../providers/url.js';
import type { DatabaseHandle } from '../providers/types.js';
import { redactText, registerSecret } from '../redact.js';
import { cancelOnAbort, interruptedBy, throwIfInterrupted } from '../runner/interrupt.js';
import { connect } from '../runner/session.js';
import { readPassword, unreadablePasswords } from './passwords.js';
import { planRoles, type PlanOptions, type RoleChange, type RolesPlan } from './plan.js';
import { scramVerifier } from './scram.js';
import { literal, REDACTED } from './sql.js';
import type { RolesFile } from './types.js';

/** The advisory lock `roles apply` holds: class "pgwd", object "role". */
const LOCK_CLASS = 0x70677764;
const LOCK_OBJECT = 0x726f6c65;

export interface ApplyOptions extends PlanOptions {
  /**
   * The plan that was shown. The plan is computed again under the lock; when it differs (the
   * database changed in between), nothing is applied and `ROLES_CONFLICT` is thrown.
   */
  expected?: RolesPlan | undefined;
  /** Where passwords are read from (default: process.env). */
  environ?: NodeJS.ProcessEnv | undefined;
  /** `lock_timeout` for the statements (default 5s). */
  lockTimeout?: string | undefined;
  /**
   * Stops the apply: the running statement is cancelled on the server, its transaction rolled back,
   * nothing further starts, and the apply fails with INTERRUPTED saying what was committed where.
   */
  signal?: AbortSignal | undefined;
}

export interface ApplyResult {
  /** The plan that was applied (computed under the lock). */
  plan: RolesPlan;
  /** How many statements ran. */
  applied: number;
}

/** The statement to run: the shown one with the password's SCRAM verifier in place of `<redacted>`. */
function executable(change: RoleChange, passwords: Map<string, string>): string {
  if (!change.password) return change.sql;
  const verifier = scramVerifier(passwords.get(change.password.role)!);
  const at = change.password.at;
  return `${change.sql.slice(0, at)}${literal(verifier)}${change.sql.slice(at + REDACTED.length)}`;
}

function planDiffers(a: RolesPlan, b: RolesPlan): string | undefined {
  if (a.fingerprint === b.fingerprint) return undefined;
  const shown = new Set(a.changes.map((c) => c.sql));
  const now = new Set(b.changes.map((c) => c.sql));
  const added = b.changes.filter((c) => !shown.has(c.sql)).map((c) => `  + ${c.sql}`);
  const gone = a.changes.filter((c) => !now.has(c.sql)).map((c) => `  - ${c.sql}`);
  return [...added, ...gone].slice(0, 20).join('\n');
}

/** A statement failed in one database's transaction, which was rolled back. */
class StatementFailed extends Error {
  constructor(
    readonly database: string,
    readonly sql: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * Runs `changes` in one transaction; `beforeCommit` may still refuse it. Throws
 * {@link StatementFailed} (rolled back) when a statement fails.
 */
async function runTransaction(client: pg.ClientBase, database: string, changes: RoleChange[], passwords: Map<string, string>, lockTimeout: string, signal: AbortSignal | undefined, beforeCommit?: () => Promise<void>): Promise<void> {
  throwIfInterrupted(signal);
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL lock_timeout = ${literal(lockTimeout)}`);
    for (const change of changes) {
      throwIfInterrupted(signal);
      try {
        await client.query(executable(change, passwords));
      } catch (cause) {
        if (signal?.aborted) throw cause;
        throw new StatementFailed(database, change.sql, redactText((cause as Error).message));
      }
    }
    await beforeCommit?.();
    // A cancel that came while the session was idle did nothing on the server: do not commit.
    throwIfInterrupted(signal);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Applies the roles file: takes an advisory lock, plans again under it (and refuses when that plan
 * differs from `expected`), reads passwords, then runs the statements. First everything but the
 * drops in one transaction on the connection's database; before it commits, the plan is made once
 * more inside it, and any statement still needed (one that ran without error but changed nothing)
 * rolls it back. Only then the drops of undeclared roles: REASSIGN OWNED and DROP OWNED in one
 * transaction per other database, then the connection's database with DROP ROLE. A failure says
 * what was committed where; the next apply continues from there. Returns what ran.
 *
 * @example
 * const shown = await planRoles(client, roles, { environment: 'prod' });
 * await applyRoles(db, roles, { environment: 'prod', expected: shown });
 */
export async function applyRoles(db: DatabaseHandle, rolesFile: RolesFile, options: ApplyOptions = {}): Promise<ApplyResult> {
  const { signal } = options;
  const client = await connect(db, { applicationName: 'pgwarden roles apply' });
  const cancel = cancelOnAbort(client, db, signal);
  /** What was committed where, and the database whose transaction runs now (for an interruption's report). */
  const committed: string[] = [];
  let running: string | undefined;
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_catalog.pg_try_advisory_lock($1, $2) AS ok', [LOCK_CLASS, LOCK_OBJECT]);
    if (!rows[0]!.ok) {
      throw new PgwardenError('LOCK_HELD', 'Another pgwarden roles apply holds the roles lock on this database: wait for it to finish and plan again.');
    }
    try {
      const plan = await planRoles(client, rolesFile, options);
      if (options.expected) {
        const difference = planDiffers(options.expected, plan);
        if (difference !== undefined) {
          throw new PgwardenError('ROLES_CONFLICT', `The database changed since the plan was shown; nothing was applied. Plan again and review:\n${difference}`, {
            details: { shown: options.expected.fingerprint, now: plan.fingerprint },
          });
        }
      }
      // Every password that cannot be read, each at the line of its entry, before any is used.
      const problems = unreadablePasswords(rolesFile, plan, options.environ);
      const passwords = new Map<string, string>();
      for (const change of problems.length === 0 ? plan.changes : []) {
        if (change.password && !passwords.has(change.password.role)) passwords.set(change.password.role, readPassword(change.password.source, change.password.role, options.environ));
      }
      if (problems.length > 0) throw new PgwardenError('ROLES_INVALID', `${problems.length} password${problems.length === 1 ? '' : 's'} could not be read. Nothing was applied.`, { problems });
      const lockTimeout = options.lockTimeout ?? '5s';
      const main = plan.changes.filter((c) => c.group !== 'drops');
      const drops = plan.changes.filter((c) => c.group === 'drops');
      const failed = (error: unknown): never => {
        if (!(error instanceof StatementFailed)) throw error;
        const done = committed.length === 0 ? 'Nothing was committed in any database.' : `Already committed: ${committed.join('; ')}.`;
        throw new PgwardenError(
          'DATABASE_ERROR',
          `In ${error.database}, ${error.sql} failed: ${error.reason}. The transaction for ${error.database} was rolled back. ${done}${committed.length > 0 ? ' Fix the cause and apply again: the next plan continues from there.' : ''}`,
          { cause: new Error(error.reason), details: { sql: error.sql, database: error.database, committed } },
        );
      };
      if (main.length > 0) {
        running = plan.database;
        await runTransaction(client, plan.database, main, passwords, lockTimeout, signal, async () => {
          const after = await planRoles(client, rolesFile, options);
          const unchanged = after.changes.filter((c) => c.group !== 'drops');
          if (unchanged.length > 0) {
            throw new PgwardenError(
              'INTERNAL',
              `These statements ran without error but the database still differs from ${rolesFile.file} afterwards, so pgwarden planned them wrongly: ${unchanged.map((c) => c.sql).join('; ')}. The transaction for ${plan.database} was rolled back; nothing was applied. Please report this.`,
              { details: { unchanged: unchanged.map((c) => c.sql) } },
            );
          }
        }).catch(failed);
        committed.push(`${plural(main.length, 'statement')} in ${plan.database}`);
        running = undefined;
      }
      const others = [...new Set(drops.map((c) => c.database))].filter((d) => d !== plan.database);
      for (const database of others) {
        const here = drops.filter((c) => c.database === database);
        throwIfInterrupted(signal);
        const otherDb = { ...db, url: urlOfDatabase(db.url, database), display: `${db.display} (database ${database})` };
        const other = await connect(otherDb, { applicationName: 'pgwarden roles apply' });
        const cancelOther = cancelOnAbort(other, otherDb, signal);
        try {
          running = database;
          await runTransaction(other, database, here, passwords, lockTimeout, signal).catch(failed);
          running = undefined;
        } finally {
          cancelOther.dispose();
          await other.end().catch(() => {});
        }
        committed.push(`${here.map((c) => c.sql).join(', ')} in ${database}`);
      }
      const last = drops.filter((c) => c.database === plan.database);
      if (last.length > 0) {
        running = plan.database;
        await runTransaction(client, plan.database, last, passwords, lockTimeout, signal).catch(failed);
        running = undefined;
        committed.push(`${last.map((c) => c.sql).join(', ')} in ${plan.database}`);
      }
      return { plan, applied: plan.changes.length };
    } finally {
      await client.query('SELECT pg_catalog.pg_advisory_unlock($1, $2)', [LOCK_CLASS, LOCK_OBJECT]).catch(() => {});
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
    // Each database's statements run in one transaction: the one that was running was rolled back.
    const stopped = running ? `the running statement was cancelled on the server and the transaction for ${running} was rolled back. ` : '';
    const done = committed.length === 0 ? 'Nothing was committed in any database.' : `Already committed: ${committed.join('; ')}.`;
    throw interruptedBy(signal, `${stopped}${done} Run ${commandFor(db, 'roles apply')} again to continue: it plans from what the databases hold now.`, error);
  } finally {
    cancel.dispose();
    await client.end().catch(() => {});
  }
}

/**
 * Plans against a database (a convenience over {@link planRoles} that opens and closes the
 * connection). `signal` cancels the reads on the server and fails with INTERRUPTED.
 */
export async function planRolesOn(db: DatabaseHandle, rolesFile: RolesFile, options: PlanOptions & { signal?: AbortSignal | undefined } = {}): Promise<RolesPlan> {
  const { signal } = options;
  throwIfInterrupted(signal);
  const client = await connect(db, { applicationName: 'pgwarden roles plan' });
  const cancel = cancelOnAbort(client, db, signal);
  try {
    const plan = await planRoles(client, rolesFile, options);
    throwIfInterrupted(signal);
    return plan;
  } finally {
    cancel.dispose();
    await client.end().catch(() => {});
  }
}
