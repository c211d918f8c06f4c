import { relative } from 'node:path';
import { PgwardenError } from '../errors.js';
import type { MigrationFile } from '../migrations/types.js';
import { redactText } from '../redact.js';
import { lineColumnAt } from '../sql/parse.js';

/** The fields of a Postgres error that pg exposes. */
export interface PgErrorFields {
  message: string;
  code?: string;
  position?: string;
  internalPosition?: string;
  internalQuery?: string;
  detail?: string;
  hint?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

export function isPgError(error: unknown): error is PgErrorFields & Error {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((error as { code: string }).code);
}

const CONNECTION_CLASSES = ['08', '57P01', '57P02', '57P03'];

/**
 * Whether an error means the connection to the server was lost: the server shut down or
 * terminated the session (SQLSTATE class 08, 57P01-57P03), or the socket closed.
 */
export function isConnectionLoss(error: unknown): boolean {
  if (isPgError(error)) return CONNECTION_CLASSES.some((c) => error.code!.startsWith(c));
  const message = String((error as Error)?.message ?? error);
  const code = String((error as { code?: unknown })?.code ?? '');
  return /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT)$/.test(code) || /Connection terminated|terminating connection|ECONNRESET|EPIPE|Client has encountered a connection error/i.test(message);
}

/** Lines around a position of a text, with a marker under the column: the code frame shown for errors. */
export function codeFrame(text: string, line: number, column: number, context = 2): string {
  const lines = text.split('\n');
  const from = Math.max(1, line - context);
  const to = Math.min(lines.length, line + context);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    const marker = n === line ? '>' : ' ';
    out.push(`${marker} ${String(n).padStart(width)} | ${(lines[n - 1] ?? '').replace(/\r$/, '')}`);
    if (n === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}

/**
 * Turns a Postgres error raised by a step of a migration into an error naming the file, line and
 * column of the failing statement (of a JS/TS migration, of the call that produced it), the text
 * around it, the SQLSTATE, detail and hint.
 */
export function migrationError(
  error: unknown,
  file: MigrationFile,
  context: {
    root: string;
    direction: 'up' | 'down';
    stepOffset: number | undefined;
    statementOffset?: number | undefined;
    /** JS/TS migrations: where the file made the call that produced the failing statement. */
    call?: { line: number; column: number } | undefined;
    /** The command to run again once the SQL is fixed: `pgwarden up --env staging` (default: `pgwarden up|down`). */
    retry?: string | undefined;
  },
): PgwardenError {
  if (!isPgError(error)) {
    const message = redactText((error as Error)?.message ?? String(error));
    const connection = /ECONNRESET|ECONNREFUSED|Connection terminated|terminating connection/i.test(message);
    return new PgwardenError(connection ? 'CONNECTION_FAILED' : 'MIGRATION_FAILED', `${relative(context.root, file.path)} (${context.direction}) failed: ${message}`, { cause: error, location: { file: file.path } });
  }
  const rel = relative(context.root, file.path);
  let offset: number | undefined;
  if (context.stepOffset !== undefined && error.position) offset = context.stepOffset + Number(error.position) - 1;
  else if (context.statementOffset !== undefined) offset = context.statementOffset;
  else if (context.stepOffset !== undefined) offset = context.stepOffset;
  const at = offset !== undefined ? lineColumnAt(file.text, offset) : context.call;
  const where = at ? `${rel}:${at.line}:${at.column}` : rel;
  const parts = [`${where}: ${context.direction} failed: ${error.message} (SQLSTATE ${error.code})`];
  if (at) parts.push(codeFrame(file.text, at.line, at.column));
  if (error.detail) parts.push(`detail: ${error.detail}`);
  if (error.hint) parts.push(`hint: ${error.hint}`);
  if (error.where) parts.push(`where: ${error.where}`);
  const retry = context.retry ?? `pgwarden ${context.direction}`;
  parts.push(
    context.direction === 'up'
      ? `Nothing of this migration was kept (its transaction was rolled back): fix the SQL and run ${retry} again.`
      : `The rollback of this migration was undone: fix its down section and run ${retry} again (a change to the down section alone is accepted then; any other change to the file needs pgwarden acknowledge first).`,
  );
  const code = CONNECTION_CLASSES.some((c) => error.code!.startsWith(c)) ? 'CONNECTION_FAILED' : 'MIGRATION_FAILED';
  return new PgwardenError(code, redactText(parts.join('\n')), {
    cause: error,
    location: { file: file.path, ...(at ?? {}) },
    details: { sqlstate: error.code, detail: error.detail, hint: error.hint, revision: file.revision },
  });
}
