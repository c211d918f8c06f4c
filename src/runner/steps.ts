import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MigrationBuilder as MigrationBuilderType } from 'node-pg-migrate';
import { PgwardenError } from '../errors.js';
import type { MigrationFile } from '../migrations/types.js';
import { isEmptySection } from '../migrations/parse.js';
import { ensureParser, parseSql, SqlSyntaxError, lineColumnAt, type ParsedStatement } from '../sql/parse.js';

export type Direction = 'up' | 'down';

/** A 1-based line and column in a migration file. */
export interface FilePosition {
  line: number;
  column: number;
}

/** One SQL step of a migration, with where it starts in the file (SQL migrations) or where the script made the call that produced it (JS/TS). */
export interface MigrationStep {
  sql: string;
  /** Offset of `sql` in the file text, when it comes from a SQL file. */
  fileOffset: number | undefined;
  /** The statement as the parser read it, when the section was split (so that callers need not parse it again). */
  parsed?: ParsedStatement;
  /**
   * JS/TS migrations: where the migration file made the MigrationBuilder call that produced the
   * step (see {@link callLocator}); absent when no stack frame was in the file.
   */
  call?: FilePosition;
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

/** The stack of the caller, as V8's call sites (every frame: a migration may sit deep under helpers). */
function callSites(): NodeJS.CallSite[] {
  const { prepareStackTrace, stackTraceLimit } = Error;
  Error.prepareStackTrace = (_, sites) => sites;
  Error.stackTraceLimit = Infinity;
  try {
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, callSites);
    // Read before the finally: V8 formats the stack on first access, with the prepareStackTrace then set.
    return holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * Finds where a JS/TS migration makes the call under way: the outermost stack frame in the file, so
 * that a call made by a module the migration imports (or by a function of its own) is placed at the
 * line of the migration's action that led to it. Undefined when no frame is in the file.
 *
 * jiti compiles TypeScript and ES modules keeping every line where it was, but not always the
 * columns (type annotations removed before the call, an imported function called as
 * `(0, _module.name)(...)`). A frame's column is taken as it is when the code V8 ran is the file's
 * text (its script hash is the file's SHA-256: CommonJS and .mjs files, which Node loads as they
 * are), or when the file has a call there (see {@link callStartsAt}); otherwise the column is the
 * line's first character.
 */
function callLocator(file: MigrationFile): () => FilePosition | undefined {
  const paths = new Set([file.path]);
  try {
    // Node's CommonJS loader names a module by its real path.
    paths.add(realpathSync(file.path));
  } catch {
    // Linted from text that is not on disk (--staged): the frames name file.path.
  }
  let hash: string | undefined;
  let lines: string[] | undefined;
  return () => {
    let found: NodeJS.CallSite | undefined;
    for (const site of callSites()) {
      const name = site.getFileName();
      if (name && paths.has(name.startsWith('file:') ? fileURLToPath(name) : name)) found = site;
    }
    const line = found?.getLineNumber();
    if (!found || !line) return undefined;
    const column = found.getColumnNumber();
    hash ??= createHash('sha256').update(file.text).digest('hex');
    if (column && found.getScriptHash?.() === hash) return { line, column };
    lines ??= file.text.split('\n');
    const text = lines[line - 1] ?? '';
    if (column && callStartsAt(text, column)) return { line, column };
    return { line, column: text.length - text.trimStart().length + 1 };
  };
}

/** A call's callee (`name(`, ``name` ``, `name?.(`) or an `await` starts at this 1-based column of the line, where V8 places a call. */
function callStartsAt(line: string, column: number): boolean {
  if (column > 1 && /[\w$]/.test(line[column - 2]!)) return false;
  return /^(?:await\b|[A-Za-z_$][\w$]*\s*(?:\(|`|\?\.\())/.test(line.slice(column - 1));
}

/** MigrationBuilder methods that add no step: not worth a look at the stack (pgm.func is called for every default). */
const NO_STEPS = new Set<PropertyKey>(['func', 'noTransaction', 'isUsingTransaction', 'getSql', 'getSqlSteps']);

/**
 * The MigrationBuilder a migration's action gets: `pgm` behind a Proxy that notes, for each step a
 * call adds, where the migration file made the call (`calls`, one entry per step, in the order the
 * steps were added).
 */
function recordingBuilder(pgm: MigrationBuilderType, locate: () => FilePosition | undefined): { builder: MigrationBuilderType; calls: Array<FilePosition | undefined>; reversed: () => boolean } {
  const calls: Array<FilePosition | undefined> = [];
  let reversed = false;
  const count = () => pgm.getSqlSteps().length;
  const wrappers = new WeakMap<(...args: unknown[]) => unknown, (...args: unknown[]) => unknown>();
  const builder: MigrationBuilderType = new Proxy(pgm, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function' || NO_STEPS.has(key)) return value;
      const method = value as (...args: unknown[]) => unknown;
      let wrapper = wrappers.get(method);
      if (!wrapper) {
        wrapper = function (this: unknown, ...args: unknown[]) {
          if (key === 'enableReverseMode') reversed = true;
          const before = count();
          const at = locate();
          const result = Reflect.apply(method, this === builder ? target : this, args);
          for (let added = count() - before; added > 0; added--) calls.push(at);
          return result === target ? builder : result;
        };
        wrappers.set(method, wrapper);
      }
      return wrapper;
    },
  });
  return { builder, calls, reversed: () => reversed };
}

/**
 * Runs a node-pg-migrate action on a MigrationBuilder and returns the SQL it produces, each step
 * with the position of the call in the file that produced it.
 */
export async function scriptSteps(file: MigrationFile, direction: Direction, actions?: ScriptActions): Promise<MigrationSteps> {
  const { MigrationBuilder } = await nodePgMigrate();
  const loaded = actions ?? (await loadScriptActions(file));
  const locate = callLocator(file);
  // pgwarden builds the SQL of every migration before it runs any (to show it, check it, and send
  // the run as one message), so a migration cannot read the database while building its SQL.
  const refuse = (method: 'query' | 'select'): never => {
    const position: Partial<FilePosition> = locate() ?? {};
    const where = position.line !== undefined ? `${shownPath(file)}:${position.line}:${position.column}` : shownPath(file);
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
  // Reverse mode: node-pg-migrate reverses the steps at the end (getSqlSteps), and the calls with them.
  let reverse = false;
  if (direction === 'down' && action === undefined && typeof loaded.up === 'function') {
    pgm.enableReverseMode();
    reverse = true;
    action = loaded.up;
  }
  if (typeof action !== 'function') {
    throw new PgwardenError('MIGRATION_IRREVERSIBLE', `${file.fileName} has no ${direction} function.`, { location: { file: file.path } });
  }
  const recording = recordingBuilder(pgm, locate);
  if (action.length === 2) await new Promise<void>((resolve) => void (action as Action)(recording.builder, resolve));
  else await action(recording.builder);
  const sql = pgm.getSqlSteps();
  const calls = reverse || recording.reversed() ? recording.calls.toReversed() : recording.calls;
  // Steps added other than by a call through the builder (none that node-pg-migrate knows of) leave the positions unknown.
  const known = calls.length === sql.length;
  return {
    transactional: pgm.isUsingTransaction(),
    steps: sql.map((text, i) => {
      const call = known ? calls[i] : undefined;
      return call ? { sql: text, fileOffset: undefined, call } : { sql: text, fileOffset: undefined };
    }),
  };
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
