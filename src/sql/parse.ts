import { createRequire } from 'node:module';
type LibPgQuery = typeof import('libpg-query');
let parser: LibPgQuery | undefined;
let loaded: Promise<void> | undefined;

/**
 * Loads the Postgres parser (WebAssembly). Call once before parseSql; cheap afterwards. Imported on
 * first use, so commands that never parse SQL do not pay for it.
 */
export function ensureParser(): Promise<void> {
  // require, not import(): libpg-query is CommonJS, which Node's ES module loader would first scan
  // for its export names (5-7 ms of every lint that parses).
  loaded ??= Promise.resolve().then(async () => {
    const m = createRequire(import.meta.url)('libpg-query') as LibPgQuery;
    await m.loadModule();
    parser = m;
  });
  return loaded;
}

/**
 * True when every statement of `sql` parses. Cheaper than parseSql (no parse tree is built), so the
 * runner can check a whole batch before touching a database.
 */
export function parsesCleanly(sql: string): boolean {
  if (!parser) throw new Error('ensureParser() must be awaited before parsesCleanly()');
  try {
    parser.fingerprintSync(sql); // parses everything, returns a short hash: the cheapest full parse
    return true;
  } catch {
    return false;
  }
}

function parseSync(sql: string): unknown {
  if (!parser) throw new Error('ensureParser() must be awaited before parseSql()');
  return parser.parseSync(sql);
}

/** The raw parse tree node of one statement, e.g. `{ CreateStmt: {...} }`. */
export type StatementNode = Record<string, any>;

/** One statement of a SQL text, with where it is. */
export interface ParsedStatement {
  /** The node type, e.g. `CreateStmt`, `IndexStmt`, `AlterTableStmt`. */
  kind: string;
  /** The node's body (`node[kind]`). */
  ast: any;
  /** The statement's text, without leading comments or trailing semicolon. */
  text: string;
  /** Character offsets of `text` within the parsed SQL. */
  start: number;
  end: number;
  /** Leading comments before this statement (for inline ignores). */
  leadingComments: string;
  /** Offset of the leading comments block. */
  leadingStart: number;
}

export class SqlSyntaxError extends Error {
  /** Character offset in the parsed SQL where Postgres reports the error. */
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.name = 'SqlSyntaxError';
    this.position = position;
  }
}

/** Maps UTF-8 byte offsets (what libpg-query reports) to string offsets. */
function byteToCharMapper(sql: string): (byte: number) => number {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(sql)) return (b) => b;
  const offsets: number[] = [];
  let byte = 0;
  for (let i = 0; i < sql.length; i++) {
    const code = sql.codePointAt(i)!;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let k = 0; k < size; k++) offsets[byte + k] = i;
    byte += size;
    if (code >= 0x10000) i++;
  }
  offsets[byte] = sql.length;
  return (b) => offsets[b] ?? sql.length;
}

/** The UTF-16 index of the `n`th code point (they differ after characters outside the BMP). */
function codePointToIndex(sql: string, n: number): number {
  let index = 0;
  for (let i = 0; i < n && index < sql.length; i++) index += sql.codePointAt(index)! > 0xffff ? 2 : 1;
  return index;
}

/** Skips blanks and comments from `from`; returns the offset of the first real character. */
function skipBlanksAndComments(sql: string, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const ch = sql[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f') {
      i++;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? to : nl + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      let depth = 1;
      i += 2;
      while (i < to && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
    } else break;
  }
  return i;
}

/**
 * Parses SQL with the real Postgres parser (libpg-query). Throws SqlSyntaxError with the position
 * Postgres reports. `ensureParser()` must have been awaited.
 */
export function parseSql(sql: string): ParsedStatement[] {
  let result: { stmts?: Array<{ stmt: StatementNode; stmt_location?: number; stmt_len?: number }> };
  // libpg-query refuses an empty string ("Query cannot be empty") though it parses blanks and
  // comments to no statements; Postgres runs an empty query without complaint.
  if (sql.length === 0) return [];
  try {
    result = parseSync(sql) as typeof result;
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    // libpg-query reports the error cursor in characters (code points), unlike statement locations (bytes).
    throw new SqlSyntaxError((error as Error).message, codePointToIndex(sql, details?.cursorPosition ?? 0));
  }
  const toChar = byteToCharMapper(sql);
  const statements: ParsedStatement[] = [];
  let previousEnd = 0;
  for (const raw of result.stmts ?? []) {
    // libpg-query 18 starts a statement after the comments before it: take them from the end of
    // the previous statement so that inline ignores can be read.
    const from = Math.min(previousEnd, toChar(raw.stmt_location ?? 0));
    const to = raw.stmt_len ? toChar((raw.stmt_location ?? 0) + raw.stmt_len) : sql.length;
    previousEnd = to < sql.length && sql[to] === ';' ? to + 1 : to;
    const start = skipBlanksAndComments(sql, from, to);
    let end = to;
    while (end > start && /[\s;]/.test(sql[end - 1]!)) end--;
    const kind = Object.keys(raw.stmt)[0]!;
    statements.push({ kind, ast: raw.stmt[kind], text: sql.slice(start, end), start, end, leadingComments: sql.slice(from, start), leadingStart: from });
  }
  return statements;
}

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
