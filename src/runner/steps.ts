import { isAbsolute, relative, sep } from 'node:path';
import type { MigrationBuilder as MigrationBuilderType } from 'node-pg-migrate';
import { PgwardenError } from '../errors.js';
import type { MigrationFile } from '../migrations/types.js';
import { isEmptySection } from '../migrations/parse.js';
import { ensureParser, parseSql, SqlSyntaxError, lineColumnAt, type ParsedStatement } from '../sql/parse.js';

export type Direction = 'up' | 'down';

/** One SQL step of a migration, with where it starts in the file (SQL migrations). */
export interface MigrationStep {
  sql: string;
  /** Offset of `sql` in the file text, when it comes from a SQL file. */
  fileOffset: number | undefined;
  /** The statement as the parser read it, when the section was split (so that callers need not parse it again). */
  parsed?: ParsedStatement;
}

export interface MigrationSteps {
  /** False for `Transaction: none` (and node-pg-migrate's pgm.noTransaction()). */
  transactional: boolean;
  steps: MigrationStep[];
}

/**
 * How a message names a migration file with a line: its path from the working directory
 * (`migrations/20261101000001_bad.sql`, as lint prints it from the project's folder), so that an
 * editor or a terminal opens it; the absolute path for a file outside it.
 */
export function shownPath(file: MigrationFile): string {
  const path = relative(process.cwd(), file.path);
  return path === '' || path.startsWith('..') || isAbsolute(path) ? file.path : path.split(sep).join('/');
}

/** What a node-pg-migrate migration that reads the database (pgm.db) was refused for: `details` of its MIGRATION_INVALID error. */
export interface PgmDbRefusal {
  pgmDb: { method: 'query' | 'select'; direction: Direction; line?: number; column?: number };
}

type Action = (pgm: MigrationBuilderType, run?: () => void) => Promise<void> | void;
export interface ScriptActions {
  up?: Action | false;
  down?: Action | false;
  shorthands?: Record<string, unknown>;
}

let npm: Promise<typeof import('node-pg-migrate')> | undefined;
/** node-pg-migrate, loaded on first use: lint and status never pay for it. */
export function nodePgMigrate(): Promise<typeof import('node-pg-migrate')> {
  npm ??= import('node-pg-migrate');
  return npm;
}

/**
 * Imports a node-pg-migrate JS/TS migration with node-pg-migrate's own loader (jiti). With `text`
 * (lint's `--staged`: the version git's index holds of a file changed since it was staged), that
 * text is loaded instead of the file: see {@link evaluateAs}.
 */
export async function loadScriptActions(file: MigrationFile, options: { text?: string } = {}): Promise<ScriptActions> {
  const { jiti } = await nodePgMigrate();
  try {
    return (options.text === undefined ? await jiti.import(file.path) : await evaluateAs(jiti, file.path, options.text)) as ScriptActions;
  } catch (cause) {
    const which = options.text === undefined ? file.fileName : `${file.fileName} (the text lint was given, which differs from the file: with --staged, the staged version)`;
    throw new PgwardenError('MIGRATION_INVALID', `${which} could not be loaded: ${(cause as Error).message}. Fix the script so that node can import it.`, { cause, location: { file: file.path } });
  }
}

type Jiti = Awaited<ReturnType<typeof nodePgMigrate>>['jiti'];

/**
 * Evaluates `text` as the module at `path`, in memory: its relative imports resolve from the file's
 * folder and its stack frames name the file (a pgm.db call is reported where it is), and nothing is
 * written beside it, so no file is left behind, and neither the runner nor git ever sees one. jiti
 * compiles the text as it compiles a TypeScript or ES module migration, whatever the extension: a
 * .cjs, .mjs or plain CommonJS .js file it would import natively, which reads the file on disk.
 * Node's module cache entry for `path` is put back as it was, so that a later import reads the file.
 */
async function evaluateAs(jiti: Jiti, path: string, text: string): Promise<unknown> {
  const before = jiti.cache[path];
  try {
    return await jiti.evalModule(text, { filename: path, async: true, forceTranspile: true });
  } finally {
    if (before) jiti.cache[path] = before;
    else delete jiti.cache[path];
  }
}

const silentLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** Runs a node-pg-migrate action on a MigrationBuilder and returns the SQL it produces. */
export async function scriptSteps(file: MigrationFile, direction: Direction, actions?: ScriptActions): Promise<MigrationSteps> {
  const { MigrationBuilder } = await nodePgMigrate();
  const loaded = actions ?? (await loadScriptActions(file));
  // pgwarden builds the SQL of every migration before it runs any (to show it, check it, and send
  // the run as one message), so a migration cannot read the database while building its SQL.
  const refuse = (method: 'query' | 'select'): never => {
    const frame = new Error().stack?.split('\n').find((l) => l.includes(file.fileName));
    const at = frame ? /:(\d+):(\d+)\)?\s*$/.exec(frame) : null;
    const position = at ? { line: Number(at[1]), column: Number(at[2]) } : {};
    const where = at ? `${shownPath(file)}:${at[1]}:${at[2]}` : shownPath(file);
    const details: PgmDbRefusal = { pgmDb: { method, direction, ...position } };
    throw new PgwardenError(
      'MIGRATION_INVALID',
      `${where}: ${direction} calls pgm.db.${method}, which reads the database while the migration's SQL is being built. pgwarden builds every migration's SQL before running any, so it cannot run such a migration. Move the logic into SQL (pgm.sql with INSERT ... SELECT, UPDATE ... FROM or a DO block). Nothing was run.`,
      { location: { file: file.path, ...position }, details: details as unknown as Record<string, unknown> },
    );
  };
  const db = { query: () => refuse('query'), select: () => refuse('select') };
  const pgm = new MigrationBuilder(db as never, loaded.shorthands as never, false, silentLogger as never);
  let action = loaded[direction];
  if (direction === 'down' && action === undefined && typeof loaded.up === 'function') {
    pgm.enableReverseMode();
    action = loaded.up;
  }
  if (typeof action !== 'function') {
    throw new PgwardenError('MIGRATION_IRREVERSIBLE', `${file.fileName} has no ${direction} function.`, { location: { file: file.path } });
  }
  if (action.length === 2) await new Promise<void>((resolve) => void (action as Action)(pgm, resolve));
  else await action(pgm);
  return { transactional: pgm.isUsingTransaction(), steps: pgm.getSqlSteps().map((sql) => ({ sql, fileOffset: undefined })) };
}

/**
 * The SQL steps of a migration in one direction. A transactional SQL migration is one step (its
 * whole section); a `Transaction: none` one is split into statements by the Postgres parser, so each
 * runs on its own.
 */
export async function migrationSteps(file: MigrationFile, direction: Direction, options: { split?: boolean } = {}): Promise<MigrationSteps> {
  if (file.kind === 'js') return scriptSteps(file, direction);
  const section = direction === 'up' ? file.up : file.down;
  if (direction === 'down' && (file.irreversible || isEmptySection(section))) {
    throw new PgwardenError(
      'MIGRATION_IRREVERSIBLE',
      file.irreversible
        ? `${file.fileName} is irreversible (${file.irreversible}): it cannot be rolled back. Write a new migration that undoes it instead.`
        : `${file.fileName} has no down section: it cannot be rolled back. Add a "-- Down Migration" section, or write a new migration that undoes it.`,
      { location: { file: file.path } },
    );
  }
  if (!section || isEmptySection(section)) return { transactional: file.transaction !== 'none', steps: [] };
  const transactional = file.transaction !== 'none';
  if (transactional && !options.split) return { transactional, steps: [{ sql: section.sql, fileOffset: section.offset }] };
  await ensureParser();
  try {
    const statements = parseSql(section.sql);
    return { transactional, steps: statements.map((s) => ({ sql: s.text, fileOffset: section.offset + s.start, parsed: s })) };
  } catch (error) {
    if (error instanceof SqlSyntaxError) {
      const at = lineColumnAt(file.text, section.offset + error.position);
      throw new PgwardenError('MIGRATION_INVALID', `${shownPath(file)}:${at.line}:${at.column}: ${error.message}. Fix the SQL (pgwarden lint shows it too).`, {
        location: { file: file.path, ...at },
      });
    }
    throw error;
  }
}
