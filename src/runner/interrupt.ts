import pg from 'pg';
import type { PgwardenConfig } from '../config/types.js';
import { PgwardenError } from '../errors.js';
import type { MigrationFile } from '../migrations/types.js';
import { commandFor } from '../providers/origin.js';
import type { DatabaseHandle } from '../providers/types.js';
import { readLedger, type LedgerRow } from './ledger.js';
import { connect } from './session.js';
import type { Direction } from './steps.js';

/**
 * Stops a run's work on the server when `signal` aborts: the query its session is running (a
 * whole run may be one message) is cancelled with pg_cancel_backend from a second connection, or,
 * when no second connection can be made, with the protocol's cancel request. A query that had
 * finished by then is not affected; the runner checks `signal` before every next step.
 *
 * `terminate` (for sessions on a throwaway database, which is dropped next): the session ends
 * instead, on the server (pg_terminate_backend: its transaction rolls back and its locks go) and
 * here (the running query and every later one fail at once), so that no query sent after the
 * abort can run.
 */
export function cancelOnAbort(client: pg.Client, db: DatabaseHandle, signal: AbortSignal | undefined, options: { terminate?: boolean } = {}): { dispose(): void } {
  if (!signal) return { dispose: () => {} };
  const backendPid = (client as unknown as { processID: number | null }).processID;
  const cancel = async () => {
    if (!backendPid) return;
    try {
      const other = await connect(db, { applicationName: 'pgwarden (cancel)' });
      try {
        await other.query(`SELECT ${options.terminate ? 'pg_terminate_backend' : 'pg_cancel_backend'}($1)`, [backendPid]);
      } finally {
        await other.end().catch(() => {});
      }
    } catch {
      cancelRequest(client);
    }
  };
  const onAbort = () => {
    void cancel();
    if (options.terminate) void client.end().catch(() => {});
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return { dispose: () => signal.removeEventListener('abort', onAbort) };
}

/** The protocol's cancel request (no authentication needed: the session's secret key identifies it). */
function cancelRequest(client: pg.Client): void {
  const c = client as unknown as { processID: number | null; secretKey: number | null; host: string; port: number };
  const Connection = (pg as unknown as { Connection: new () => { connect(port: number | string, host?: string): void; on(event: string, fn: (...a: unknown[]) => void): void; cancel(pid: number, key: number): void; end(): void } }).Connection;
  if (!c.processID || c.secretKey === null || !Connection) return;
  try {
    const con = new Connection();
    con.on('error', () => {});
    con.on('connect', () => con.cancel(c.processID!, c.secretKey!));
    if (c.host?.startsWith('/')) con.connect(`${c.host}/.s.PGSQL.${c.port}`);
    else con.connect(c.port, c.host);
  } catch {
    /* the run ends when the server finishes the query */
  }
}

/** Throws the runner's interruption marker when `signal` has aborted; called before every step of a run. */
export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new PgwardenError('INTERRUPTED', 'Interrupted.');
}

/**
 * The error of a command other than up/down stopped by `signal`: `Interrupted by SIGINT: ` and
 * what the command did and did not do (`what`), with the error the cancel caused as its cause.
 */
export function interruptedBy(signal: AbortSignal, what: string, cause?: unknown): PgwardenError {
  const by = typeof signal.reason === 'string' ? ` by ${signal.reason}` : '';
  return new PgwardenError('INTERRUPTED', `Interrupted${by}: ${what}`, { cause, details: { signal: signal.reason } });
}

/**
 * The error of an interrupted run: what this run applied (or rolled back) and what it did not,
 * read from the ledger after the server stopped. Each transactional migration is applied or not;
 * a `Transaction: none` migration may have stopped partway, as the ledger records.
 */
export async function interruptedError(
  client: pg.Client,
  config: PgwardenConfig,
  direction: Direction,
  before: readonly LedgerRow[] | undefined,
  planned: readonly MigrationFile[] | undefined,
  signal: AbortSignal,
  cause: unknown,
  db?: Pick<DatabaseHandle, 'origin'>,
): Promise<PgwardenError> {
  const by = typeof signal.reason === 'string' ? ` by ${signal.reason}` : '';
  const after = before ? await readLedger(client, config.ledger).catch(() => undefined) : before;
  const lines: string[] = [];
  let retry = commandFor(db, direction);
  if (!before || !planned) {
    lines.push(`Interrupted${by} before any migration ran: nothing was changed.`);
  } else if (!after) {
    lines.push(`Interrupted${by}; the ledger could not be read afterwards: run ${commandFor(db, 'status')} to see what was applied.`);
  } else {
    const state = (rows: readonly LedgerRow[]) => new Map(rows.map((r) => [r.revision, r]));
    const was = state(before);
    const now = state(after);
    const done: string[] = [];
    const notDone: string[] = [];
    const partial: string[] = [];
    for (const file of planned) {
      const row = now.get(file.revision);
      if (row?.state === 'partial') {
        partial.push(`${file.name} (Transaction: none) stopped after ${row.statementsDone ?? 0} of ${row.statementsTotal ?? '?'} statements`);
        retry = `${commandFor(db, 'up --resume')} (or ${commandFor(db, `resolve ${file.revision}`, '--applied | --rolled-back')})`;
      } else if (direction === 'up' ? row?.state === 'applied' && was.get(file.revision)?.state !== 'applied' : !row && was.has(file.revision)) {
        done.push(file.name);
      } else {
        notDone.push(file.name);
      }
    }
    lines.push(`Interrupted${by}: the running statement was cancelled on the server and the run stopped.`);
    lines.push(`${direction === 'up' ? 'Applied' : 'Rolled back'} by this run (${done.length}): ${done.join(', ') || 'none'}`);
    if (partial.length > 0) lines.push(`Stopped partway: ${partial.join('; ')}`);
    lines.push(`Not ${direction === 'up' ? 'applied' : 'rolled back'} (${notDone.length}): ${notDone.join(', ') || 'none'}`);
    lines.push(notDone.length === 0 && partial.length === 0 ? 'Nothing is left to do.' : `Run ${retry} to continue.`);
  }
  return new PgwardenError('INTERRUPTED', lines.join('\n'), { cause, details: { signal: signal.reason } });
}
